"""Protocol 2: room traffic as one tick frame per player, only what the player can see."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from bot.settings import get_settings
from tests.world.conftest import drain, kinds, until
from world_bridge.protocol import server_adapter


@pytest.fixture(autouse=True)
def _long_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Long enough that moves sent back to back land in one tick.
    monkeypatch.setenv("HAECHI_WORLD_TICK_SECONDS", "0.4")
    get_settings.cache_clear()


def hello2(ws: WebSocketTestSession, player_id: str, **extra: Any) -> dict[str, Any]:
    ws.send_json(
        {"type": "hello", "protocol": 2, "player_id": player_id, "name": player_id, **extra}
    )
    welcome = ws.receive_json()
    assert welcome["type"] == "welcome", welcome
    return welcome


def enter(ws: WebSocketTestSession, room: str) -> dict[str, Any]:
    ws.send_json({"type": "join", "room": room})
    return until(ws, "room_state")[-1]


def move(ws: WebSocketTestSession, x: float, z: float) -> None:
    ws.send_json({"type": "move", "x": x, "y": 0, "z": z})


def ticks(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for message in messages:
        server_adapter.validate_python(message)  # every frame is what the schema says
    return [message for message in messages if message["type"] == "tick"]


def test_protocol_2_is_the_default_and_1_is_still_served(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as new, client.websocket_connect("/ws/world") as old:
        assert hello2(new, "new")["protocol"] == 2
        old.send_json({"type": "hello", "protocol": 1, "player_id": "old", "name": "old"})
        assert old.receive_json()["protocol"] == 1
        state = enter(new, "tax_square")
        assert state["view"] == {"cell": 6.0}
        enter(old, "tax_square")
        move(old, 2, 3)
        # The new client gets the arrival and the move in one tick; the old one frame each.
        [tick] = ticks(drain(new))
        assert tick["joined"][0]["player_id"] == "old"
        assert tick["moves"] == [["old", 2.0, 0.0, 3.0]]
        move(new, -2, 1)
        assert drain(old) == [
            {
                "type": "player_moved",
                "room": "tax_square",
                "player_id": "new",
                "x": -2.0,
                "y": 0.0,
                "z": 1.0,
            }
        ]


def test_moves_within_a_tick_arrive_as_one_frame_with_the_newest_position(
    client: TestClient,
) -> None:
    with (
        client.websocket_connect("/ws/world") as alice,
        client.websocket_connect("/ws/world") as bob,
    ):
        hello2(alice, "alice")
        hello2(bob, "bob")
        enter(alice, "tax_square")
        enter(bob, "tax_square")
        drain(alice)
        drain(bob)
        for step in range(5):
            move(bob, 1.0 + step, 2.0)
        [tick] = ticks(drain(alice))
        assert tick == {"type": "tick", "room": "tax_square", "moves": [["bob", 5.0, 0.0, 2.0]]}


def test_players_see_only_the_moves_around_them(client: TestClient) -> None:
    # Seoul Plaza is 28 m across: five view squares of 6 m a side.
    with (
        client.websocket_connect("/ws/world") as alice,
        client.websocket_connect("/ws/world") as bob,
        client.websocket_connect("/ws/world") as carol,
    ):
        for ws, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
            hello2(ws, name)
            enter(ws, "seoul_plaza")
        move(alice, -13, -13)
        move(bob, -11, -12)
        move(carol, 13, 13)
        for ws in (alice, bob, carol):
            drain(ws)

        move(bob, -10, -11)  # next to alice, far from carol
        [tick] = ticks(drain(alice))
        assert tick["moves"] == [["bob", -10.0, 0.0, -11.0]]
        assert ticks(drain(carol)) == []
        # Bob hears his own move back (where the server kept him); clients skip their own id.
        assert ticks(drain(bob))[0]["moves"] == [["bob", -10.0, 0.0, -11.0]]

        move(carol, 12, 12)  # far from alice and bob
        assert ticks(drain(alice)) == []
        assert ticks(drain(bob)) == []

        move(carol, -8, -9)  # carol walks over: alice sees her arrive in view
        [tick] = ticks(drain(alice))
        assert ["carol", -8.0, 0.0, -9.0] in tick["moves"]

        move(carol, 13, 13)  # and walk away again, out of view: the move is still sent
        [tick] = ticks(drain(alice))
        assert tick["moves"] == [["carol", 13.0, 0.0, 13.0]]

        # Alice walks to the far corner: her tick says where everyone in view now stands.
        move(alice, 12, 12)
        [tick] = ticks(drain(alice))
        assert ["carol", 13.0, 0.0, 13.0] in tick["in_view"]
        assert all(entry[0] != "bob" for entry in tick["in_view"])


def ticks_until(
    ws: WebSocketTestSession, found: Callable[[list[dict[str, Any]]], bool]
) -> list[dict[str, Any]]:
    """Ticks drained until `found` holds of all seen so far: another socket's frames are handled
    concurrently, so one drain may come before the tick that carries them."""
    seen: list[dict[str, Any]] = []
    for _ in range(50):
        seen += ticks(drain(ws))
        if found(seen):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"not found in {seen}")


def test_arrivals_departures_and_npc_animations_reach_the_whole_room(client: TestClient) -> None:
    with (
        client.websocket_connect("/ws/world") as alice,
        client.websocket_connect("/ws/world") as bob,
    ):
        hello2(alice, "alice")
        hello2(bob, "bob")
        enter(alice, "seoul_plaza")
        move(alice, 13, 13)
        drain(alice)
        enter(bob, "seoul_plaza")
        arrived = ticks_until(alice, lambda seen: any(tick.get("joined") for tick in seen))
        bob.send_json({"type": "talk", "npc": "landmark_guide", "text": "경복궁 어때요?"})
        got = until(bob, "npc_say")
        assert kinds(got) == ["npc_typing", "npc_say"]
        bob.send_json({"type": "leave"})
        seen = arrived + ticks_until(alice, lambda seen: any(tick.get("left") for tick in seen))
        joined = [info["player_id"] for tick in seen for info in tick.get("joined", [])]
        animations = [item for tick in seen for item in tick.get("animations", [])]
        left = [player for tick in seen for player in tick.get("left", [])]
        assert joined == ["bob"] and left == ["bob"]
        assert animations == [
            {"npc": "landmark_guide", "emote": "happy", "gesture": "nod", "toward": "bob"}
        ]


def test_a_client_that_fell_behind_gets_the_room_afresh(client: TestClient) -> None:
    with (
        client.websocket_connect("/ws/world") as alice,
        client.websocket_connect("/ws/world") as bob,
    ):
        hello2(alice, "alice")
        hello2(bob, "bob")
        enter(alice, "tax_square")
        enter(bob, "tax_square")
        drain(alice)
        bridge = client.app.state.world  # type: ignore[attr-defined]
        bridge.players.by_player["alice"].needs_resync = True  # as when its ticks overflowed
        move(bob, 4, 4)
        [state] = [message for message in drain(alice) if message["type"] != "tick"]
        assert state["type"] == "room_state"
        assert state["players"] == [
            {"player_id": "bob", "name": "bob", "position": {"x": 4.0, "y": 0.0, "z": 4.0}}
        ]
