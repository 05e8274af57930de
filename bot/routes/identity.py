"""Signing in with the city's OpenID Connect provider, for a web conversation.

`GET /api/v1/identity/oidc/start?session_id=s-…` (the conversation's secret as the chat's
cookie or a bearer) sends the citizen to the provider (authorization code with PKCE, state and
nonce); `GET /api/v1/identity/oidc/callback` checks the returned ID token and attaches the
resident to that conversation, as the demo's one-time code does. Pending sign-ins live in the
gateway's memory for ten minutes. Both are 404 unless HAECHI_IDENTITY_PROVIDER=oidc.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from agent.session_secrets import SessionSecrets
from bot.routes.chat import presented_secret
from bot.routes.documents import OfficeDep
from civic.documents.oidc import OidcError, OidcProvider, oidc_provider

router = APIRouter(prefix="/api/v1/identity/oidc", tags=["identity"], include_in_schema=False)

PENDING_SECONDS = 600
MAX_PENDING = 10_000


@dataclass(frozen=True)
class Pending:
    holder: str
    nonce: str
    verifier: str
    expires: float


def _provider(office: OfficeDep) -> OidcProvider:
    provider = oidc_provider(office.settings)
    if provider is None:
        raise HTTPException(status_code=404, detail="OpenID Connect is not configured")
    return provider


def _pending(request: Request) -> dict[str, Pending]:
    store: dict[str, Pending] | None = getattr(request.app.state, "oidc_pending", None)
    if store is None:
        store = request.app.state.oidc_pending = {}
    now = time.monotonic()
    for state in [key for key, value in store.items() if value.expires < now]:
        store.pop(state, None)
    return store


@router.get("/start")
async def start(
    request: Request, office: OfficeDep, session_id: Annotated[str, Query(max_length=64)]
) -> RedirectResponse:
    provider = _provider(office)
    session_secrets: SessionSecrets = request.app.state.session_secrets
    if not session_secrets.verify(session_id, presented_secret(request)):
        raise HTTPException(status_code=403, detail="this conversation needs its secret")
    store = _pending(request)
    if len(store) >= MAX_PENDING:
        raise HTTPException(status_code=503, detail="too many sign-ins at once; try again")
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    try:
        url, verifier = provider.authorization_url(state=state, nonce=nonce)
    except OidcError as error:
        raise HTTPException(status_code=503, detail=str(error)) from None
    store[state] = Pending(f"web:{session_id}", nonce, verifier, time.monotonic() + PENDING_SECONDS)
    return RedirectResponse(url, status_code=303)


@router.get("/callback", response_class=HTMLResponse)
async def callback(
    request: Request,
    office: OfficeDep,
    state: Annotated[str, Query(max_length=100)],
    code: Annotated[str, Query(max_length=2000)],
) -> HTMLResponse:
    provider = _provider(office)
    pending = _pending(request).pop(state, None)
    if pending is None:
        raise HTTPException(
            status_code=400, detail="unknown or expired sign-in / 로그인 시간이 지났습니다"
        )
    try:
        claims = provider.exchange(code=code, code_verifier=pending.verifier, nonce=pending.nonce)
    except OidcError as error:
        raise HTTPException(status_code=400, detail=f"sign-in refused: {error}") from None
    resident = provider.resident_for(claims, office.registries.resident_register)
    if resident is None:
        raise HTTPException(
            status_code=403, detail="no resident for this login / 확인되는 주민이 없습니다"
        )
    office.identity.record_external(holder=pending.holder, resident_id=resident.id, method="oidc")
    return HTMLResponse(
        '<!doctype html><html lang="ko"><meta charset="utf-8"><title>본인 확인 완료</title>'
        "<p>본인 확인이 끝났습니다. 대화 창으로 돌아가 '확인했어요'라고 말씀해 주세요.</p>"
        "<p lang=\"en\">You're verified. Go back to the chat and say 'done'.</p></html>"
    )
