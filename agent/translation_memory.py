"""What the translating agent remembers of a conversation: the visitor's language and the
originals behind the last "show original" button.

`LocalTranslationMemory` keeps it in this process (bounded, the embedded default).
`RedisTranslationMemory` keeps it in Redis (`HAECHI_REDIS_URL`), so every gateway replica and
the Telegram worker see the same conversation the same way, and a restart forgets nothing.
Only the agent's own replies are kept, never the visitor's text, and they expire with the
conversation. An unreachable Redis costs the memory, never the reply: the conversation then
goes on from what the next message shows.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

import redis.asyncio as aioredis
from pydantic import BaseModel, ValidationError
from redis.exceptions import RedisError

from agent.reply import ReplyMessage

logger = logging.getLogger(__name__)

PIVOT = "en"
MAX_LOCAL_SESSIONS = 10_000
# A day: longer than a conversation, short enough that no reply text lingers.
TTL_SECONDS = 24 * 60 * 60
REDIS_PREFIX = "haechi:translation:"


@dataclass
class VisitorSession:
    # The visitor's own language when it is neither Korean nor English.
    foreign: str | None = None
    # Korean or English: the language the agent answers in when it cannot translate.
    base: str = PIVOT
    originals: list[ReplyMessage] = field(default_factory=list)


class _Stored(BaseModel):
    foreign: str | None = None
    base: str = PIVOT
    originals: list[ReplyMessage] = []


class TranslationMemory(Protocol):
    async def load(self, key: str) -> VisitorSession | None:
        """The conversation's memory, or None when it has none (new, expired or unreachable)."""

    async def save(self, key: str, session: VisitorSession) -> None: ...

    async def close(self) -> None: ...


class LocalTranslationMemory:
    """This process only: the most recent conversations, the oldest forgotten first."""

    def __init__(self, max_sessions: int = MAX_LOCAL_SESSIONS) -> None:
        self._max_sessions = max_sessions
        self._sessions: OrderedDict[str, VisitorSession] = OrderedDict()

    async def load(self, key: str) -> VisitorSession | None:
        session = self._sessions.get(key)
        if session is not None:
            self._sessions.move_to_end(key)
        return session

    async def save(self, key: str, session: VisitorSession) -> None:
        self._sessions[key] = session
        self._sessions.move_to_end(key)
        while len(self._sessions) > self._max_sessions:
            self._sessions.popitem(last=False)

    async def close(self) -> None:
        self._sessions.clear()


class RedisTranslationMemory:
    """Shared by every process on one Redis: a JSON value per conversation, with a TTL."""

    def __init__(
        self, url: str, *, prefix: str = REDIS_PREFIX, ttl_seconds: int = TTL_SECONDS
    ) -> None:
        self._redis = aioredis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
        self._prefix = prefix
        self._ttl_seconds = ttl_seconds

    async def load(self, key: str) -> VisitorSession | None:
        try:
            raw = await self._redis.get(self._prefix + key)
        except (RedisError, OSError) as error:
            logger.warning("translation memory unavailable (%s)", type(error).__name__)
            return None
        if raw is None:
            return None
        try:
            stored = _Stored.model_validate_json(raw)
        except ValidationError:
            logger.warning("translation memory: an unreadable record was dropped")
            return None
        return VisitorSession(
            foreign=stored.foreign, base=stored.base, originals=list(stored.originals)
        )

    async def save(self, key: str, session: VisitorSession) -> None:
        stored = _Stored(foreign=session.foreign, base=session.base, originals=session.originals)
        try:
            await self._redis.set(
                self._prefix + key, stored.model_dump_json(exclude_none=True), ex=self._ttl_seconds
            )
        except (RedisError, OSError) as error:
            logger.warning("translation memory unavailable (%s)", type(error).__name__)

    async def close(self) -> None:
        await self._redis.aclose()


def translation_memory_for(redis_url: str | None, prefix: str = "haechi:") -> TranslationMemory:
    """Redis when the deployment has one (replicas share it), else this process's memory."""
    if redis_url:
        return RedisTranslationMemory(redis_url, prefix=f"{prefix}translation:")
    return LocalTranslationMemory()
