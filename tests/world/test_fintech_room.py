"""The Fintech Lab room of the 3D world on two real gateway processes sharing Redis, with the
tiny real translation packages installed: two players on real WebSocket clients, one writing
Korean and one English (on the same gateway, then on different ones), each reading the other
machine-translated, marked, with the original beside it; and a Japanese question to the room's
interpreter answered in Japanese, marked, with the original a tap away, even after the visitor
comes back through the other gateway (translation memory in Redis)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

KOREAN = "안녕하세요, 오늘 세 시에 핀테크랩에서 만나요."
ENGLISH = "Great, see you at three in the lab."
INTERPRETER = "interpreter: 안내해 드리겠습니다."  # the stand-in Rasa's answer


@pytest.fixture(scope="module")
def gateways(translating_gateways: tuple[str, str]) -> tuple[str, str]:
    """The two gateways' world sockets (tests/conftest.py starts them)."""
    first, second = translating_gateways
    return first.replace("http", "ws", 1) + "/ws/world", second.replace(
        "http", "ws", 1
    ) + "/ws/world"


def receive(ws: ClientConnection, kind: str, timeout: float = 120) -> dict[str, Any]:
    """The next frame of `kind`, passing over others (moves, arrivals)."""
    for _ in range(50):
        frame: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
        if frame["type"] == kind:
            return frame
        assert frame["type"] != "error", frame
    raise AssertionError(f"no {kind}")


def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    ws.send(json.dumps(message, ensure_ascii=False))


def enter(
    ws: ClientConnection,
    player: str,
    language: str,
    *,
    room: str = "fintech_lab",
    resume_token: str | None = None,
) -> str:
    """Say hello and join `room` (or resume where the player was); returns the resume token."""
    hello: dict[str, Any] = {"type": "hello", "protocol": 1, "player_id": player, "name": player}
    if resume_token is not None:
        hello["resume_token"] = resume_token
    send(ws, {**hello, "language": language})
    token = str(receive(ws, "welcome", timeout=30)["resume_token"])
    if resume_token is None:
        send(ws, {"type": "join", "room": room})
    state = receive(ws, "room_state", timeout=30)
    assert state["live_translation"] is (room == "fintech_lab")
    return token


@pytest.mark.parametrize("across", [False, True], ids=["one-gateway", "two-gateways"])
def test_two_players_read_each_other_translated_with_the_original(
    gateways: tuple[str, str], across: bool
) -> None:
    first, second = gateways if across else (gateways[0], gateways[0])
    minji, sam = f"minji-{uuid.uuid4().hex[:6]}", f"sam-{uuid.uuid4().hex[:6]}"
    with (
        connect(first, open_timeout=30) as korean,
        connect(second, open_timeout=30) as english,
    ):
        enter(korean, minji, "ko")
        enter(english, sam, "en")

        send(korean, {"type": "say", "text": KOREAN})
        mine = receive(korean, "room_chat")
        assert mine["mine"] is True and mine["name"] == minji
        assert mine["text"] == mine["original"] == KOREAN
        assert mine["machine_translation"] is False and mine["translated"] is True
        heard = receive(english, "room_chat")
        assert heard["mine"] is False and heard["name"] == minji
        assert heard["machine_translation"] is True  # marked
        assert heard["language"] == "en" and heard["original_language"] == "ko"
        assert heard["original"] == KOREAN  # the original beside it
        assert heard["text"] and heard["text"] != KOREAN
        assert heard["id"] == mine["id"]

        send(english, {"type": "say", "text": ENGLISH})
        answered = receive(korean, "room_chat")
        assert answered["name"] == sam and answered["machine_translation"] is True
        assert answered["language"] == "ko" and answered["original_language"] == "en"
        assert answered["original"] == ENGLISH and answered["text"] != ENGLISH
        assert receive(english, "room_chat")["mine"] is True


def test_room_chat_is_for_the_fintech_lab_only(gateways: tuple[str, str]) -> None:
    with connect(gateways[0], open_timeout=30) as ws:
        enter(ws, f"visitor-{uuid.uuid4().hex[:6]}", "en", room="tax_square")
        send(ws, {"type": "say", "text": "hello everyone"})
        error = json.loads(ws.recv(timeout=30))
        assert error["type"] == "error" and error["code"] == "no_room_chat"
        send(ws, {"type": "join", "room": "fintech_lab"})
        receive(ws, "room_state")
        send(ws, {"type": "say", "text": "   "})
        blank = json.loads(ws.recv(timeout=30))
        assert blank["type"] == "error" and blank["code"] == "invalid_message"


def test_a_japanese_question_to_the_interpreter_is_answered_in_japanese(
    gateways: tuple[str, str],
) -> None:
    haruto = f"haruto-{uuid.uuid4().hex[:6]}"
    with connect(gateways[0], open_timeout=30) as ws:
        token = enter(ws, haruto, "en")
        send(ws, {"type": "talk", "npc": "interpreter", "text": "今日は開いていますか？"})
        said = receive(ws, "npc_say")
        assert said["language"] == "ja"
        assert said["text"].endswith("[機械翻訳 · Machine translation]")
        assert said["translation"]["original_text"] == INTERPRETER
        assert said["buttons"][-1]["payload"] == "/show_original"
    # Back through the other gateway: the original is still one tap away.
    with connect(gateways[1], open_timeout=30) as ws:
        enter(ws, haruto, "en", resume_token=token)
        send(ws, {"type": "button", "npc": "interpreter", "payload": "/show_original"})
        original = receive(ws, "npc_say")
        assert original["text"] == INTERPRETER
        assert original["translation"] is None
