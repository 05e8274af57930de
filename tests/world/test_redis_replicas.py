"""Two real gateway processes sharing rooms through Redis, a player on each.

Uses the `redis_url` fixture (tests/redis_server.py): the named Redis, the machine's, or a
throwaway redis-server. Keys and the channel get a unique prefix,
so a Redis shared with other work is left as it was.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from fastapi.testclient import TestClient
from websockets.sync.client import ClientConnection, connect

from agent.rasa_client import RasaClient
from bench.world_load import start_gateway, start_stand_in_rasa, stop
from bot.app import create_app
from bot.settings import get_settings
from tests.stack import free_port


@pytest.fixture
def two_gateways(redis_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    prefix = f"haechi:test:{uuid.uuid4().hex}:"
    env = {"HAECHI_REDIS_URL": redis_url, "HAECHI_WORLD_REDIS_PREFIX": prefix}
    rasa_port = free_port()
    rasa = start_stand_in_rasa(rasa_port, delay_seconds=0.01)
    processes = [rasa]
    try:
        urls = []
        for name in ("a", "b"):
            port = free_port()
            (tmp_path / name).mkdir()
            processes.append(
                start_gateway(port, f"http://127.0.0.1:{rasa_port}", tmp_path / name, env)
            )
            urls.append(f"ws://127.0.0.1:{port}/ws/world")
        yield urls[0], urls[1]
    finally:
        for process in reversed(processes):
            stop(process)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def _recv(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=10))
    return message


def _until(ws: ClientConnection, kind: str) -> list[dict[str, Any]]:
    seen = []
    for _ in range(20):
        seen.append(_recv(ws))
        if seen[-1]["type"] == kind:
            return seen
    raise AssertionError(f"no {kind} in {seen}")


def _send(ws: ClientConnection, message: dict[str, Any]) -> None:
    ws.send(json.dumps(message, ensure_ascii=False))


def _hello(ws: ClientConnection, player_id: str, **extra: Any) -> dict[str, Any]:
    _send(ws, {"type": "hello", "protocol": 1, "player_id": player_id, "name": player_id} | extra)
    welcome = _recv(ws)
    assert welcome["type"] == "welcome", welcome
    return welcome


def test_players_on_two_gateways_share_a_room(two_gateways: tuple[str, str]) -> None:
    url_a, url_b = two_gateways
    alice_id, bob_id = f"alice-{uuid.uuid4().hex[:8]}", f"bob-{uuid.uuid4().hex[:8]}"
    with connect(url_a) as alice:
        welcome = _hello(alice, alice_id)
        _send(alice, {"type": "join", "room": "tax_square"})
        assert _recv(alice)["players"] == []

        with connect(url_b) as bob:
            _hello(bob, bob_id)
            _send(bob, {"type": "join", "room": "tax_square"})
            state = _recv(bob)
            assert [player["player_id"] for player in state["players"]] == [alice_id]
            joined = _recv(alice)
            assert joined["type"] == "player_joined"
            assert joined["player"]["player_id"] == bob_id

            _send(bob, {"type": "move", "x": 2, "y": 0, "z": 3})
            assert _recv(alice) == {
                "type": "player_moved",
                "room": "tax_square",
                "player_id": bob_id,
                "x": 2.0,
                "y": 0.0,
                "z": 3.0,
            }

            _send(alice, {"type": "talk", "npc": "tax_officer", "text": "자동차세 언제 내요?"})
            said = _until(alice, "npc_say")
            assert said[0] == {"type": "npc_typing", "npc": "tax_officer"}
            assert said[-1]["text"] == "tax_officer: 안내해 드리겠습니다."
            # Bob, on the other gateway, sees the NPC turn to Alice, never her reply.
            animation = _recv(bob)
            assert animation["type"] == "npc_animation"
            assert animation["toward"] == alice_id
            _send(bob, {"type": "ping"})
            assert _recv(bob)["type"] == "pong"

        left = _until(alice, "player_left")[-1]
        assert left["player_id"] == bob_id

    # Alice comes back through the other gateway, now speaking protocol 2, and resumes where
    # she was; a newcomer on the first gateway reaches her in ticks.
    with connect(url_b) as alice:
        resumed = _hello(alice, alice_id, protocol=2, resume_token=welcome["resume_token"])
        assert resumed["resumed"] is True
        assert resumed["room"] == "tax_square"
        assert resumed["protocol"] == 2
        state = _recv(alice)
        assert state["type"] == "room_state"
        assert state["players"] == []
        dave_id = f"dave-{uuid.uuid4().hex[:8]}"
        with connect(url_a) as dave:
            _hello(dave, dave_id, protocol=2)
            _send(dave, {"type": "join", "room": "tax_square"})
            assert [
                player["player_id"] for player in _until(dave, "room_state")[-1]["players"]
            ] == [alice_id]
            _send(dave, {"type": "move", "x": 1, "y": 0, "z": 2})
            ticks = [_until(alice, "tick")[-1]]
            while not any(tick.get("moves") for tick in ticks):
                ticks.append(_until(alice, "tick")[-1])
        assert [info["player_id"] for info in ticks[0]["joined"]] == [dave_id]
        assert [dave_id, 1.0, 0.0, 2.0] in ticks[-1]["moves"]


def test_a_gateway_without_its_redis_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAECHI_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    get_settings.cache_clear()
    rasa = RasaClient(
        "http://rasa.test",
        timeout_seconds=1,
        transport=httpx.MockTransport(lambda request: httpx.Response(500)),
    )
    with pytest.raises(RuntimeError, match="HAECHI_REDIS_URL is set but Redis does not answer"):
        with TestClient(create_app(rasa=rasa)):
            pass
