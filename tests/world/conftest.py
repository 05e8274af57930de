"""A gateway whose Rasa is a stand-in (an httpx transport), and helpers to speak the protocol."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings
from tests.rasa_requests import without_morphemes
from tests.stack import free_port

TAX_OFFICER_NEAR = {"x": 0.0, "y": 0.0, "z": -2.0}  # tax_officer stands at z=-4 with radius 3


@dataclass
class FakeAgent:
    """Stands in for the Rasa server: records what the gateway sends, answers per NPC."""

    down: bool = False
    intent: tuple[str, float] = ("faq", 0.9)
    gate: threading.Event = field(default_factory=threading.Event)
    sent: list[dict[str, Any]] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gate.set()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.gate.is_set():  # set from the test's thread; the app runs in another
            await asyncio.to_thread(self.gate.wait, 10)
        if self.down:
            return httpx.Response(503)
        body = json.loads(request.content)
        if request.url.path == "/model/parse":
            self.parsed.append(body["text"])
            name, confidence = self.intent
            return httpx.Response(200, json={"intent": {"name": name, "confidence": confidence}})
        self.sent.append(without_morphemes(body))
        # Like action_npc_redirect: a topic this NPC sends elsewhere gets the way there.
        name, _confidence = self.intent
        offers = body["metadata"].get("npc_redirects") or []
        offer = next((offer for offer in offers if name in offer["intents"]), None)
        if offer is not None and not body["message"].startswith("/"):
            redirect = {
                "text": offer["text"]["ko"],
                "language": "ko",
                "npc": {"emote": "smile", "gesture": "point"},
                "buttons": [{"title": offer["button"]["ko"], "payload": offer["payload"]}],
            }
            return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": redirect}])
        reply = {
            "text": f"{body['metadata']['npc']} answers: {body['message']}",
            "language": "ko",
            "npc": {"emote": "happy", "gesture": "nod"},
            "buttons": [{"title": "상담사 연결", "payload": "/human_handoff"}],
        }
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": reply}])


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAECHI_ACTION_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("HAECHI_REDIS_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def agent() -> FakeAgent:
    return FakeAgent()


@pytest.fixture
def client(agent: FakeAgent) -> Iterator[TestClient]:
    rasa = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(agent))
    with TestClient(create_app(rasa=rasa)) as test_client:
        yield test_client


def hello(ws: WebSocketTestSession, player_id: str, **extra: Any) -> dict[str, Any]:
    ws.send_json(
        {"type": "hello", "protocol": 1, "player_id": player_id, "name": player_id, **extra}
    )
    welcome = ws.receive_json()
    assert welcome["type"] == "welcome", welcome
    return welcome


def join(ws: WebSocketTestSession, room: str) -> dict[str, Any]:
    ws.send_json({"type": "join", "room": room})
    state = ws.receive_json()
    assert state["type"] == "room_state", state
    return state


def until(ws: WebSocketTestSession, kind: str, limit: int = 20) -> list[dict[str, Any]]:
    """Messages up to and including the first of `kind` (fails rather than reading forever)."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        message = ws.receive_json()
        seen.append(message)
        if message["type"] == kind:
            return seen
    raise AssertionError(f"no {kind} in {seen}")


def drain(ws: WebSocketTestSession) -> list[dict[str, Any]]:
    """Everything already sent to this socket: a ping's pong marks the end."""
    ws.send_json({"type": "ping"})
    return until(ws, "pong", limit=200)[:-1]


def kinds(messages: list[dict[str, Any]]) -> list[str]:
    return [message["type"] for message in messages]
