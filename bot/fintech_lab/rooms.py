"""Fintech Lab rooms: two (or a few) people each write in their own language and read the
others' messages machine-translated into theirs, marked as such, with the original beside it.

Access rides on server-issued secrets only: creating a room returns an invite secret (what the
host shares with the other person) and a member token (what each participant's page sends as
a bearer token). Room and member ids are never enough to read or write. Rooms live in a store
(bot/fintech_lab/stores.py): this process's memory by default, Redis shared by every gateway
replica when HAECHI_REDIS_URL is set. They are capped in number, size and idle time, and keep no
message text on disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass

from bot.fintech_lab.stores import LocalRoomStore, Member, RoomError, RoomStore
from knowledge.translation.identify import identify_language
from knowledge.translation.languages import LANGUAGE_NAMES
from knowledge.translation.translator import TranslationFailed, Translator

__all__ = ["FintechLab", "RoomError", "Ticket", "language_choices"]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def supported_language(code: str) -> str:
    base = code.strip().lower().replace("_", "-").split("-")[0]
    if base not in LANGUAGE_NAMES:
        raise RoomError(422, f"language {code!r} is not one the lab knows")
    return base


@dataclass(frozen=True)
class Ticket:
    """What a participant holds: the room, who they are, and their bearer token."""

    room_id: str
    member_id: str
    member_token: str
    language: str


class FintechLab:
    def __init__(self, translator: Translator, store: RoomStore | None = None) -> None:
        self._translator = translator
        self._store: RoomStore = store or LocalRoomStore()

    async def close(self) -> None:
        await self._store.close()

    # Rooms and members -------------------------------------------------------------------

    async def _add_member(self, room_id: str, name: str, language: str) -> Ticket:
        member = Member(member_id=secrets.token_hex(6), name=name, language=language)
        token = secrets.token_urlsafe(32)
        await self._store.add_member(room_id, member, _digest(token))
        return Ticket(room_id, member.member_id, token, language)

    async def create_room(self, *, name: str, language: str) -> tuple[Ticket, str]:
        """A new room with its host; returns the host's ticket and the invite secret."""
        language = supported_language(language)
        invite = secrets.token_urlsafe(24)
        room_id = secrets.token_hex(8)
        await self._store.create_room(room_id, _digest(invite))
        return await self._add_member(room_id, name, language), invite

    async def join(self, *, invite: str, name: str, language: str) -> Ticket:
        language = supported_language(language)
        room_id = await self._store.room_for_invite(_digest(invite))
        if room_id is None:
            raise RoomError(404, "no room for this invite (it may have expired)")
        return await self._add_member(room_id, name, language)

    async def _member(self, token: str) -> tuple[str, Member]:
        found = await self._store.member_for_token(_digest(token))
        if found is None:
            raise RoomError(401, "not a member of an open room")
        return found

    async def member_language(self, token: str) -> str:
        return (await self._member(token))[1].language

    # Messages ------------------------------------------------------------------------------

    async def post(self, token: str, text: str) -> dict[str, object]:
        text = text.strip()
        if not text:
            raise RoomError(422, "the message is empty")
        room_id, member = await self._member(token)
        written_in = identify_language(text)
        language = written_in if written_in and written_in in LANGUAGE_NAMES else member.language
        message = await self._store.append(room_id, member.member_id, language, text)
        return await self.view(token, message.id)

    async def messages_after(self, token: str, after: int) -> list[dict[str, object]]:
        room_id, _ = await self._member(token)
        ids = [message.id for message in await self._store.messages_after(room_id, after)]
        return [await self.view(token, message_id) for message_id in ids]

    async def view(self, token: str, message_id: int) -> dict[str, object]:
        """One message as this reader sees it: in their language when it can be translated."""
        room_id, reader = await self._member(token)
        found = await self._store.messages_after(room_id, message_id - 1)
        message = next((m for m in found if m.id == message_id), None)
        if message is None:
            raise RoomError(404, "no such message")
        author = await self._store.member(room_id, message.author_id)
        target = reader.language
        translated: str | None = message.original
        if message.language != target:
            known, translated = await self._store.translation(room_id, message.id, target)
            if not known:
                translated = await self._translate(message.original, message.language, target)
                await self._store.keep_translation(room_id, message.id, target, translated)
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
        room_id, _ = await self._member(token)
        return await self._store.listen(room_id)

    async def stop_listening(self, token: str, queue: asyncio.Queue[int]) -> None:
        try:
            room_id, _ = await self._member(token)
        except RoomError:
            return
        await self._store.stop_listening(room_id, queue)


def language_choices() -> list[dict[str, str]]:
    return [
        {"code": code, "ko": names[0], "en": names[1]} for code, names in LANGUAGE_NAMES.items()
    ]
