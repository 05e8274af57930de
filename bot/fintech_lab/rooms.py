"""Fintech Lab rooms: two (or a few) people each write in their own language and read the
others' messages machine-translated into theirs, marked as such, with the original beside it.

Access rides on server-issued secrets only: creating a room returns an invite secret (what the
host shares with the other person) and a member token (what each participant's page sends as
a bearer token). Room and member ids are never enough to read or write. Rooms live in this
process's memory, are capped in number, size and idle time, and keep no message text on disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from knowledge.translation.identify import identify_language
from knowledge.translation.languages import LANGUAGE_NAMES
from knowledge.translation.translator import TranslationFailed, Translator

MAX_ROOMS = 1000
MAX_MEMBERS = 8
MAX_MESSAGES = 200
IDLE_SECONDS = 2 * 60 * 60


class RoomError(ValueError):
    """A request the rooms refuse; `status` is the HTTP status that says so."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def supported_language(code: str) -> str:
    base = code.strip().lower().replace("_", "-").split("-")[0]
    if base not in LANGUAGE_NAMES:
        raise RoomError(422, f"language {code!r} is not one the lab knows")
    return base


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
    translations: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Room:
    room_id: str
    invite_digest: str
    members: dict[str, Member] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    next_id: int = 1
    touched_at: float = 0.0
    listeners: set[asyncio.Queue[int]] = field(default_factory=set)


@dataclass(frozen=True)
class Ticket:
    """What a participant holds: the room, who they are, and their bearer token."""

    room_id: str
    member_id: str
    member_token: str
    language: str


class FintechLab:
    def __init__(self, translator: Translator, *, clock: Callable[[], float] = time.monotonic):
        self._translator = translator
        self._clock = clock
        self._rooms: dict[str, Room] = {}
        self._by_invite: dict[str, str] = {}
        self._by_token: dict[str, tuple[str, str]] = {}
        self._lock = asyncio.Lock()

    # Rooms and members -------------------------------------------------------------------

    def _expire(self) -> None:
        now = self._clock()
        for room in [r for r in self._rooms.values() if now - r.touched_at > IDLE_SECONDS]:
            self._drop(room)

    def _drop(self, room: Room) -> None:
        self._rooms.pop(room.room_id, None)
        self._by_invite.pop(room.invite_digest, None)
        for digest in [d for d, (room_id, _) in self._by_token.items() if room_id == room.room_id]:
            del self._by_token[digest]

    def _add_member(self, room: Room, name: str, language: str) -> Ticket:
        if len(room.members) >= MAX_MEMBERS:
            raise RoomError(409, "the room is full")
        member_id = secrets.token_hex(6)
        token = secrets.token_urlsafe(32)
        room.members[member_id] = Member(member_id=member_id, name=name, language=language)
        self._by_token[_digest(token)] = (room.room_id, member_id)
        return Ticket(room.room_id, member_id, token, language)

    async def create_room(self, *, name: str, language: str) -> tuple[Ticket, str]:
        """A new room with its host; returns the host's ticket and the invite secret."""
        language = supported_language(language)
        async with self._lock:
            self._expire()
            if len(self._rooms) >= MAX_ROOMS:
                raise RoomError(503, "too many rooms are open; try again later")
            invite = secrets.token_urlsafe(24)
            room = Room(
                room_id=secrets.token_hex(8),
                invite_digest=_digest(invite),
                touched_at=self._clock(),
            )
            self._rooms[room.room_id] = room
            self._by_invite[room.invite_digest] = room.room_id
            return self._add_member(room, name, language), invite

    async def join(self, *, invite: str, name: str, language: str) -> Ticket:
        language = supported_language(language)
        async with self._lock:
            self._expire()
            room_id = self._by_invite.get(_digest(invite))
            room = self._rooms.get(room_id) if room_id else None
            if room is None:
                raise RoomError(404, "no room for this invite (it may have expired)")
            room.touched_at = self._clock()
            return self._add_member(room, name, language)

    def _member(self, token: str) -> tuple[Room, Member]:
        found = self._by_token.get(_digest(token))
        room = self._rooms.get(found[0]) if found else None
        if found is None or room is None or found[1] not in room.members:
            raise RoomError(401, "not a member of an open room")
        return room, room.members[found[1]]

    def member_language(self, token: str) -> str:
        return self._member(token)[1].language

    # Messages ------------------------------------------------------------------------------

    async def post(self, token: str, text: str) -> dict[str, object]:
        text = text.strip()
        if not text:
            raise RoomError(422, "the message is empty")
        async with self._lock:
            self._expire()
            room, member = self._member(token)
            written_in = identify_language(text)
            language = (
                written_in if written_in and written_in in LANGUAGE_NAMES else member.language
            )
            message = Message(
                id=room.next_id,
                author_id=member.member_id,
                language=language,
                original=text,
                sent_at=time.time(),
            )
            room.next_id += 1
            room.messages.append(message)
            del room.messages[:-MAX_MESSAGES]
            room.touched_at = self._clock()
            listeners = list(room.listeners)
        for queue in listeners:
            if not queue.full():  # a reader too slow to keep up catches up by polling
                queue.put_nowait(message.id)
        return await self.view(token, message.id)

    async def messages_after(self, token: str, after: int) -> list[dict[str, object]]:
        async with self._lock:
            room, _ = self._member(token)
            ids = [message.id for message in room.messages if message.id > after]
        return [await self.view(token, message_id) for message_id in ids]

    async def view(self, token: str, message_id: int) -> dict[str, object]:
        """One message as this reader sees it: in their language when it can be translated."""
        async with self._lock:
            room, reader = self._member(token)
            message = next((m for m in room.messages if m.id == message_id), None)
            if message is None:
                raise RoomError(404, "no such message")
            author = room.members.get(message.author_id)
        target = reader.language
        translated: str | None = message.original
        if message.language != target:
            if target not in message.translations:
                message.translations[target] = await self._translate(
                    message.original, message.language, target
                )
            translated = message.translations[target]
        machine = message.language != target and translated is not None
        return {
            "id": message.id,
            "author": author.name if author else "",
            "mine": message.author_id == reader.member_id,
            "language": message.language,
            "original": message.original,
            "text": translated if translated is not None else message.original,
            "reader_language": target,
            "machine_translation": machine,
            "translated": message.language == target or translated is not None,
        }

    async def _translate(self, text: str, source: str, target: str) -> str | None:
        def run() -> str | None:
            if not self._translator.can_translate(source, target):
                return None
            try:
                return self._translator.translate(text, source, target)
            except TranslationFailed:
                return None

        return await asyncio.to_thread(run)

    # Live updates --------------------------------------------------------------------------

    async def listen(self, token: str) -> asyncio.Queue[int]:
        async with self._lock:
            room, _ = self._member(token)
            queue: asyncio.Queue[int] = asyncio.Queue(maxsize=MAX_MESSAGES)
            room.listeners.add(queue)
            return queue

    async def stop_listening(self, token: str, queue: asyncio.Queue[int]) -> None:
        async with self._lock:
            try:
                room, _ = self._member(token)
            except RoomError:
                return
            room.listeners.discard(queue)


def language_choices() -> list[dict[str, str]]:
    return [
        {"code": code, "ko": names[0], "en": names[1]} for code, names in LANGUAGE_NAMES.items()
    ]
