"""The Fintech Lab room of the 3D world on a real gateway process, with the tiny real translation
packages installed: two players on real WebSocket clients, one writing Korean and one English,
each reading the other machine-translated, marked, with the original beside it; and a Japanese
question to the room's interpreter answered in Japanese, marked, with the original a tap away."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from bench.world_load import start_gateway, start_stand_in_rasa, stop
from knowledge.translation.packages import install
from tests.stack import free_port

KOREAN = "안녕하세요, 오늘 세 시에 핀테크랩에서 만나요."
ENGLISH = "Great, see you at three in the lab."


@pytest.fixture(scope="module")
def gateway(
    tiny_packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("world-lab")
    for pair in ("ko_en", "en_ko", "ja_en", "en_ja"):
        install(tiny_packages[pair], data_dir)
    rasa_port, port = free_port(), free_port()
    processes = [start_stand_in_rasa(rasa_port, delay_seconds=0.0)]
    try:
        processes.append(start_gateway(port, f"http://127.0.0.1:{rasa_port}", data_dir))
        yield f"ws://127.0.0.1:{port}/ws/world"
    finally:
        for process in reversed(processes):
            stop(process)


def receive(ws: ClientConnection, kind: str, timeout: float = 120) -> dict[str, Any]:
    """The next frame of `kind`, passing over others (moves, arrivals)."""
    for _ in range(50):
        frame = json.loads(ws.recv(timeout=timeout))
        if frame["type"] == kind:
            return frame
        assert frame["type"] != "error", frame
    raise AssertionError(f"no {kind}")


def enter(ws: ClientConnection, player: str, language: str, room: str = "fintech_lab") -> None:
    hello = {"type": "hello", "protocol": 1, "player_id": player, "name": player}
    ws.send(json.dumps({**hello, "language": language}))
    receive(ws, "welcome", timeout=30)
    ws.send(json.dumps({"type": "join", "room": room}))
    state = receive(ws, "room_state", timeout=30)
    assert state["live_translation"] is (room == "fintech_lab")


def test_two_players_read_each_other_translated_with_the_original(gateway: str) -> None:
    with (
        connect(gateway, open_timeout=30) as korean,
        connect(gateway, open_timeout=30) as english,
    ):
        enter(korean, "minji", "ko")
        enter(english, "sam", "en")

        korean.send(json.dumps({"type": "say", "text": KOREAN}))
        mine = receive(korean, "room_chat")
        assert mine["mine"] is True and mine["name"] == "minji"
        assert mine["text"] == mine["original"] == KOREAN
        assert mine["machine_translation"] is False and mine["translated"] is True
        heard = receive(english, "room_chat")
        assert heard["mine"] is False and heard["name"] == "minji"
        assert heard["machine_translation"] is True  # marked
        assert heard["language"] == "en" and heard["original_language"] == "ko"
        assert heard["original"] == KOREAN  # the original beside it
        assert heard["text"] and heard["text"] != KOREAN
        assert heard["id"] == mine["id"]

        english.send(json.dumps({"type": "say", "text": ENGLISH}))
        answered = receive(korean, "room_chat")
        assert answered["name"] == "sam" and answered["machine_translation"] is True
        assert answered["language"] == "ko" and answered["original_language"] == "en"
        assert answered["original"] == ENGLISH and answered["text"] != ENGLISH
        assert receive(english, "room_chat")["mine"] is True


def test_room_chat_is_for_the_fintech_lab_only(gateway: str) -> None:
    with connect(gateway, open_timeout=30) as ws:
        enter(ws, "visitor", "en", room="tax_square")
        ws.send(json.dumps({"type": "say", "text": "hello everyone"}))
        error = json.loads(ws.recv(timeout=30))
        assert error["type"] == "error" and error["code"] == "no_room_chat"
        ws.send(json.dumps({"type": "join", "room": "fintech_lab"}))
        receive(ws, "room_state")
        ws.send(json.dumps({"type": "say", "text": "   "}))
        blank = json.loads(ws.recv(timeout=30))
        assert blank["type"] == "error" and blank["code"] == "invalid_message"


def test_a_japanese_question_to_the_interpreter_is_answered_in_japanese(gateway: str) -> None:
    with connect(gateway, open_timeout=30) as ws:
        enter(ws, "haruto", "en")
        ws.send(
            json.dumps({"type": "talk", "npc": "interpreter", "text": "今日は開いていますか？"})
        )
        said = receive(ws, "npc_say")
        assert said["language"] == "ja"
        assert said["text"].endswith("[機械翻訳 · Machine translation]")
        assert said["translation"]["original_text"] == "interpreter: 안내해 드리겠습니다."
        assert said["buttons"][-1]["payload"] == "/show_original"
        ws.send(json.dumps({"type": "button", "npc": "interpreter", "payload": "/show_original"}))
        original = receive(ws, "npc_say")
        assert original["text"] == "interpreter: 안내해 드리겠습니다."
        assert original["translation"] is None
