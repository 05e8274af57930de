"""Live translation between players in the Fintech Lab (any room with `live_translation`).

A player `say`s something to the room; everyone there reads it in their own language,
machine-translated and marked as such, with the original beside it (`room_chat`). The
speaker's words go once to every gateway replica (in-process, or on the Redis channel
`<world prefix>room_chat` when HAECHI_REDIS_URL is set); each replica translates them for its
own players in the room, once per reading language, and sends each player their own
`room_chat`. Words are relayed, never stored.

A player reads in the language they last wrote in to the room, else their session's language
(the client's setting), so a Japanese visitor whose client is set to English reads Japanese
once they have written some. Translation goes through the agent (agent/translation.py) with the
installed packages; where none can, the original is shown, unmarked, with `translated: false`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Protocol

import redis.asyncio as aioredis
from pydantic import BaseModel, ValidationError

from agent.translation import TranslatingAgent
from world_bridge.config import Room
from world_bridge.connection import Connection, reason
from world_bridge.protocol import ProtocolError, RoomChat
from world_bridge.session import Session

logger = logging.getLogger(__name__)

# Players whose writing language this replica remembers (the oldest forgotten first).
MAX_WRITERS = 10_000

Readers = Callable[[str], Iterable[Connection]]


class RoomChatSource(BaseModel):
    """The speaker's words as they travel between replicas, before any translation."""

    room: str
    id: str
    player_id: str
    name: str
    text: str
    language: str


Deliver = Callable[[RoomChatSource], None]


class ChatRelay(Protocol):
    async def start(self, deliver: Deliver) -> None: ...

    async def publish(self, source: RoomChatSource) -> None: ...

    async def close(self) -> None: ...


class LocalChatRelay:
    """One gateway: the words go straight to this process's players."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def publish(self, source: RoomChatSource) -> None:
        assert self._deliver is not None, "start() first"
        self._deliver(source)

    async def close(self) -> None:
        self._deliver = None


class RedisChatRelay:
    """Every replica on one Redis channel; a failed publish raises (the player is told)."""

    def __init__(self, url: str, *, prefix: str) -> None:
        self._redis = aioredis.Redis.from_url(url, socket_connect_timeout=2, decode_responses=True)
        self._channel = f"{prefix}room_chat"
        self._pubsub: aioredis.client.PubSub | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self, deliver: Deliver) -> None:
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self._channel)
        self._reader = asyncio.create_task(self._read(self._pubsub, deliver))

    async def _read(self, pubsub: aioredis.client.PubSub, deliver: Deliver) -> None:
        while True:
            try:
                async for event in pubsub.listen():
                    if event.get("type") != "message":
                        continue
                    try:
                        deliver(RoomChatSource.model_validate_json(event["data"]))
                    except ValidationError:
                        logger.warning("world: an unreadable room chat message was dropped")
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Redis went away: say so once a second, keep trying
                logger.warning("world: room chat relay interrupted (%s)", type(error).__name__)
                await asyncio.sleep(1.0)

    async def publish(self, source: RoomChatSource) -> None:
        await self._redis.publish(self._channel, source.model_dump_json())

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()


def chat_relay_for(redis_url: str | None, prefix: str) -> ChatRelay:
    return RedisChatRelay(redis_url, prefix=prefix) if redis_url else LocalChatRelay()


class FintechRoom:
    """Room chat with live translation, in the rooms whose config asks for it."""

    def __init__(
        self, agent: TranslatingAgent, relay: ChatRelay, readers: Readers, *, max_chars: int
    ) -> None:
        self._agent = agent
        self._relay = relay
        self._readers = readers
        self._max_chars = max_chars
        self._writes_in: OrderedDict[str, str] = OrderedDict()
        self._in_order: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self._relay.start(self._deliver)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self._relay.close()

    def reading_language(self, session: Session) -> str:
        return self._writes_in.get(session.player_id) or session.language

    async def say(self, session: Session, room: Room, text: str) -> None:
        """Send a player's message to everyone in their room (themselves included)."""
        if not room.live_translation:
            raise ProtocolError(
                "no_room_chat",
                reason(
                    "this room has no room chat; talk to a guide instead",
                    "이 방에서는 방 대화를 할 수 없습니다. 안내원에게 말씀해 주세요",
                ),
            )
        text = text.strip()
        if not text:
            raise ProtocolError(
                "invalid_message", reason("text is blank", "메시지가 비어 있습니다")
            )
        if len(text) > self._max_chars:
            raise ProtocolError(
                "invalid_message",
                reason(
                    f"text is longer than {self._max_chars} characters",
                    f"메시지는 {self._max_chars}자까지 보낼 수 있습니다",
                ),
            )
        language = self._agent.identify(text) or self.reading_language(session)
        self._writes_in[session.player_id] = language
        self._writes_in.move_to_end(session.player_id)
        while len(self._writes_in) > MAX_WRITERS:
            self._writes_in.popitem(last=False)
        await self._relay.publish(
            RoomChatSource(
                room=room.id,
                id=secrets.token_hex(8),
                player_id=session.player_id,
                name=session.name,
                text=text,
                language=language,
            )
        )

    def _deliver(self, source: RoomChatSource) -> None:
        """Words said in a room (on any replica): translate them for this replica's readers."""
        readers = [
            connection
            for connection in self._readers(source.room)
            if connection.session is not None and not connection.closing
        ]
        if not readers:
            return
        lock = self._in_order.setdefault(source.room, asyncio.Lock())
        task = asyncio.create_task(self._translate_and_send(lock, source, readers))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _translate_and_send(
        self, lock: asyncio.Lock, source: RoomChatSource, readers: list[Connection]
    ) -> None:
        # Tasks take the room's lock in the order the words arrived: each reader gets a room's
        # messages in the order they were said, however long a translation takes.
        async with lock:
            by_language: dict[str, list[Connection]] = {}
            for connection in readers:
                if connection.session is not None:
                    language = self.reading_language(connection.session)
                    by_language.setdefault(language, []).append(connection)
            for language, connections in by_language.items():
                translated = await self._agent.translate_words(
                    source.text, source.language, language
                )
                for connection in connections:
                    if connection.session is not None:
                        connection.send(_frame(source, language, translated, connection.session))


def _frame(source: RoomChatSource, language: str, translated: str | None, reader: Session) -> str:
    same = source.language == language
    return RoomChat(
        room=source.room,
        id=source.id,
        player_id=source.player_id,
        name=source.name,
        mine=source.player_id == reader.player_id,
        text=translated if translated is not None else source.text,
        language=language if translated is not None else source.language,
        original=source.text,
        original_language=source.language,
        machine_translation=not same and translated is not None,
        translated=same or translated is not None,
    ).frame()
