"""The web chat API: a server-issued conversation, then one message in and the reply out.

This is the web channel only (sender `web:<session_id>`). A session the server issued (`s-…`)
is answered only for the holder of its secret (the HttpOnly cookie the page got, or
`Authorization: Bearer <secret>`); a client-chosen id stays an anonymous conversation that
nothing can bind identity to.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from agent.rasa_client import RasaUnavailable
from agent.session_secrets import is_issued
from agent.voice import add_audio, wants_voice
from bot.authorization import bearer_token
from bot.rate_limits import rate_limit
from bot.routes.dependencies import AgentDep, SessionSecretsDep, SettingsDep, VoiceDep
from bot.schemas import REFUSALS, ChatRequest, ChatResponse, ChatSession

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["chat"], responses=REFUSALS)

MAX_METADATA_BYTES = 4096
SESSION_COOKIE = "haechi_session"
# What a client may say about itself; everything else it sends is kept under "client", so it
# can never pose as what the server sets (channel, a verified session, an NPC).
CLIENT_PREFERENCES = ("easy_mode", "voice")


def presented_secret(request: Request) -> str | None:
    token = bearer_token(request.headers.get("Authorization"))
    return token if token is not None else request.cookies.get(SESSION_COOKIE)


def client_metadata(raw: dict[str, Any]) -> dict[str, Any]:
    metadata = {key: raw[key] for key in CLIENT_PREFERENCES if key in raw}
    others = {key: value for key, value in raw.items() if key not in CLIENT_PREFERENCES}
    if others:
        metadata["client"] = others
    return metadata


@router.post(
    "/chat/sessions",
    response_model=ChatSession,
    status_code=201,
    dependencies=[Depends(rate_limit("sessions"))],
)
async def new_session(
    request: Request, response: Response, session_secrets: SessionSecretsDep
) -> ChatSession:
    """Start a web conversation: a random 128-bit id and its secret (also as a cookie)."""
    issued = session_secrets.issue()
    response.set_cookie(
        SESSION_COOKIE,
        issued.secret,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/api/",
    )
    return ChatSession(session_id=issued.session_id, session_secret=issued.secret)


@router.post(
    "/chat",
    response_model=ChatResponse,
    response_model_exclude_none=True,
    dependencies=[Depends(rate_limit("chat"))],
)
async def chat(
    request: Request,
    body: ChatRequest,
    agent: AgentDep,
    settings: SettingsDep,
    session_secrets: SessionSecretsDep,
    voice: VoiceDep,
) -> ChatResponse:
    """Pass the message to the agent (the web conversation `session_id`) and reply."""
    if len(body.text) > settings.max_message_chars:
        raise HTTPException(
            status_code=422,
            detail=f"text is longer than {settings.max_message_chars} characters / "
            f"메시지는 {settings.max_message_chars}자까지 보낼 수 있습니다",
        )
    raw_metadata = dict(body.metadata or {})
    if len(json.dumps(raw_metadata, ensure_ascii=False).encode()) > MAX_METADATA_BYTES:
        raise HTTPException(
            status_code=422,
            detail=f"metadata is larger than {MAX_METADATA_BYTES} bytes / metadata가 너무 큽니다",
        )
    verified = session_secrets.verify(body.session_id, presented_secret(request))
    if is_issued(body.session_id) and not verified:
        raise HTTPException(
            status_code=403,
            detail="this conversation needs its session secret; start a new one at "
            "/api/v1/chat/sessions / 이 대화의 세션 정보가 없습니다. 새 대화를 시작해 주세요",
        )
    metadata = client_metadata(raw_metadata)
    metadata["session_verified"] = verified
    try:
        reply = await agent.converse(
            channel="web",
            session_id=body.session_id,
            text=body.text,
            language=body.language,
            metadata=metadata,
        )
    except RasaUnavailable as error:
        logger.warning("rasa unavailable for web: %s", error)
        raise HTTPException(
            status_code=503,
            detail="the assistant is not available right now / "
            "지금은 상담 도우미에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요",
        ) from error
    messages = reply.messages
    if wants_voice(metadata, messages, default=settings.voice_replies):
        # The reply goes out now; GET /api/v1/audio/ waits for a clip still being made.
        messages = await add_audio(voice, messages, language=reply.language, wait=False)
    return ChatResponse(session_id=body.session_id, language=reply.language, messages=messages)
