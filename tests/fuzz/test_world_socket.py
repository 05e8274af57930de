"""Hostile frames on the world WebSocket (/ws/world, not in the OpenAPI document).

Whatever a client sends (text that is not JSON, binary, JSON of the wrong shape or types, frames
past the protocol's limit, deep nesting, emoji floods), every frame is answered with an `error`
{code, reason} or handled, or the socket is closed cleanly; the app never fails, keeps serving
the next player, and a refused frame never reaches the agent.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings
from knowledge.embeddings import get_embedding_settings
from tests.fuzz.conftest import REQUEST_TIMEOUT_SECONDS, fuzz_environment
from tests.world.conftest import FakeAgent
from world_bridge.protocol import CLIENT_TYPES

# Clean ways for the server to end a socket: normal, policy (a flood), try again later.
CLEAN_CLOSE_CODES = {1000, 1008, 1013}
ROOM, NPC = "city_hall_lobby", "haechi_guide"


@dataclass(frozen=True)
class Frame:
    text: str | None = None
    data: bytes | None = None

    def send(self, ws: WebSocketTestSession) -> None:
        if self.data is not None:
            ws.send_bytes(self.data)
        else:
            assert self.text is not None
            ws.send_text(self.text)

    def __repr__(self) -> str:  # hypothesis prints failing frames; keep them readable
        shown = self.text if self.text is not None else repr(self.data)
        return f"Frame({shown[:120]!r}{'…' if len(shown) > 120 else ''}, {len(shown)} long)"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30, max_value=10**60)
    | st.floats()  # NaN and Infinity too: json.dumps writes them as bare words
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ("protocol", "player_id", "name", "room", "npc", "text", "x", "y", "z", "payload")
FIELDS += ("language", "easy_mode", "resume_token")
message_like = st.builds(
    lambda kind, fields: {"type": kind, **fields},
    st.sampled_from(sorted(CLIENT_TYPES) + ["", "error", "pong", "HELLO", "hello "]),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
)
frames = st.one_of(
    st.text(max_size=200).map(lambda text: Frame(text=text)),
    st.binary(max_size=200).map(lambda data: Frame(data=data)),
    json_values.map(lambda value: Frame(text=json.dumps(value))),
    message_like.map(lambda message: Frame(text=json.dumps(message))),
    message_like.map(lambda message: Frame(text=json.dumps(message, ensure_ascii=False)[:-1])),
    st.integers(16_385, 300_000).map(
        lambda n: Frame(text=json.dumps({"type": "ping", "pad": "x" * n}))
    ),
    st.integers(500, 8_000).map(lambda depth: Frame(text="[" * depth + "]" * depth)),
    st.integers(500, 5_000).map(
        lambda depth: Frame(
            text='{"type":"talk","npc":' + '{"a":' * depth + "1" + "}" * depth + "}"
        )
    ),
    st.sampled_from(
        [
            Frame(text=json.dumps({"type": "talk", "npc": NPC, "text": "😀" * 5000})),
            Frame(text=json.dumps({"type": "talk", "npc": NPC, "text": "\x00" * 100})),
            Frame(text='{"type": "move", "x": NaN, "y": Infinity, "z": -Infinity}'),
            Frame(text='{"type": "move", "x": 1e400, "z": -1e400}'),
            Frame(text=json.dumps({"type": "move", "x": -(10**30), "z": 10**30})),
            Frame(text='{"type": "hello", "protocol": 1' + "0" * 5000 + "}"),
            Frame(text='{"type": "join", "room": "\\ud800"}'),
            Frame(data=b"\xff\xfe\x00" * 1000),
        ]
    ),
)


@pytest.fixture
def world(tmp_path: Any, action_server_url: str) -> Iterator[tuple[TestClient, FakeAgent]]:
    agent = FakeAgent()
    with pytest.MonkeyPatch.context() as monkeypatch:
        fuzz_environment(monkeypatch, tmp_path, action_server_url)
        # The per-socket frame rate is tested in tests/world; here every frame must be read.
        monkeypatch.setenv("HAECHI_WORLD_RATE_PER_SECOND", "100000")
        monkeypatch.setenv("HAECHI_WORLD_RATE_BURST", "100000")
        get_settings.cache_clear()
        transport = httpx.MockTransport(agent)
        rasa = RasaClient("http://rasa.test", timeout_seconds=5, transport=transport)
        with TestClient(create_app(rasa=rasa)) as client:
            yield client, agent
        get_settings.cache_clear()
        get_embedding_settings.cache_clear()


class Player:
    """One socket; every read is bounded, so a server that never answers fails the test."""

    def __init__(self, ws: WebSocketTestSession, pool: ThreadPoolExecutor) -> None:
        self.ws = ws
        self.pool = pool

    def receive(self) -> dict[str, Any]:
        future = self.pool.submit(self.ws.receive_json)
        try:
            message: dict[str, Any] = future.result(timeout=REQUEST_TIMEOUT_SECONDS)
        except FutureTimeout:
            pytest.fail(f"the socket neither answered nor closed in {REQUEST_TIMEOUT_SECONDS} s")
        assert isinstance(message, dict) and isinstance(message.get("type"), str), message
        if message["type"] == "error":
            assert isinstance(message.get("code"), str) and message["code"], message
            assert isinstance(message.get("reason"), str) and message["reason"], message
        return message

    def until_pong(self) -> list[dict[str, Any]]:
        """What the server sent in answer to the frames so far (a ping's pong marks the end)."""
        self.ws.send_json({"type": "ping"})
        seen = []
        for _ in range(500):
            message = self.receive()
            if message["type"] == "pong":
                return seen
            seen.append(message)
        pytest.fail(f"no pong after {len(seen)} messages")


_players = itertools.count()


def _greet(player: Player) -> None:
    # A fresh id each time: the last example's player may still be leaving the room.
    name = f"fuzzer{next(_players)}"
    player.ws.send_json({"type": "hello", "protocol": 1, "player_id": name, "name": name})
    welcome = player.receive()
    assert welcome["type"] == "welcome", welcome
    player.ws.send_json({"type": "join", "room": ROOM})
    state = player.receive()
    assert state["type"] == "room_state", state


def _still_serving(client: TestClient, pool: ThreadPoolExecutor) -> None:
    with client.websocket_connect("/ws/world") as ws:
        player = Player(ws, pool)
        _greet(player)
        assert player.until_pong() == []


@given(
    st.lists(frames, min_size=1, max_size=4),
    st.booleans(),
)
def test_hostile_frames_get_an_error_or_a_clean_close_never_a_crash(
    world: tuple[TestClient, FakeAgent], sequence: list[Frame], in_a_room: bool
) -> None:
    client, agent = world
    pool = ThreadPoolExecutor(max_workers=1)
    talks_before = len(agent.sent)
    refused = 0
    try:
        with client.websocket_connect("/ws/world") as ws:
            player = Player(ws, pool)
            if in_a_room:
                _greet(player)
            try:
                for frame in sequence:
                    frame.send(ws)
                    answers = player.until_pong()
                    if any(message["type"] == "error" for message in answers):
                        refused += 1
            except WebSocketDisconnect as closed:
                assert closed.code in CLEAN_CLOSE_CODES, closed
        # A frame the server refused never became a message to the agent.
        assert len(agent.sent) - talks_before <= len(sequence) - refused
        _still_serving(client, pool)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


EXPLICIT: list[tuple[str, Frame, str]] = [
    # This one ended the socket with the server's RecursionError before fuzzing found it.
    ("8,000-deep array in 16 KiB", Frame(text="[" * 8000 + "]" * 8000), "malformed_json"),
    (
        "deep object",
        Frame(text='{"type":"ping","a":' + '{"a":' * 2500 + "1" + "}" * 2501),
        "malformed_json",
    ),
    ("NaN coordinates", Frame(text='{"type": "move", "x": NaN, "z": 1}'), "invalid_message"),
    (
        "a 10^30 coordinate",
        Frame(text=json.dumps({"type": "move", "x": 10**30, "z": 1})),
        "invalid_message",
    ),
    (
        "5,000 emoji",
        Frame(text=json.dumps({"type": "talk", "npc": NPC, "text": "😀" * 5000})),
        "frame_too_large",
    ),
    (
        "2,001 characters",
        Frame(text=json.dumps({"type": "talk", "npc": NPC, "text": "가" * 2001})),
        "invalid_message",
    ),
    ("invalid UTF-8 bytes", Frame(data=b"\xff\xfe\xfd"), "malformed_json"),
    (
        "300 KB frame",
        Frame(text=json.dumps({"type": "ping", "pad": "x" * 300_000})),
        "frame_too_large",
    ),
]


@pytest.mark.parametrize(("frame", "code"), [c[1:] for c in EXPLICIT], ids=[c[0] for c in EXPLICIT])
def test_each_hostile_frame_gets_its_error_and_the_socket_stays_open(
    world: tuple[TestClient, FakeAgent], frame: Frame, code: str
) -> None:
    client, agent = world
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        with client.websocket_connect("/ws/world") as ws:
            player = Player(ws, pool)
            _greet(player)
            frame.send(ws)
            answers = player.until_pong()
            assert [(m["type"], m.get("code")) for m in answers] == [("error", code)], answers
            assert agent.sent == []
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
