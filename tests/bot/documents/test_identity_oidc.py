"""Signing in with an OpenID Connect provider attaches the resident to the web conversation.

The provider is a stand-in behind httpx's MockTransport: its token endpoint returns an ID
token signed with a key the test holds, carrying the nonce the gateway sent.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

import bot.routes.identity
from civic.documents.office import DocumentOffice
from civic.documents.oidc import OidcProvider
from tests.bot.staff.conftest import StaffApp

ISSUER = "https://id.seoul.example"


class StandInProvider:
    def __init__(self) -> None:
        self.key = ECKey.generate_key("P-256", auto_kid=True)
        self.nonce = ""
        self.token_requests: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == f"{ISSUER}/token", (request.method, str(request.url))
        self.token_requests.append(parse_qs(request.content.decode()))
        claims = {
            "iss": ISSUER,
            "aud": "haechi",
            "sub": "u-1",
            "exp": int(time.time()) + 300,
            "nonce": self.nonce,
            "name": "김해치",
            "birthdate": "1990-01-01",
        }
        token = jwt.encode({"alg": "ES256", "kid": self.key.kid}, claims, self.key)
        body: dict[str, Any] = {"access_token": "a", "token_type": "Bearer", "id_token": token}
        return httpx.Response(200, json=body)

    def provider(self) -> OidcProvider:
        return OidcProvider(
            issuer=ISSUER,
            client_id="haechi",
            client_secret="s",
            redirect_url="http://testserver/api/v1/identity/oidc/callback",
            metadata={
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
            },
            jwks={"keys": [self.key.as_dict(private=False)]},
            transport=httpx.MockTransport(self),
        )


def test_a_web_conversation_signs_in_with_openid_connect(
    staff_app: StaffApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = staff_app.client
    assert (
        client.get("/api/v1/identity/oidc/start", params={"session_id": "s-x"}).status_code == 404
    )
    stand_in = StandInProvider()
    provider = stand_in.provider()
    monkeypatch.setattr(bot.routes.identity, "oidc_provider", lambda settings: provider)
    session = client.post("/api/v1/chat/sessions").json()
    client.cookies.clear()
    path = "/api/v1/identity/oidc/start"
    assert client.get(path, params={"session_id": session["session_id"]}).status_code == 403
    started = client.get(
        path,
        params={"session_id": session["session_id"]},
        headers={"Authorization": f"Bearer {session['session_secret']}"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert started.headers["location"].startswith(f"{ISSUER}/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == ["haechi"]
    stand_in.nonce = query["nonce"][0]

    unknown = client.get("/api/v1/identity/oidc/callback", params={"state": "x", "code": "c"})
    assert unknown.status_code == 400
    done = client.get(
        "/api/v1/identity/oidc/callback", params={"state": query["state"][0], "code": "code-1"}
    )
    assert done.status_code == 200, done.text
    assert "본인 확인이 끝났습니다" in done.text
    assert stand_in.token_requests[0]["code"] == ["code-1"]
    assert "code_verifier" in stand_in.token_requests[0]
    office: DocumentOffice = client.app.state.documents  # type: ignore[attr-defined]
    identity = office.identity.current(holder=f"web:{session['session_id']}")
    assert identity is not None and identity.method == "oidc"
    assert identity.resident_id == "demo-kim-haechi"
    # The state is used once.
    again = client.get(
        "/api/v1/identity/oidc/callback", params={"state": query["state"][0], "code": "code-1"}
    )
    assert again.status_code == 400
    assert json.loads(again.text)["detail"].startswith("unknown or expired")
