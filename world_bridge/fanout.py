"""Room traffic, once a tick: batched, filtered by what each player can see, serialised once.

What players do in a room (arrive, leave, move, make an NPC act) is recorded here as it happens
and goes out every `HAECHI_WORLD_TICK_SECONDS` as one `RoomBatch` per room through the backplane
(to every gateway replica). Delivering a batch builds the frames from bytes: each position is
serialised once, each view square's frame once per batch, and every protocol-2 player gets at
most one `tick` frame per batch, with the moves of their square and the eight around it.
Protocol-1 players get the same events as one frame each, for the whole room, as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from world_bridge.backplane import BACKPLANE_ERRORS, Backplane, RoomBatch
from world_bridge.config import WorldConfig
from world_bridge.connection import Connection
from world_bridge.interest import Cell, Grid, RoomView
from world_bridge.protocol import Animation, PlayerInfo, PlayerJoined, PlayerLeft
from world_bridge.settings import WorldSettings

logger = logging.getLogger(__name__)

# Sends a fresh `room_state` to a player whose ticks were dropped (the client fell behind).
Resync = Callable[[Connection, RoomView], None]


@dataclass
class _Pending:
    """One room's events on this gateway since the last tick; newest position per player."""

    left: dict[str, None] = field(default_factory=dict)
    joined: dict[str, PlayerInfo] = field(default_factory=dict)
    moves: dict[str, PlayerInfo] = field(default_factory=dict)
    animations: list[Animation] = field(default_factory=list)

    def batch(self, room: str) -> RoomBatch:
        return RoomBatch.model_construct(
            room=room,
            left=list(self.left),
            joined=list(self.joined.values()),
            moves=[
                (player_id, info.position.x, info.position.y, info.position.z)
                for player_id, info in self.moves.items()
            ],
            animations=self.animations,
        )


class _Frames:
    """The frames of one delivered batch, each built once and shared by everyone it suits."""

    def __init__(self, batch: RoomBatch, view: RoomView) -> None:
        self.batch = batch
        self.view = view
        self.entries: list[bytes] = []
        # view square -> indexes of the moves seen from there (a move out of a square counts
        # for both, so players there see where the mover went)
        self.moved_in: dict[Cell, list[int]] = {}
        self._head = b'{"type":"tick","room":' + orjson.dumps(batch.room)
        self.joiners = {info.player_id for info in batch.joined}
        self._shared = self._shared_part(None)
        self._ticks: dict[tuple[Cell, bool, str | None], str | None] = {}
        self._v1_events: list[tuple[str, str | None, str]] | None = None
        self._v1_moves: list[str] | None = None

    def _shared_part(self, without: str | None) -> bytes:
        """What everyone in the room is told: departures, arrivals (not one's own), animations."""
        batch = self.batch
        shared = b""
        if batch.left:
            shared += b',"left":' + orjson.dumps(batch.left)
        joined = [info.model_dump() for info in batch.joined if info.player_id != without]
        if joined:
            shared += b',"joined":' + orjson.dumps(joined)
        if batch.animations:
            shared += b',"animations":' + orjson.dumps(
                [animation.model_dump() for animation in batch.animations]
            )
        return shared

    def tick(self, cell: Cell, view_changed: bool, player_id: str) -> str | None:
        """The protocol-2 frame for a player in `cell`; None when there is nothing to see."""
        # Only a player who arrived in this batch gets a frame of their own (without the
        # arrival they already know of); everyone else shares the frame of their square.
        without = player_id if player_id in self.joiners else None
        key = (cell, view_changed, without)
        if key in self._ticks:
            return self._ticks[key]
        shared = self._shared if without is None else self._shared_part(without)
        parts = [self._head, shared]
        if view_changed:
            parts += [b',"in_view":[', self.view.in_view(cell), b"]"]
        indexes = sorted(
            {
                index
                for square in self.view.grid.around(cell)
                for index in self.moved_in.get(square, ())
            }
        )
        if indexes:
            parts += [b',"moves":[', b",".join(self.entries[index] for index in indexes), b"]"]
        frame = None
        if len(parts) > 2 or shared:
            parts.append(b"}")
            frame = b"".join(parts).decode()
        self._ticks[key] = frame
        return frame

    def v1_events(self) -> list[tuple[str, str | None, str]]:
        """(kind, player_id it is about, frame) for departures, arrivals and animations."""
        if self._v1_events is None:
            room = self.batch.room
            events: list[tuple[str, str | None, str]] = [
                ("left", player_id, PlayerLeft(room=room, player_id=player_id).frame())
                for player_id in self.batch.left
            ]
            events += [
                ("joined", info.player_id, PlayerJoined(room=room, player=info).frame())
                for info in self.batch.joined
            ]
            events += [
                (
                    "animation",
                    None,
                    orjson.dumps(
                        {"type": "npc_animation", "room": room, **animation.model_dump()}
                    ).decode(),
                )
                for animation in self.batch.animations
            ]
            self._v1_events = events
        return self._v1_events

    def v1_moves(self) -> list[str]:
        if self._v1_moves is None:
            room = self.batch.room
            self._v1_moves = [
                orjson.dumps(
                    {
                        "type": "player_moved",
                        "room": room,
                        "player_id": player_id,
                        "x": x,
                        "y": y,
                        "z": z,
                    }
                ).decode()
                for player_id, x, y, z in self.batch.moves
            ]
        return self._v1_moves


class Fanout:
    """Collects room events, sends them out once a tick, and delivers batches to local players."""

    def __init__(
        self,
        *,
        world: WorldConfig,
        settings: WorldSettings,
        backplane: Backplane,
        members: dict[str, dict[str, Connection]],
        resync: Resync,
    ) -> None:
        self._settings = settings
        self._backplane = backplane
        self._members = members
        self._resync = resync
        self._grids = {
            room.id: Grid(room.half_size, settings.world_view_cell_metres) for room in world.rooms
        }
        self._views: dict[str, RoomView] = {}
        self._pending: dict[str, _Pending] = {}
        self._after_tick: list[tuple[Connection, str]] = []
        self.ticks = 0

    # -- what happens in rooms ------------------------------------------------------------------

    def view(self, room: str) -> RoomView:
        view = self._views.get(room)
        if view is None:
            view = self._views[room] = RoomView(self._grids[room])
        return view

    def grid(self, room: str) -> Grid:
        return self._grids[room]

    def _room(self, room: str) -> _Pending:
        pending = self._pending.get(room)
        if pending is None:
            pending = self._pending[room] = _Pending()
        return pending

    def joined(self, room: str, player: PlayerInfo) -> None:
        pending = self._room(room)
        pending.left.pop(player.player_id, None)
        pending.moves.pop(player.player_id, None)
        pending.joined[player.player_id] = player

    def left(self, room: str, player_id: str) -> None:
        pending = self._room(room)
        pending.joined.pop(player_id, None)
        pending.moves.pop(player_id, None)
        pending.left[player_id] = None

    def moved(self, room: str, player: PlayerInfo) -> None:
        self._room(room).moves[player.player_id] = player

    def animated(self, room: str, animation: Animation) -> None:
        self._room(room).animations.append(animation)

    def has_pending(self, room: str | None) -> bool:
        return room is not None and room in self._pending

    def after_tick(self, connection: Connection, frame: str) -> None:
        """Send `frame` once this tick's room traffic is out (a pong after what came before)."""
        self._after_tick.append((connection, frame))

    # -- once a tick ----------------------------------------------------------------------------

    async def run(self) -> None:
        """The tick task: flush on a fixed beat; a late tick goes at once, never in a burst."""
        loop = asyncio.get_running_loop()
        interval = self._settings.world_tick_seconds
        next_at = loop.time()
        while True:
            next_at += interval
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                next_at = loop.time()
            try:
                await self.flush()
            except Exception:  # one bad tick must not stop the world
                logger.exception("world: a tick failed")

    async def flush(self) -> None:
        pending, self._pending = self._pending, {}
        waiting, self._after_tick = self._after_tick, []
        self.ticks += 1
        try:
            for room, events in pending.items():
                try:
                    if events.moves:
                        await self._backplane.set_presences(room, list(events.moves.values()))
                    await self._backplane.publish(events.batch(room))
                except BACKPLANE_ERRORS as error:
                    logger.warning("world: a room batch was lost (%s)", type(error).__name__)
        finally:
            for connection, frame in waiting:
                connection.send(frame)

    # -- delivering a batch to this gateway's players -------------------------------------------

    def deliver(self, batch: RoomBatch) -> None:
        view = self._views.get(batch.room)
        if view is None:
            if batch.room not in self._grids:
                return
            view = self.view(batch.room)
        for player_id in batch.left:
            view.remove(player_id)
        for info in batch.joined:
            view.add(info)
        frames = _Frames(batch, view)
        for index, (player_id, x, y, z) in enumerate(batch.moves):
            before, cell, entry = view.place(player_id, x, y, z)
            frames.entries.append(entry)
            frames.moved_in.setdefault(cell, []).append(index)
            if before is not None and before != cell:
                frames.moved_in.setdefault(before, []).append(index)
        members = self._members.get(batch.room)
        if not members:
            return
        for player_id, connection in list(members.items()):
            session = connection.session
            if session is None or connection.closing:
                continue
            if connection.protocol == 1:
                self._deliver_v1(connection, player_id, frames)
                continue
            cell = connection.cell
            if connection.needs_resync:
                connection.needs_resync = False
                connection.view_cell = cell
                self._resync(connection, view)
                continue
            changed = cell != connection.view_cell
            frame = frames.tick(cell, changed, player_id)
            connection.view_cell = cell
            if frame is not None:
                connection.send_tick(frame)

    @staticmethod
    def _deliver_v1(connection: Connection, player_id: str, frames: _Frames) -> None:
        roster = connection.roster
        for kind, about, frame in frames.v1_events():
            if kind == "joined":
                if about == player_id or about in roster:
                    continue
                roster.add(about or "")
            elif kind == "left":
                if about not in roster:  # left before this client came in
                    continue
                roster.discard(about or "")
            connection.send(frame)
        moves = frames.v1_moves()
        for index, (mover, _x, _y, _z) in enumerate(frames.batch.moves):
            if mover != player_id:
                connection.send_latest(f"move:{mover}", moves[index])
