"""What gateway replicas share about the world: room fan-out, presence and resumable sessions.

`LocalBackplane` keeps it all in this process (one gateway, the default). `RedisBackplane`
shares it through Redis (`HAECHI_REDIS_URL`): events go out on one pub/sub channel that every
replica listens to and delivers to its own sockets; presence and sessions are Redis keys.
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

import redis.asyncio as aioredis
from pydantic import BaseModel, Field, ValidationError
from redis.exceptions import RedisError

from world_bridge.config import Position
from world_bridge.protocol import PlayerInfo

logger = logging.getLogger(__name__)

# room, frame (JSON text), player_id to leave out (or None), coalescing key (or None): of the
# frames with one key that wait for a slow client, only the newest is sent (positions).
Deliver = Callable[[str, str, str | None, str | None], None]
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
    async def publish(
        self, room: str, frame: str, *, exclude: str | None = None, key: str | None = None
    ) -> None:
        """Send a frame to every player in a room, on every replica."""

    @abstractmethod
    async def kick(self, player_id: str, *, keep_connection: str) -> None:
        """Close the player's other connections, wherever they are (the player reconnected)."""

    @abstractmethod
    async def set_presence(self, room: str, player: PlayerInfo) -> None: ...

    @abstractmethod
    async def remove_presence(self, room: str, player_id: str) -> None: ...

    @abstractmethod
    async def presence(self, room: str) -> list[PlayerInfo]: ...

    @abstractmethod
    async def save_session(self, record: SessionRecord, *, ttl_seconds: float) -> None: ...

    @abstractmethod
    async def load_session(self, player_id: str) -> SessionRecord | None: ...


class LocalBackplane(Backplane):
    """One gateway process: everything in memory."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None
        self._kick: Kick | None = None
        self._presence: dict[str, dict[str, PlayerInfo]] = {}
        self._sessions: dict[str, tuple[float, SessionRecord]] = {}

    async def start(self, deliver: Deliver, kick: Kick) -> None:
        self._deliver = deliver
        self._kick = kick

    async def close(self) -> None:
        self._presence.clear()
        self._sessions.clear()

    async def publish(
        self, room: str, frame: str, *, exclude: str | None = None, key: str | None = None
    ) -> None:
        assert self._deliver is not None, "start() first"
        self._deliver(room, frame, exclude, key)

    async def kick(self, player_id: str, *, keep_connection: str) -> None:
        assert self._kick is not None, "start() first"
        self._kick(player_id, keep_connection)

    async def set_presence(self, room: str, player: PlayerInfo) -> None:
        self._presence.setdefault(room, {})[player.player_id] = player

    async def remove_presence(self, room: str, player_id: str) -> None:
        self._presence.get(room, {}).pop(player_id, None)

    async def presence(self, room: str) -> list[PlayerInfo]:
        return list(self._presence.get(room, {}).values())

    async def save_session(self, record: SessionRecord, *, ttl_seconds: float) -> None:
        now = time.monotonic()
        # Forget expired sessions as we go, so memory stays bounded by recent players.
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
            event = json.loads(data)
            if "kick" in event:
                self._kick(str(event["kick"]), str(event["keep"]))
            else:
                room, frame = str(event["room"]), str(event["frame"])
                self._deliver(room, frame, event.get("exclude"), event.get("key"))
        except (ValueError, KeyError, TypeError):
            logger.warning("world: dropped a malformed event from Redis")

    async def publish(
        self, room: str, frame: str, *, exclude: str | None = None, key: str | None = None
    ) -> None:
        event = {"room": room, "frame": frame, "exclude": exclude, "key": key}
        await self._redis.publish(self._channel, json.dumps(event, ensure_ascii=False))

    async def kick(self, player_id: str, *, keep_connection: str) -> None:
        event = {"kick": player_id, "keep": keep_connection}
        await self._redis.publish(self._channel, json.dumps(event))

    def _presence_key(self, room: str) -> str:
        return f"{self._prefix}presence:{room}"

    async def set_presence(self, room: str, player: PlayerInfo) -> None:
        entry = json.dumps({"seen": time.time(), "player": player.model_dump(mode="json")})
        await self._redis.hset(self._presence_key(room), player.player_id, entry)

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
