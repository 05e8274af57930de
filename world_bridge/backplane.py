"""What gateway replicas share about the world: room fan-out, presence and resumable sessions.

`LocalBackplane` keeps it all in this process (one gateway, the default). `RedisBackplane`
shares it through Redis (`HAECHI_REDIS_URL`): each replica publishes one `RoomBatch` per room
per tick (what its players did) on one pub/sub channel that every replica listens to and
delivers to its own sockets; presence and sessions are Redis keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

import orjson
import redis.asyncio as aioredis
from pydantic import BaseModel, Field, ValidationError
from redis.exceptions import RedisError

from world_bridge.config import Position
from world_bridge.protocol import Animation, PlayerInfo, PlayerPosition

logger = logging.getLogger(__name__)


class RoomBatch(BaseModel):
    """What players of one gateway did in one room during one tick, in the order to apply."""

    room: str
    left: list[str] = Field(default_factory=list)
    joined: list[PlayerInfo] = Field(default_factory=list)
    moves: list[PlayerPosition] = Field(default_factory=list)
    animations: list[Animation] = Field(default_factory=list)


# A room batch to deliver to this gateway's players.
Deliver = Callable[[RoomBatch], None]
# player_id, the connection id that keeps the player (every other one is closed)
Kick = Callable[[str, str], None]
# What a backplane call raises when the shared store is unreachable.
BACKPLANE_ERRORS = (RedisError, OSError)


class SessionRecord(BaseModel):
    """What a reconnecting player gets back: room, place, language, who already greeted."""

    player_id: str
    name: str
    token: str
    # The server's own name for this player's conversations (sender world:<key>:<npc>): a
    # player_id is chosen by the client and seen by the whole room, so it never names them.
    conversation_key: str = Field(default_factory=lambda: secrets.token_hex(16))
    language: str
    easy_mode: bool
    room: str | None
    position: Position
    greeted: list[str]


class Backplane(ABC):
    @abstractmethod
    async def start(self, deliver: Deliver, kick: Kick) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def publish(self, batch: RoomBatch) -> None:
        """Deliver a room's batch to the players in that room, on every replica."""

    @abstractmethod
    async def kick(self, player_id: str, *, keep_connection: str) -> None:
        """Close the player's other connections, wherever they are (the player reconnected)."""

    @abstractmethod
    async def set_presence(self, room: str, player: PlayerInfo) -> None: ...

    @abstractmethod
    async def set_presences(self, room: str, players: list[PlayerInfo]) -> None:
        """Several players' newest positions at once (once a tick)."""

    @abstractmethod
    async def remove_presence(self, room: str, player_id: str) -> None: ...

    @abstractmethod
    async def presence(self, room: str) -> list[PlayerInfo]: ...

    @abstractmethod
    async def save_session(self, record: SessionRecord, *, ttl_seconds: float) -> None: ...

    @abstractmethod
    async def load_session(self, player_id: str) -> SessionRecord | None: ...


_SWEEP_SECONDS = 5.0


class LocalBackplane(Backplane):
    """One gateway process: everything in memory."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None
        self._kick: Kick | None = None
        self._presence: dict[str, dict[str, PlayerInfo]] = {}
        self._sessions: dict[str, tuple[float, SessionRecord]] = {}
        self._next_sweep = 0.0

    async def start(self, deliver: Deliver, kick: Kick) -> None:
        self._deliver = deliver
        self._kick = kick

    async def close(self) -> None:
        self._presence.clear()
        self._sessions.clear()

    async def publish(self, batch: RoomBatch) -> None:
        assert self._deliver is not None, "start() first"
        self._deliver(batch)

    async def kick(self, player_id: str, *, keep_connection: str) -> None:
        assert self._kick is not None, "start() first"
        self._kick(player_id, keep_connection)

    async def set_presence(self, room: str, player: PlayerInfo) -> None:
        self._presence.setdefault(room, {})[player.player_id] = player

    async def set_presences(self, room: str, players: list[PlayerInfo]) -> None:
        present = self._presence.setdefault(room, {})
        for player in players:
            present[player.player_id] = player

    async def remove_presence(self, room: str, player_id: str) -> None:
        self._presence.get(room, {}).pop(player_id, None)

    async def presence(self, room: str) -> list[PlayerInfo]:
        return list(self._presence.get(room, {}).values())

    async def save_session(self, record: SessionRecord, *, ttl_seconds: float) -> None:
        now = time.monotonic()
        # Forget expired sessions as we go, so memory stays bounded by recent players; once a
        # few seconds, not on every save (a sweep per move was quadratic in players).
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_SECONDS
            for player_id, (expires, _) in list(self._sessions.items()):
                if expires < now:
                    del self._sessions[player_id]
        self._sessions[record.player_id] = (now + ttl_seconds, record)

    async def load_session(self, player_id: str) -> SessionRecord | None:
        entry = self._sessions.get(player_id)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]


class RedisBackplane(Backplane):
    """Several gateway replicas: pub/sub for events, keys for presence and sessions."""

    def __init__(self, url: str, *, prefix: str = "haechi:world:", stale_seconds: float) -> None:
        self._url = url
        self._prefix = prefix
        self._channel = f"{prefix}events"
        self._stale_seconds = stale_seconds
        self._redis: aioredis.Redis = aioredis.from_url(url, decode_responses=True)
        self._pubsub = self._redis.pubsub()
        self._listener: asyncio.Task[None] | None = None
        self._deliver: Deliver | None = None
        self._kick: Kick | None = None

    async def start(self, deliver: Deliver, kick: Kick) -> None:
        self._deliver = deliver
        self._kick = kick
        try:
            await self._redis.ping()
            await self._pubsub.subscribe(self._channel)
        except (RedisError, OSError) as error:
            await self.close()
            raise RuntimeError(
                f"HAECHI_REDIS_URL is set but Redis does not answer ({type(error).__name__}); "
                "start Redis or unset HAECHI_REDIS_URL to run one gateway without it"
            ) from error
        self._listener = asyncio.create_task(self._listen(), name="world-redis-listener")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        with contextlib.suppress(RedisError, OSError):
            await self._redis.aclose()

    async def _listen(self) -> None:
        while True:
            try:
                async for message in self._pubsub.listen():
                    if message.get("type") == "message":
                        self._dispatch(str(message["data"]))
            except (RedisError, OSError) as error:
                logger.warning(
                    "world: Redis subscription lost (%s); retrying", type(error).__name__
                )
                await asyncio.sleep(1.0)

    def _dispatch(self, data: str) -> None:
        assert self._deliver is not None and self._kick is not None
        try:
            event = orjson.loads(data)
            if "kick" in event:
                self._kick(str(event["kick"]), str(event["keep"]))
                return
            batch = RoomBatch.model_validate(event["batch"])
        except (ValueError, KeyError, TypeError, ValidationError):
            logger.warning("world: dropped a malformed event from Redis")
            return
        self._deliver(batch)

    async def publish(self, batch: RoomBatch) -> None:
        await self._redis.publish(self._channel, orjson.dumps({"batch": batch.model_dump()}))

    async def kick(self, player_id: str, *, keep_connection: str) -> None:
        event = {"kick": player_id, "keep": keep_connection}
        await self._redis.publish(self._channel, json.dumps(event))

    def _presence_key(self, room: str) -> str:
        return f"{self._prefix}presence:{room}"

    async def set_presence(self, room: str, player: PlayerInfo) -> None:
        entry = json.dumps({"seen": time.time(), "player": player.model_dump(mode="json")})
        await self._redis.hset(self._presence_key(room), player.player_id, entry)

    async def set_presences(self, room: str, players: list[PlayerInfo]) -> None:
        seen = time.time()
        entries = {
            player.player_id: orjson.dumps({"seen": seen, "player": player.model_dump()})
            for player in players
        }
        if entries:
            await self._redis.hset(self._presence_key(room), mapping=entries)  # type: ignore[arg-type]

    async def remove_presence(self, room: str, player_id: str) -> None:
        await self._redis.hdel(self._presence_key(room), player_id)

    async def presence(self, room: str) -> list[PlayerInfo]:
        raw = await self._redis.hgetall(self._presence_key(room))
        # A replica that died leaves its players behind; they stop being refreshed.
        oldest = time.time() - self._stale_seconds
        players: list[PlayerInfo] = []
        stale: list[str] = []
        for key, entry in raw.items():
            player_id = str(key)
            try:
                parsed = json.loads(entry)
                if float(parsed["seen"]) < oldest:
                    stale.append(player_id)
                    continue
                players.append(PlayerInfo.model_validate(parsed["player"]))
            except (ValueError, KeyError, TypeError, ValidationError):
                stale.append(player_id)
        if stale:
            await self._redis.hdel(self._presence_key(room), *stale)
        return players

    async def save_session(self, record: SessionRecord, *, ttl_seconds: float) -> None:
        key = f"{self._prefix}session:{record.player_id}"
        await self._redis.set(key, record.model_dump_json(), px=max(1, int(ttl_seconds * 1000)))

    async def load_session(self, player_id: str) -> SessionRecord | None:
        raw = await self._redis.get(f"{self._prefix}session:{player_id}")
        if raw is None:
            return None
        try:
            return SessionRecord.model_validate_json(raw)
        except ValidationError:
            return None
