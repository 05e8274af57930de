"""A client's outbox: replies ahead of room traffic, bounded backlogs for slow clients."""

from __future__ import annotations

import asyncio
from typing import cast

from fastapi import WebSocket

from bot.settings import GatewaySettings
from world_bridge.connection import TICK_BACKLOG, Connection


def _queued(connection: Connection) -> list[str]:
    frames = []
    while (frame := connection.next_frame()) is not None:
        frames.append(frame)
    return frames


def test_newer_positions_replace_older_ones_in_place() -> None:
    async def scenario() -> list[str]:
        connection = Connection(cast(WebSocket, None), GatewaySettings())
        connection.send_latest("move:a", "a at 1")
        connection.send("joined")
        connection.send_latest("move:b", "b at 1")
        connection.send_latest("move:a", "a at 2")
        return _queued(connection)

    assert asyncio.run(scenario()) == ["a at 2", "joined", "b at 1"]


def test_npc_replies_go_ahead_of_room_traffic() -> None:
    async def scenario() -> list[str]:
        connection = Connection(cast(WebSocket, None), GatewaySettings())
        connection.send_tick("tick 1")
        connection.send("room_state")
        connection.send_reply("npc_typing")
        connection.send_tick("tick 2")
        connection.send_reply("npc_say")
        return _queued(connection)

    assert asyncio.run(scenario()) == ["npc_typing", "npc_say", "tick 1", "room_state", "tick 2"]


def test_a_client_that_falls_behind_loses_its_ticks_and_gets_the_room_afresh() -> None:
    async def scenario() -> tuple[list[str], bool]:
        connection = Connection(cast(WebSocket, None), GatewaySettings())
        connection.send("welcome")
        for number in range(TICK_BACKLOG + 1):
            connection.send_tick(f"tick {number}")
        return _queued(connection), connection.needs_resync

    frames, needs_resync = asyncio.run(scenario())
    # The ticks are dropped, nothing else; the fan-out sends a room_state next.
    assert frames == ["welcome"]
    assert needs_resync
