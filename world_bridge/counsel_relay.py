"""A counsellor's words in the 3D world: the NPC the citizen was talking to says them.

The desk (agent/counsel_desk.py) hands each message for a `world:<key>:<npc>` conversation to
`deliver`; the player's live socket on this gateway gets it as `npc_say` (with `counsellor`
set), and typing as `npc_typing`. A player who is offline finds nothing here: the message is
kept in the hand-off's transcript.
"""

from __future__ import annotations

from agent.counsel_desk import CounselDesk
from agent.reply import ReplyMessage
from world_bridge.bridge import WorldBridge
from world_bridge.connection import Connection
from world_bridge.protocol import NpcSay, NpcTyping


class CounselRelay:
    def __init__(self, bridge: WorldBridge) -> None:
        self._bridge = bridge

    def _find(self, session_id: str) -> tuple[Connection, str] | None:
        key, _, npc = session_id.rpartition(":")
        connection = self._bridge.connection_for(key) if key and npc else None
        return (connection, npc) if connection is not None else None

    async def deliver(self, session_id: str, message: ReplyMessage) -> None:
        found = self._find(session_id)
        if found is None:
            return
        connection, npc = found
        connection.send(
            NpcSay(
                npc=npc,
                text=message.text,
                language=message.language or "ko",
                emote="smile" if message.counsellor is None else None,
                buttons=message.buttons,
                handoff=message.handoff,
                counsellor=message.counsellor,
            ).frame()
        )

    async def typing(self, session_id: str) -> None:
        found = self._find(session_id)
        if found is not None:
            connection, npc = found
            connection.send(NpcTyping(npc=npc).frame())


def attach(bridge: WorldBridge, desk: CounselDesk) -> None:
    """Let the desk reach players in the world through this bridge."""
    relay = CounselRelay(bridge)
    desk.register("world", relay.deliver, relay.typing)
