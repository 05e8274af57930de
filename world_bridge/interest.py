"""Interest management: who can see whom in a room, on a grid of view squares.

The floor of a room is cut into squares (`HAECHI_WORLD_VIEW_CELL_METRES`). A player is sent the
moves made in their own square and the eight around it, so what one player receives grows with
the crowd around them, not with the room. Each gateway keeps a `RoomView` per room: where every
player in the room was last heard of, by square, each position already serialised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import orjson

from world_bridge.config import Position
from world_bridge.protocol import PlayerInfo

Cell = tuple[int, int]


class Grid:
    """The view squares of one room's floor."""

    def __init__(self, half_size: float, cell_metres: float) -> None:
        self.half_size = half_size
        self.cell_metres = cell_metres
        self.size = max(1, math.ceil(2 * half_size / cell_metres))
        self._around: dict[Cell, tuple[Cell, ...]] = {}

    def cell_of(self, x: float, z: float) -> Cell:
        last = self.size - 1
        column = int((x + self.half_size) // self.cell_metres)
        row = int((z + self.half_size) // self.cell_metres)
        return (min(max(column, 0), last), min(max(row, 0), last))

    def around(self, cell: Cell) -> tuple[Cell, ...]:
        """The square and its neighbours on the floor: what a player there sees."""
        known = self._around.get(cell)
        if known is None:
            column, row = cell
            known = tuple(
                (c, r)
                for c in range(max(column - 1, 0), min(column + 2, self.size))
                for r in range(max(row - 1, 0), min(row + 2, self.size))
            )
            self._around[cell] = known
        return known


@dataclass
class Seen:
    """A player as this gateway last heard of them."""

    name: str
    cell: Cell
    x: float
    y: float
    z: float
    entry: bytes  # [player_id, x, y, z] as JSON


def position_entry(player_id: str, x: float, y: float, z: float) -> bytes:
    return orjson.dumps((player_id, x, y, z))


class RoomView:
    """Where everyone in one room stands, indexed by view square."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.players: dict[str, Seen] = {}
        self.cells: dict[Cell, dict[str, Seen]] = {}

    def __len__(self) -> int:
        return len(self.players)

    def reset(self, players: list[PlayerInfo]) -> None:
        """Start over from the shared presence (drops players a dead replica left behind)."""
        self.players.clear()
        self.cells.clear()
        for player in players:
            self.add(player)

    def add(self, player: PlayerInfo) -> None:
        where = player.position
        self.place(player.player_id, where.x, where.y, where.z, name=player.name)

    def place(
        self, player_id: str, x: float, y: float, z: float, *, name: str | None = None
    ) -> tuple[Cell | None, Cell, bytes]:
        """Record a position; the square before (None if unknown), the square now, the entry."""
        entry = position_entry(player_id, x, y, z)
        cell = self.grid.cell_of(x, z)
        seen = self.players.get(player_id)
        if seen is None:
            seen = Seen(name=name or player_id, cell=cell, x=x, y=y, z=z, entry=entry)
            self.players[player_id] = seen
            self.cells.setdefault(cell, {})[player_id] = seen
            return None, cell, entry
        before = seen.cell
        if before != cell:
            self.cells[before].pop(player_id, None)
            self.cells.setdefault(cell, {})[player_id] = seen
            seen.cell = cell
        if name is not None:
            seen.name = name
        seen.x, seen.y, seen.z, seen.entry = x, y, z, entry
        return before, cell, entry

    def remove(self, player_id: str) -> None:
        seen = self.players.pop(player_id, None)
        if seen is not None:
            self.cells[seen.cell].pop(player_id, None)

    def in_view(self, cell: Cell) -> bytes:
        """The positions of everyone a player in `cell` sees, as JSON array items."""
        return b",".join(
            seen.entry
            for square in self.grid.around(cell)
            for seen in self.cells.get(square, {}).values()
        )

    def infos(self, *, without: str) -> list[PlayerInfo]:
        """Everyone in the room but one, for a fresh `room_state`."""
        return [
            PlayerInfo(
                player_id=player_id, name=seen.name, position=Position(x=seen.x, y=seen.y, z=seen.z)
            )
            for player_id, seen in self.players.items()
            if player_id != without
        ]
