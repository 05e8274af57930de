"""Rooms and NPCs of the 3D world, loaded from a YAML file (`rooms.yml` beside this module)."""

from __future__ import annotations

import math
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_ROOMS_FILE = Path(__file__).with_name("rooms.yml")


class Texts(BaseModel):
    """One text in Korean and English; other languages fall back to English."""

    model_config = ConfigDict(extra="forbid")

    ko: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str | None) -> str:
        return self.ko if (language or "ko") == "ko" else self.en


class Position(BaseModel):
    model_config = ConfigDict(extra="forbid")

    x: float = Field(allow_inf_nan=False)
    y: float = Field(default=0.0, allow_inf_nan=False)
    z: float = Field(allow_inf_nan=False)

    def ground_distance(self, other: Position) -> float:
        """Distance on the floor (x, z); height does not matter for walking up to an NPC."""
        return math.hypot(self.x - other.x, self.z - other.z)


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    intents: list[str] = Field(min_length=1)
    home: str = Field(pattern=r"^[a-z0-9_]+/[a-z0-9_]+$", description="room/npc handling it")
    redirect: Texts

    @property
    def home_room(self) -> str:
        return self.home.split("/")[0]

    @property
    def home_npc(self) -> str:
        return self.home.split("/")[1]


class Npc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Texts
    persona: Texts
    greeting: Texts
    position: Position
    radius: float = Field(gt=0, le=20)
    handles: list[str]
    redirects: list[str] = Field(default_factory=list)


class Room(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Texts
    half_size: float = Field(gt=0, le=500)
    spawn: Position
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    npcs: list[Npc] = Field(min_length=1)
    # Players here chat with each other, each reading the others in their own language
    # (world_bridge/fintech_room.py): the Fintech Lab.
    live_translation: bool = False

    def npc(self, npc_id: str) -> Npc | None:
        return next((npc for npc in self.npcs if npc.id == npc_id), None)

    def clamp(self, position: Position) -> Position:
        """Keep a position on the room's floor (a client may send anything)."""
        limit = self.half_size
        return Position(
            x=min(max(position.x, -limit), limit),
            y=min(max(position.y, 0.0), 10.0),
            z=min(max(position.z, -limit), limit),
        )


class WorldConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topics: dict[str, Topic]
    rooms: list[Room] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> WorldConfig:
        room_ids = [room.id for room in self.rooms]
        if len(set(room_ids)) != len(room_ids):
            raise ValueError("room ids must be unique")
        npc_ids = [npc.id for room in self.rooms for npc in room.npcs]
        if len(set(npc_ids)) != len(npc_ids):
            raise ValueError("NPC ids must be unique across rooms")
        for topic_id, topic in self.topics.items():
            room = self.room(topic.home_room)
            if room is None or room.npc(topic.home_npc) is None:
                raise ValueError(f"topic {topic_id}: no NPC at {topic.home}")
        for room in self.rooms:
            for npc in room.npcs:
                unknown = set(npc.redirects) - set(self.topics)
                if unknown:
                    raise ValueError(f"NPC {npc.id} redirects unknown topics {sorted(unknown)}")
        return self

    def room(self, room_id: str) -> Room | None:
        # Asked for on every move: a dict, not a walk over the rooms.
        return self._rooms_by_id.get(room_id)

    @cached_property
    def _rooms_by_id(self) -> dict[str, Room]:
        return {room.id: room for room in self.rooms}

    def topic_of_intent(self, intent: str) -> str | None:
        return next((name for name, topic in self.topics.items() if intent in topic.intents), None)


def load_world(path: Path = DEFAULT_ROOMS_FILE) -> WorldConfig:
    """Read and check a rooms file; a bad file fails at start-up with the field that is wrong."""
    with path.open(encoding="utf-8") as handle:
        return WorldConfig.model_validate(yaml.safe_load(handle))


@lru_cache(maxsize=1)
def default_world() -> WorldConfig:
    return load_world()
