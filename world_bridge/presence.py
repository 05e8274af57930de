"""Room presence: entering, leaving and moving, what the room sees, NPCs greeting passers-by.

Room events are recorded in the fan-out (fanout.py), which sends them out once a tick.
"""

from __future__ import annotations

import math

from world_bridge.backplane import Backplane
from world_bridge.config import Npc, Position, Room, WorldConfig
from world_bridge.connection import Connection, reason
from world_bridge.fanout import Fanout
from world_bridge.interest import RoomView
from world_bridge.protocol import (
    Animation,
    Move,
    NpcInfo,
    NpcSay,
    PlayerInfo,
    PlayerLeft,
    ProtocolError,
    RoomState,
    View,
)
from world_bridge.session import Players, Session
from world_bridge.settings import WorldSettings

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

    def __init__(
        self,
        *,
        world: WorldConfig,
        settings: WorldSettings,
        players: Players,
        backplane: Backplane,
    ) -> None:
        self.world = world
        self._settings = settings
        self._players = players
        self._backplane = backplane
        # room id -> player_id -> the player's socket on this gateway
        self.members: dict[str, dict[str, Connection]] = {}
        self.fanout = Fanout(
            world=world,
            settings=settings,
            backplane=backplane,
            members=self.members,
            resync=self._resync,
        )

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
        members = self.members.setdefault(room.id, {})
        first_here = not members
        members[session.player_id] = connection
        present = await self._backplane.presence(room.id)
        others = [player for player in present if player.player_id != session.player_id]
        await self._backplane.set_presence(room.id, session.info())
        view = self.fanout.view(room.id)
        if first_here:
            view.reset(present)
        view.add(session.info())
        self._send_room_state(connection, session, room, others)
        self.fanout.joined(room.id, session.info())
        await self._players.save(session)
        self.greet_nearby(connection, session, room)

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
        self.fanout.left(room, session.player_id)
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
        where = session.position = room.clamp(Position(x=move.x, y=move.y, z=move.z))
        connection.cell = self.fanout.grid(room.id).cell_of(where.x, where.z)
        self.fanout.moved(room.id, session.info())
        self.greet_nearby(connection, session, room)

    def animate(self, room: str, animation: Animation) -> None:
        """An NPC acts something out for the whole room."""
        self.fanout.animated(room, animation)

    def _send_room_state(
        self, connection: Connection, session: Session, room: Room, others: list[PlayerInfo]
    ) -> None:
        language = session.language
        view = None
        connection.cell = self.fanout.grid(room.id).cell_of(session.position.x, session.position.z)
        if connection.protocol == 1:
            connection.roster = {player.player_id for player in others}
        else:
            view = View(cell=self._settings.world_view_cell_metres)
            connection.view_cell = connection.cell
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
                view=view,
            ).frame()
        )

    def _resync(self, connection: Connection, view: RoomView) -> None:
        """A client that fell behind lost ticks: send the room afresh."""
        session = connection.session
        if session is None or session.room is None:
            return
        room = self.room(session.room)
        self._send_room_state(connection, session, room, view.infos(without=session.player_id))

    def greet_nearby(self, connection: Connection, session: Session, room: Room) -> None:
        """NPCs whose radius the player is in greet them, once per visit."""
        for npc in room.npcs:
            if npc.id in session.greeted:
                continue
            if session.position.ground_distance(npc.position) > npc.radius:
                continue
            session.greeted.add(npc.id)
            language = text_language(session.language)
            # In order with the room traffic: a greeting follows the room_state it belongs to.
            connection.send(
                NpcSay(
                    npc=npc.id,
                    text=npc.greeting.get(language),
                    language=language,
                    emote="smile",
                    gesture="wave",
                ).frame()
            )
            self.animate(
                room.id,
                Animation(npc=npc.id, emote="smile", gesture="wave", toward=session.player_id),
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
