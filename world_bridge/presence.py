"""Room presence: entering, leaving and moving, what the room sees, NPCs greeting passers-by."""

from __future__ import annotations

import math

from world_bridge.backplane import Backplane
from world_bridge.config import Npc, Position, Room, WorldConfig
from world_bridge.connection import Connection, reason
from world_bridge.protocol import (
    Move,
    NpcAnimation,
    NpcInfo,
    NpcSay,
    PlayerJoined,
    PlayerLeft,
    PlayerMoved,
    ProtocolError,
    RoomState,
)
from world_bridge.session import Players, Session

# A button payload that takes the player to an NPC: `go:<room>/<npc>`.
GO_PREFIX = "go:"


def text_language(language: str) -> str:
    """Config texts exist in Korean and English; other languages get English."""
    return "ko" if language == "ko" else "en"


def not_in_room() -> ProtocolError:
    return ProtocolError("not_in_room", reason("join a room first", "먼저 방에 입장해 주세요"))


def near(npc: Npc, toward: Position) -> Position:
    """A spot inside the NPC's radius, on the side facing `toward` (the room's entrance)."""
    dx, dz = toward.x - npc.position.x, toward.z - npc.position.z
    length = math.hypot(dx, dz) or 1.0
    step = npc.radius * 0.6
    return Position(
        x=npc.position.x + dx / length * step, y=0.0, z=npc.position.z + dz / length * step
    )


class RoomPresence:
    """Who is in which room on this gateway, and the room events they exchange."""

    def __init__(self, *, world: WorldConfig, players: Players, backplane: Backplane) -> None:
        self.world = world
        self._players = players
        self._backplane = backplane
        # room id -> player_id -> the player's socket on this gateway
        self.members: dict[str, dict[str, Connection]] = {}

    def deliver(self, room: str, frame: str, exclude: str | None, key: str | None) -> None:
        """A room event from the backplane, to this gateway's players in that room."""
        for player_id, connection in list(self.members.get(room, {}).items()):
            if player_id == exclude:
                continue
            if key is None:
                connection.send(frame)
            else:
                connection.send_latest(key, frame)

    def drop(self, connection: Connection) -> None:
        """Forget a socket that was replaced (no leave event: the player is still here)."""
        session = connection.session
        if session is None or session.room is None:
            return
        members = self.members.get(session.room, {})
        if members.get(session.player_id) is connection:
            del members[session.player_id]

    def room(self, room_id: str) -> Room:
        room = self.world.room(room_id)
        if room is None:
            raise ProtocolError(
                "unknown_room",
                reason(
                    "no such room; welcome lists the rooms",
                    "없는 방입니다. 방 목록을 확인해 주세요",
                ),
            )
        return room

    def npc(self, session: Session, npc_id: str) -> tuple[Room, Npc]:
        """The NPC the player addresses, in the player's room."""
        if session.room is None:
            raise not_in_room()
        room = self.room(session.room)
        npc = room.npc(npc_id)
        if npc is None:
            raise ProtocolError(
                "unknown_npc",
                reason("no such NPC in this room", "이 방에는 해당 안내원이 없습니다"),
            )
        return room, npc

    async def enter(
        self,
        connection: Connection,
        room_id: str,
        *,
        position: Position | None,
        visit: bool = True,
    ) -> None:
        """Put the player in a room; a new visit starts at the entrance with no greetings yet."""
        session = connection.session
        assert session is not None
        room = self.room(room_id)
        if session.room is not None and (session.room != room.id or visit):
            await self.exit(connection, session, keep_room=False)
        if visit:
            session.greeted = set()
        session.room = room.id
        session.position = room.clamp(position or room.spawn)
        self.members.setdefault(room.id, {})[session.player_id] = connection
        others = [
            player
            for player in await self._backplane.presence(room.id)
            if player.player_id != session.player_id
        ]
        await self._backplane.set_presence(room.id, session.info())
        language = session.language
        connection.send(
            RoomState(
                room=room.id,
                name=room.name.get(language),
                half_size=room.half_size,
                color=room.color,
                you=session.position,
                npcs=[
                    NpcInfo(
                        id=npc.id,
                        name=npc.name.get(language),
                        persona=npc.persona.get(language),
                        greeting=npc.greeting.get(language),
                        position=npc.position,
                        radius=npc.radius,
                        handles=npc.handles,
                    )
                    for npc in room.npcs
                ],
                players=others,
                live_translation=room.live_translation,
            ).frame()
        )
        await self._backplane.publish(
            room.id,
            PlayerJoined(room=room.id, player=session.info()).frame(),
            exclude=session.player_id,
        )
        await self._players.save(session)
        await self.greet_nearby(connection, session, room)

    async def exit(self, connection: Connection, session: Session, *, keep_room: bool) -> None:
        """Take the player out of their room; `keep_room` remembers it for a resume."""
        room = session.room
        if room is None:
            return
        members = self.members.get(room, {})
        if members.get(session.player_id) is connection:
            del members[session.player_id]
        if not keep_room:
            session.room = None
        await self._backplane.remove_presence(room, session.player_id)
        await self._backplane.publish(
            room, PlayerLeft(room=room, player_id=session.player_id).frame()
        )
        if not keep_room:
            await self._players.save(session)

    async def leave(self, connection: Connection, session: Session) -> None:
        """The player asked to leave: everyone, the player included, sees `player_left`."""
        room = session.room
        if room is None:
            raise not_in_room()
        await self.exit(connection, session, keep_room=False)
        connection.send(PlayerLeft(room=room, player_id=session.player_id).frame())

    async def move(self, connection: Connection, session: Session, move: Move) -> None:
        if session.room is None:
            raise not_in_room()
        room = self.room(session.room)
        session.position = room.clamp(Position(x=move.x, y=move.y, z=move.z))
        await self._backplane.set_presence(room.id, session.info())
        where = session.position
        await self._backplane.publish(
            room.id,
            PlayerMoved(
                room=room.id, player_id=session.player_id, x=where.x, y=where.y, z=where.z
            ).frame(),
            exclude=session.player_id,
            key=f"move:{session.player_id}",
        )
        await self.greet_nearby(connection, session, room)

    async def animate(self, room: str, animation: NpcAnimation) -> None:
        """An NPC acts something out for the whole room."""
        await self._backplane.publish(room, animation.frame())

    async def greet_nearby(self, connection: Connection, session: Session, room: Room) -> None:
        """NPCs whose radius the player is in greet them, once per visit."""
        for npc in room.npcs:
            if npc.id in session.greeted:
                continue
            if session.position.ground_distance(npc.position) > npc.radius:
                continue
            session.greeted.add(npc.id)
            language = text_language(session.language)
            connection.send(
                NpcSay(
                    npc=npc.id,
                    text=npc.greeting.get(language),
                    language=language,
                    emote="smile",
                    gesture="wave",
                ).frame()
            )
            await self.animate(
                room.id,
                NpcAnimation(
                    room=room.id,
                    npc=npc.id,
                    emote="smile",
                    gesture="wave",
                    toward=session.player_id,
                ),
            )

    async def go(self, connection: Connection, session: Session, npc_id: str, payload: str) -> None:
        """A redirect button (`go:<room>/<npc>`) pressed at `npc_id`: take the player there."""
        self.npc(session, npc_id)
        room_id, _, target = payload.removeprefix(GO_PREFIX).partition("/")
        room = self.room(room_id)
        position: Position | None = None
        if target:
            npc = room.npc(target)
            if npc is None:
                raise ProtocolError(
                    "unknown_npc", reason("no such NPC in that room", "해당 안내원이 없습니다")
                )
            position = near(npc, room.spawn)
        await self.enter(connection, room.id, position=position)
