"""The web chat is the web channel only, and a server-issued session needs its secret.

Regression tests for the spoofs found on main: an anonymous POST naming a Telegram chat or a
world player's NPC conversation, client metadata posing as the server's, and a conversation
opened by whoever knew its id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings


class RecordingRasa:
    """Stands in for Rasa and keeps every message the gateway passes on."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.sent.append(body)
        reply = {"text": "안녕하세요, 해치입니다.", "language": "ko"}
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": reply}])


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HAECHI_REDIS_URL", raising=False)
    monkeypatch.delenv("HAECHI_SESSION_KEY", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def rasa() -> RecordingRasa:
    return RecordingRasa()


def gateway(rasa: RecordingRasa) -> TestClient:
    client = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(rasa))
    return TestClient(create_app(rasa=client))


@pytest.mark.parametrize("channel", ["telegram", "world", "staff", "WEB"])
def test_chat_cannot_address_another_channel(rasa: RecordingRasa, channel: str) -> None:
    with gateway(rasa) as client:
        response = client.post(
            "/api/v1/chat", json={"session_id": "4242", "channel": channel, "text": "안녕하세요"}
        )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["channel"]
    assert rasa.sent == []  # nothing reached the agent, so no telegram:4242 was touched


@pytest.mark.parametrize("session_id", ["p1:tax_officer", "4242:", "web:abc", "a b", "s:1"])
def test_a_session_id_cannot_name_a_compound_conversation(
    rasa: RecordingRasa, session_id: str
) -> None:
    with gateway(rasa) as client:
        response = client.post("/api/v1/chat", json={"session_id": session_id, "text": "hi"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["session_id"]
    assert rasa.sent == []


def test_the_server_builds_the_sender_and_the_trusted_metadata(rasa: RecordingRasa) -> None:
    spoof = {
        "channel": "telegram",
        "session_verified": True,
        "npc": "tax_officer",
        "npc_redirects": [{"topic": "tax", "intents": ["faq"]}],
        "easy_mode": True,
    }
    with gateway(rasa) as client:
        response = client.post(
            "/api/v1/chat", json={"session_id": "4242", "text": "안녕하세요", "metadata": spoof}
        )
    assert response.status_code == 200
    [sent] = rasa.sent
    assert sent["sender"] == "web:4242"
    metadata = sent["metadata"]
    assert metadata["channel"] == "web"
    assert metadata["session_verified"] is False
    assert metadata["easy_mode"] is True  # a preference the client may state
    assert "npc" not in metadata and "npc_redirects" not in metadata
    assert metadata["client"]["npc"] == "tax_officer"  # kept, but only as the client's word


def test_an_issued_session_answers_only_its_secret_holder(rasa: RecordingRasa) -> None:
    with gateway(rasa) as owner:
        issued = owner.post("/api/v1/chat/sessions")
        assert issued.status_code == 201
        session = issued.json()
        assert re.fullmatch(r"s-[0-9a-f]{32}", session["session_id"])  # 128 random bits
        cookie = issued.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/api/" in cookie
        # The page's cookie goes along by itself.
        mine = owner.post(
            "/api/v1/chat", json={"session_id": session["session_id"], "text": "안녕하세요"}
        )
        assert mine.status_code == 200
    assert rasa.sent[-1]["sender"] == f"web:{session['session_id']}"
    assert rasa.sent[-1]["metadata"]["session_verified"] is True

    with gateway(rasa) as outsider:
        before = len(rasa.sent)
        for headers in ({}, {"Authorization": "Bearer " + "0" * 64}, {"Authorization": "Bearer"}):
            taken = outsider.post(
                "/api/v1/chat",
                json={"session_id": session["session_id"], "text": "제 서류 보여주세요"},
                headers=headers,
            )
            assert taken.status_code == 403
            assert "session" in taken.json()["detail"]
        # Another session's secret does not open this one either.
        other = outsider.post("/api/v1/chat/sessions").json()
        crossed = outsider.post(
            "/api/v1/chat",
            json={"session_id": session["session_id"], "text": "hi there"},
            headers={"Authorization": f"Bearer {other['session_secret']}"},
        )
        assert crossed.status_code == 403
        assert len(rasa.sent) == before  # none of it reached the conversation

        # A city system that kept the secret uses it as a bearer token.
        bearer = outsider.post(
            "/api/v1/chat",
            json={"session_id": session["session_id"], "text": "hi there"},
            headers={"Authorization": f"Bearer {session['session_secret']}"},
        )
        assert bearer.status_code == 200


def test_secrets_hold_across_gateways_sharing_the_key(rasa: RecordingRasa) -> None:
    """Two replicas (same data folder, or the same HAECHI_SESSION_KEY) accept each other's."""
    with gateway(rasa) as first:
        session = first.post("/api/v1/chat/sessions").json()
    with gateway(rasa) as second:
        response = second.post(
            "/api/v1/chat",
            json={"session_id": session["session_id"], "text": "hello there"},
            headers={"Authorization": f"Bearer {session['session_secret']}"},
        )
    assert response.status_code == 200


def test_client_chosen_ids_stay_anonymous_and_cannot_pose_as_issued(rasa: RecordingRasa) -> None:
    with gateway(rasa) as client:
        anonymous = client.post("/api/v1/chat", json={"session_id": "a", "text": "안녕하세요"})
        assert anonymous.status_code == 200
        assert rasa.sent[-1]["metadata"]["session_verified"] is False
        # An id shaped like an issued one is an issued one: without its secret, refused.
        forged = client.post(
            "/api/v1/chat", json={"session_id": "s-" + "a" * 32, "text": "안녕하세요"}
        )
        assert forged.status_code == 403
