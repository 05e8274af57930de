"""A client that falls behind gets the newest position of each player, in place."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from fastapi import WebSocket

from bot.settings import GatewaySettings
from world_bridge.connection import Connection, Latest


def test_newer_positions_replace_older_ones_in_place() -> None:
    async def scenario() -> list[Any]:
        connection = Connection(cast(WebSocket, None), GatewaySettings())
        connection.send_latest("move:a", "a at 1")
        connection.send("reply")
        connection.send_latest("move:b", "b at 1")
        connection.send_latest("move:a", "a at 2")
        queued = []
        while not connection.outbox.empty():
            item = connection.outbox.get_nowait()
            queued.append(connection.latest.pop(item.key) if isinstance(item, Latest) else item)
        return queued

    assert asyncio.run(scenario()) == ["a at 2", "reply", "b at 1"]
