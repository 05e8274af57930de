"""Misbehaving clients each get an `error` {code, reason}, and the room goes on for others."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from bot.settings import get_settings
from tests.world.conftest import FakeAgent, drain, hello, join, until
from world_bridge.backplane import LocalBackplane

Send = Callable[[WebSocketTestSession], None]


def _text(frame: str) -> Send:
    return lambda ws: ws.send_text(frame)


def _json(message: dict[str, Any]) -> Send:
    return lambda ws: ws.send_json(message)


def _expect_error(ws: WebSocketTestSession, code: str) -> dict[str, Any]:
    error = ws.receive_json()
    assert error["type"] == "error", error
    assert error["code"] == code, error
    assert isinstance(error["reason"], str) and error["reason"]
    return error


BEFORE_HELLO: list[tuple[str, Send, str]] = [
    ("not json", _text("{not json"), "malformed_json"),
    ("json but not an object", _text("[1, 2]"), "malformed_json"),
    ("binary frame", lambda ws: ws.send_bytes(b'{"type":"ping"}'), "malformed_json"),
    ("no type", _json({"room": "tax_square"}), "unknown_type"),
    ("unknown type", _json({"type": "teleport"}), "unknown_type"),
    ("join before hello", _json({"type": "join", "room": "tax_square"}), "hello_required"),
    (
        "old protocol",
        _json({"type": "hello", "protocol": 0, "player_id": "p1", "name": "p"}),
        "unsupported_protocol",
    ),
    (
        "bad player id",
        _json({"type": "hello", "protocol": 1, "player_id": "../etc", "name": "p"}),
        "invalid_message",
    ),
    ("oversize frame", _text(json.dumps({"type": "ping", "pad": "x" * 17_000})), "frame_too_large"),
    (
        "oversize in bytes, not characters",
        _text(json.dumps({"type": "ping", "pad": "가" * 6000}, ensure_ascii=False)),
        "frame_too_large",
    ),
]


@pytest.mark.parametrize(
    ("send", "code"), [case[1:] for case in BEFORE_HELLO], ids=[case[0] for case in BEFORE_HELLO]
)
def test_bad_frames_get_an_error_and_the_socket_stays_open(
    client: TestClient, send: Send, code: str
) -> None:
    with client.websocket_connect("/ws/world") as ws:
        send(ws)
        _expect_error(ws, code)
        hello(ws, "p1")  # still usable


IN_A_ROOM: list[tuple[str, dict[str, Any], str]] = [
    ("unknown room", {"type": "join", "room": "moon_base"}, "unknown_room"),
    ("unknown npc", {"type": "talk", "npc": "santa", "text": "안녕하세요"}, "unknown_npc"),
    (
        "npc of another room",
        {"type": "talk", "npc": "landmark_guide", "text": "안녕하세요"},
        "unknown_npc",
    ),
    (
        "button of an unknown npc",
        {"type": "button", "npc": "santa", "payload": "/x"},
        "unknown_npc",
    ),
    (
        "go to an unknown room",
        {"type": "button", "npc": "tax_officer", "payload": "go:moon_base"},
        "unknown_room",
    ),
    ("extra field", {"type": "move", "x": 1, "z": 1, "speed": 9}, "invalid_message"),
    ("coordinate not a number", {"type": "move", "x": "left", "z": 1}, "invalid_message"),
    ("missing field", {"type": "talk", "npc": "tax_officer"}, "invalid_message"),
    ("empty text", {"type": "talk", "npc": "tax_officer", "text": ""}, "invalid_message"),
    ("blank text", {"type": "talk", "npc": "tax_officer", "text": "   "}, "invalid_message"),
    (
        "text too long",
        {"type": "talk", "npc": "tax_officer", "text": "가" * 2001},
        "invalid_message",
    ),
    (
        "second hello",
        {"type": "hello", "protocol": 1, "player_id": "p9", "name": "p"},
        "invalid_message",
    ),
]


@pytest.mark.parametrize(
    ("message", "code"), [case[1:] for case in IN_A_ROOM], ids=[case[0] for case in IN_A_ROOM]
)
def test_bad_requests_in_a_room_get_an_error(
    client: TestClient, agent: FakeAgent, message: dict[str, Any], code: str
) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "tax_square")
        ws.send_json(message)
        _expect_error(ws, code)
        assert drain(ws) == []
    assert agent.sent == []


def test_not_a_finite_number_is_refused(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "tax_square")
        ws.send_text('{"type": "move", "x": NaN, "z": Infinity}')
        _expect_error(ws, "invalid_message")


@pytest.mark.parametrize(
    "message",
    [
        {"type": "move", "x": 1, "y": 0, "z": 1},
        {"type": "talk", "npc": "tax_officer", "text": "안녕하세요"},
        {"type": "button", "npc": "tax_officer", "payload": "/greet"},
        {"type": "leave"},
    ],
    ids=lambda message: message["type"],
)
def test_room_messages_outside_a_room_get_not_in_room(
    client: TestClient, message: dict[str, Any]
) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        ws.send_json(message)
        _expect_error(ws, "not_in_room")


def test_positions_are_kept_on_the_floor(client: TestClient) -> None:
    with (
        client.websocket_connect("/ws/world") as alice,
        client.websocket_connect("/ws/world") as bob,
    ):
        hello(alice, "alice")
        hello(bob, "bob")
        join(alice, "tax_square")
        join(bob, "tax_square")
        alice.receive_json()  # bob joined
        bob.send_json({"type": "move", "x": 5000, "y": -3, "z": -9000})
        moved = alice.receive_json()
    assert (moved["x"], moved["y"], moved["z"]) == (12.0, 0.0, -12.0)


def test_too_many_talks_at_once_get_busy(client: TestClient, agent: FakeAgent) -> None:
    agent.gate.clear()  # the agent thinks until released
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "tax_square")
        for number in range(5):
            ws.send_json({"type": "talk", "npc": "tax_officer", "text": f"질문 {number}"})
        # One is with the agent, three wait; the fifth is refused.
        assert [m["type"] for m in until(ws, "error")] == ["npc_typing", "error"]
        agent.gate.set()
        replies = until(ws, "npc_say", limit=50)
        for _ in range(3):
            replies += until(ws, "npc_say", limit=50)
    said = [m["text"] for m in replies if m["type"] == "npc_say"]
    assert said == [f"tax_officer answers: 질문 {number}" for number in range(4)]


@pytest.fixture
def strict_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAECHI_WORLD_RATE_PER_SECOND", "1")
    monkeypatch.setenv("HAECHI_WORLD_RATE_BURST", "5")
    get_settings.cache_clear()


@pytest.mark.usefixtures("strict_limits")
def test_a_flood_is_rate_limited_without_disturbing_the_room(client: TestClient) -> None:
    with (
        client.websocket_connect("/ws/world") as flooder,
        client.websocket_connect("/ws/world") as other,
        client.websocket_connect("/ws/world") as watcher,
    ):
        for ws, name in ((flooder, "flooder"), (other, "other"), (watcher, "watcher")):
            hello(ws, name)
        join(other, "tax_square")
        join(watcher, "tax_square")
        assert other.receive_json()["type"] == "player_joined"  # the watcher
        for _ in range(12):
            flooder.send_json({"type": "ping"})
        got = [flooder.receive_json() for _ in range(4)]
        # hello took one token: four pongs, then one error for the dropped frames
        assert [m["type"] for m in got] == ["pong"] * 4
        _expect_error(flooder, "rate_limited")

        other.send_json({"type": "move", "x": 1, "y": 0, "z": 2})
        assert watcher.receive_json()["type"] == "player_moved"


@pytest.mark.usefixtures("strict_limits")
def test_a_flood_that_goes_on_is_closed(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as flooder:
        for _ in range(260):
            flooder.send_text("{}")
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(50):
                flooder.receive_json()
    assert closed.value.code == 1008


@pytest.fixture
def quick_idle_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAECHI_WORLD_IDLE_TIMEOUT_SECONDS", "0.3")
    get_settings.cache_clear()


@pytest.mark.usefixtures("quick_idle_timeout")
def test_idle_sockets_time_out(client: TestClient) -> None:
    started = time.monotonic()
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        _expect_error(ws, "idle_timeout")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1000
    assert time.monotonic() - started < 5


def test_a_redis_failure_mid_request_is_an_error_not_a_crash(client: TestClient) -> None:
    async def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("redis went away")

    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(LocalBackplane, "set_presence", refuse)
            ws.send_json({"type": "join", "room": "tax_square"})
            assert until(ws, "error")[-1]["code"] == "unavailable"
        join(ws, "seoul_plaza")  # the socket goes on once the store is back
