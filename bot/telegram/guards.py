"""Small in-process guards: seen update ids, a per-user rate limit and per-chat ordering.

They protect one process from repeats and bursts. The conversation itself lives in the agent's
tracker, so a restart or a second webhook worker loses nothing but this short-term memory.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import Enum


class RecentKeys:
    """A bounded set that remembers the most recent keys (update ids, edited message ids)."""

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._keys: OrderedDict[Hashable, None] = OrderedDict()

    def add(self, key: Hashable) -> bool:
        """Remember `key`; False when it was already there."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self._capacity:
            self._keys.popitem(last=False)
        return True


class Verdict(Enum):
    ALLOWED = "allowed"
    NOTIFY = "notify"  # over the limit: tell the citizen once
    SILENT = "silent"  # still over the limit: already told


@dataclass
class _Window:
    times: deque[float] = field(default_factory=deque)
    notified: bool = False


class RateLimiter:
    """At most `max_events` per user in any `window_seconds`; one polite notice per burst."""

    def __init__(
        self,
        max_events: int = 8,
        window_seconds: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 50_000,
    ) -> None:
        self.max_events = max_events
        self.window_seconds = window_seconds
        self._clock = clock
        self._max_users = max_users
        self._users: OrderedDict[int, _Window] = OrderedDict()

    def check(self, user_id: int) -> Verdict:
        now = self._clock()
        window = self._users.pop(user_id, None) or _Window()
        self._users[user_id] = window  # most recently active last
        if len(self._users) > self._max_users:
            self._users.popitem(last=False)
        while window.times and now - window.times[0] >= self.window_seconds:
            window.times.popleft()
        if len(window.times) < self.max_events:
            window.times.append(now)
            window.notified = False
            return Verdict.ALLOWED
        if window.notified:
            return Verdict.SILENT
        window.notified = True
        return Verdict.NOTIFY


class ChatLocks:
    """One lock per chat, so a chat's messages reach the agent and come back in order."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if self._users[chat_id] == 0:
                del self._users[chat_id]
                del self._locks[chat_id]
