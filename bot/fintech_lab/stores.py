"""Where Fintech Lab rooms live: this process's memory, or Redis shared by every replica.

`LocalRoomStore` is the embedded default (one gateway). `RedisRoomStore` is used when
HAECHI_REDIS_URL is set: rooms, members, messages and translations are Redis keys that expire
after the room's idle time, secrets are kept only as digests, and new messages are announced on
pub/sub, so two people on different replicas share one room and a restart loses nothing. No
message text is written to disk by either store (Redis persistence is the deployment's choice).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Protocol

import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

MAX_ROOMS = 1000
MAX_MEMBERS = 8
MAX_MESSAGES = 200
IDLE_SECONDS = 2 * 60 * 60
REDIS_PREFIX = "haechi:fintech:"


class RoomError(ValueError):
    """A request the rooms refuse; `status` is the HTTP status that says so."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Member:
    member_id: str
    name: str
    language: str


@dataclass
class Message:
    id: int
    author_id: str
    language: str
    original: str
    sent_at: float


class RoomStore(Protocol):
    async def create_room(self, room_id: str, invite_digest: str) -> None:
        """A new empty room; RoomError(503) when too many are open."""

    async def room_for_invite(self, invite_digest: str) -> str | None: ...

    async def add_member(self, room_id: str, member: Member, token_digest: str) -> None:
        """RoomError(404) when the room is gone, RoomError(409) when it is full."""

    async def member_for_token(self, token_digest: str) -> tuple[str, Member] | None: ...

    async def member(self, room_id: str, member_id: str) -> Member | None: ...

    async def append(self, room_id: str, author_id: str, language: str, text: str) -> Message:
        """Keep the message (the oldest beyond MAX_MESSAGES go) and tell the listeners."""

    async def messages_after(self, room_id: str, after: int) -> list[Message]: ...

    async def translation(
        self, room_id: str, message_id: int, language: str
    ) -> tuple[bool, str | None]:
        """(known, text): text None when a known translation could not be made."""

    async def keep_translation(
        self, room_id: str, message_id: int, language: str, text: str | None
    ) -> None: ...

    async def listen(self, room_id: str) -> asyncio.Queue[int]: ...

    async def stop_listening(self, room_id: str, queue: asyncio.Queue[int]) -> None: ...

    async def close(self) -> None: ...


@dataclass
class _Room:
    room_id: str
    invite_digest: str
    members: dict[str, Member] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    translations: dict[tuple[int, str], str | None] = field(default_factory=dict)
    next_id: int = 1
    touched_at: float = 0.0
    listeners: set[asyncio.Queue[int]] = field(default_factory=set)


def _notify(listeners: set[asyncio.Queue[int]], message_id: int) -> None:
    for queue in list(listeners):
        if not queue.full():  # a reader too slow to keep up catches up by polling
            queue.put_nowait(message_id)


class LocalRoomStore:
    """One gateway process: rooms in memory, dropped after IDLE_SECONDS without activity."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rooms: dict[str, _Room] = {}
        self._by_invite: dict[str, str] = {}
        self._by_token: dict[str, tuple[str, str]] = {}

    def _expire(self) -> None:
        now = self._clock()
        for room in [r for r in self._rooms.values() if now - r.touched_at > IDLE_SECONDS]:
            self._rooms.pop(room.room_id, None)
            self._by_invite.pop(room.invite_digest, None)
            gone = [d for d, (room_id, _) in self._by_token.items() if room_id == room.room_id]
            for digest in gone:
                del self._by_token[digest]

    def _room(self, room_id: str) -> _Room:
        self._expire()
        room = self._rooms.get(room_id)
        if room is None:
            raise RoomError(404, "the room has closed")
        room.touched_at = self._clock()
        return room

    async def create_room(self, room_id: str, invite_digest: str) -> None:
        self._expire()
        if len(self._rooms) >= MAX_ROOMS:
            raise RoomError(503, "too many rooms are open; try again later")
        self._rooms[room_id] = _Room(room_id, invite_digest, touched_at=self._clock())
        self._by_invite[invite_digest] = room_id

    async def room_for_invite(self, invite_digest: str) -> str | None:
        self._expire()
        return self._by_invite.get(invite_digest)

    async def add_member(self, room_id: str, member: Member, token_digest: str) -> None:
        room = self._room(room_id)
        if len(room.members) >= MAX_MEMBERS:
            raise RoomError(409, "the room is full")
        room.members[member.member_id] = member
        self._by_token[token_digest] = (room_id, member.member_id)

    async def member_for_token(self, token_digest: str) -> tuple[str, Member] | None:
        self._expire()
        found = self._by_token.get(token_digest)
        room = self._rooms.get(found[0]) if found else None
        if found is None or room is None or found[1] not in room.members:
            return None
        return room.room_id, room.members[found[1]]

    async def member(self, room_id: str, member_id: str) -> Member | None:
        room = self._rooms.get(room_id)
        return room.members.get(member_id) if room else None

    async def append(self, room_id: str, author_id: str, language: str, text: str) -> Message:
        room = self._room(room_id)
        message = Message(room.next_id, author_id, language, text, time.time())
        room.next_id += 1
        room.messages.append(message)
        del room.messages[:-MAX_MESSAGES]
        _notify(room.listeners, message.id)
        return message

    async def messages_after(self, room_id: str, after: int) -> list[Message]:
        room = self._rooms.get(room_id)
        return [m for m in room.messages if m.id > after] if room else []

    async def translation(
        self, room_id: str, message_id: int, language: str
    ) -> tuple[bool, str | None]:
        room = self._rooms.get(room_id)
        if room is None or (message_id, language) not in room.translations:
            return False, None
        return True, room.translations[(message_id, language)]

    async def keep_translation(
        self, room_id: str, message_id: int, language: str, text: str | None
    ) -> None:
        room = self._rooms.get(room_id)
        if room is not None:
            room.translations[(message_id, language)] = text

    async def listen(self, room_id: str) -> asyncio.Queue[int]:
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=MAX_MESSAGES)
        self._room(room_id).listeners.add(queue)
        return queue

    async def stop_listening(self, room_id: str, queue: asyncio.Queue[int]) -> None:
        room = self._rooms.get(room_id)
        if room is not None:
            room.listeners.discard(queue)

    async def close(self) -> None:
        self._rooms.clear()


class RedisRoomStore:
    """Rooms shared by every gateway replica on one Redis.

    Keys under the prefix: `rooms` (a sorted set of open rooms by last activity, for the cap),
    `invite:<digest>` and `token:<digest>` (secrets by digest only), and per room `room:<id>:*`
    (members hash, messages list, next id, translations hash), all expiring after IDLE_SECONDS
    without activity. New message ids go out on the channel `live:<room>`.
    """

    def __init__(self, url: str, *, prefix: str = REDIS_PREFIX) -> None:
        self._redis = aioredis.Redis.from_url(url, socket_connect_timeout=2, decode_responses=True)
        self._prefix = prefix
        self._listeners: dict[str, set[asyncio.Queue[int]]] = {}
        self._pubsub: aioredis.client.PubSub | None = None
        self._reader: asyncio.Task[None] | None = None

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    def _room_keys(self, room_id: str) -> list[str]:
        return [self._key("room", room_id, part) for part in ("members", "messages", "next", "tr")]

    async def _touch(self, room_id: str) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(self._key("rooms"), {room_id: time.time()})
            for key in self._room_keys(room_id):
                pipe.expire(key, IDLE_SECONDS)
            await pipe.execute()

    async def _is_open(self, room_id: str) -> bool:
        score = await self._redis.zscore(self._key("rooms"), room_id)
        return score is not None and time.time() - float(score) <= IDLE_SECONDS

    async def create_room(self, room_id: str, invite_digest: str) -> None:
        rooms = self._key("rooms")
        await self._redis.zremrangebyscore(rooms, "-inf", time.time() - IDLE_SECONDS)
        if await self._redis.zcard(rooms) >= MAX_ROOMS:
            raise RoomError(503, "too many rooms are open; try again later")
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(rooms, {room_id: time.time()})
            pipe.set(self._key("invite", invite_digest), room_id, ex=IDLE_SECONDS)
            pipe.set(self._key("room", room_id, "next"), 0, ex=IDLE_SECONDS)
            await pipe.execute()

    async def room_for_invite(self, invite_digest: str) -> str | None:
        found = await self._redis.get(self._key("invite", invite_digest))
        room_id = str(found) if found is not None else None
        if room_id is None or not await self._is_open(room_id):
            return None
        return room_id

    async def add_member(self, room_id: str, member: Member, token_digest: str) -> None:
        if not await self._is_open(room_id):
            raise RoomError(404, "the room has closed")
        members = self._key("room", room_id, "members")
        if await self._redis.hlen(members) >= MAX_MEMBERS:
            raise RoomError(409, "the room is full")
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(members, member.member_id, json.dumps(asdict(member)))
            pipe.set(
                self._key("token", token_digest), f"{room_id} {member.member_id}", ex=IDLE_SECONDS
            )
            await pipe.execute()
        await self._touch(room_id)

    async def member_for_token(self, token_digest: str) -> tuple[str, Member] | None:
        key = self._key("token", token_digest)
        found = await self._redis.get(key)
        if found is None:
            return None
        room_id, _, member_id = str(found).partition(" ")
        if not await self._is_open(room_id):
            return None
        member = await self.member(room_id, member_id)
        if member is None:
            return None
        await self._redis.expire(key, IDLE_SECONDS)  # a member in use stays one
        return room_id, member

    async def member(self, room_id: str, member_id: str) -> Member | None:
        raw = await self._redis.hget(self._key("room", room_id, "members"), member_id)
        return Member(**json.loads(raw)) if raw else None

    async def append(self, room_id: str, author_id: str, language: str, text: str) -> Message:
        if not await self._is_open(room_id):
            raise RoomError(404, "the room has closed")
        message_id = int(await self._redis.incr(self._key("room", room_id, "next")))
        message = Message(message_id, author_id, language, text, time.time())
        messages = self._key("room", room_id, "messages")
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(messages, json.dumps(asdict(message), ensure_ascii=False))
            pipe.ltrim(messages, -MAX_MESSAGES, -1)
            pipe.publish(self._key("live", room_id), str(message_id))
            await pipe.execute()
        await self._touch(room_id)
        return message

    async def messages_after(self, room_id: str, after: int) -> list[Message]:
        raw = await self._redis.lrange(self._key("room", room_id, "messages"), 0, -1)
        messages = [Message(**json.loads(item)) for item in raw]
        return sorted((m for m in messages if m.id > after), key=lambda m: m.id)

    async def translation(
        self, room_id: str, message_id: int, language: str
    ) -> tuple[bool, str | None]:
        raw = await self._redis.hget(self._key("room", room_id, "tr"), f"{message_id}:{language}")
        if raw is None:
            return False, None
        text = json.loads(raw)
        return True, text if isinstance(text, str) else None

    async def keep_translation(
        self, room_id: str, message_id: int, language: str, text: str | None
    ) -> None:
        key = self._key("room", room_id, "tr")
        await self._redis.hset(
            key, f"{message_id}:{language}", json.dumps(text, ensure_ascii=False)
        )
        await self._redis.expire(key, IDLE_SECONDS)

    async def listen(self, room_id: str) -> asyncio.Queue[int]:
        if self._reader is None:
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            await self._pubsub.psubscribe(self._key("live", "*"))
            self._reader = asyncio.create_task(self._read(self._pubsub))
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=MAX_MESSAGES)
        self._listeners.setdefault(room_id, set()).add(queue)
        return queue

    async def _read(self, pubsub: aioredis.client.PubSub) -> None:
        """Hand each announced message id to this replica's listeners of that room."""
        live = self._key("live", "")
        while True:
            try:
                async for event in pubsub.listen():
                    if event.get("type") != "pmessage":
                        continue
                    room_id = str(event["channel"]).removeprefix(live)
                    with contextlib.suppress(ValueError):
                        _notify(self._listeners.get(room_id, set()), int(event["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Redis went away: listeners fall back to polling
                logger.warning("fintech lab: live updates interrupted (%s)", type(error).__name__)
                await asyncio.sleep(1.0)

    async def stop_listening(self, room_id: str, queue: asyncio.Queue[int]) -> None:
        listeners = self._listeners.get(room_id)
        if listeners is not None:
            listeners.discard(queue)
            if not listeners:
                del self._listeners[room_id]

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()


def room_store_for(redis_url: str | None, prefix: str = "haechi:") -> RoomStore:
    """Redis when the deployment has one (replicas share rooms), else this process's memory."""
    if redis_url:
        return RedisRoomStore(redis_url, prefix=f"{prefix}fintech:")
    return LocalRoomStore()
