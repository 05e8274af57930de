"""One player's WebSocket: an outbox drained by a writer task, a rate limit, a talk queue."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import WebSocket

from world_bridge.protocol import Error, ErrorCode
from world_bridge.settings import WorldSettings

if TYPE_CHECKING:
    from world_bridge.session import Session

logger = logging.getLogger(__name__)

# Frames waiting for a slow client before the server gives up on it.
OUTBOX_LIMIT = 1000
# Talks waiting for the agent, per player; more get `busy`.
MAX_PENDING_TALKS = 3

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN = 1013
CLOSE_REPLACED = 4001


def reason(english: str, korean: str) -> str:
    """An error reason as clients show it: English, then Korean."""
    return f"{english} / {korean}"


class TokenBucket:
    """`rate` frames a second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass(frozen=True)
class Latest:
    """Place in the outbox of the newest frame for `key` (a player's position)."""

    key: str


@dataclass(frozen=True)
class PendingTalk:
    room: str
    npc: str
    text: str
    from_button: bool


class Connection:
    """One WebSocket: an outbox drained by a writer task, and the player's session once known."""

    def __init__(self, websocket: WebSocket, settings: WorldSettings) -> None:
        self.id = uuid.uuid4().hex
        self.websocket = websocket
        # Frames in order; None closes. A position waits in `latest` behind a Latest marker: a
        # newer one for the same player replaces it in place, so a client that falls behind
        # skips stale positions and its backlog stays bounded by the room, not by time.
        self.outbox: asyncio.Queue[str | Latest | None] = asyncio.Queue()
        self.latest: dict[str, str] = {}
        self.talks: asyncio.Queue[PendingTalk] = asyncio.Queue(maxsize=MAX_PENDING_TALKS)
        self.bucket = TokenBucket(settings.world_rate_per_second, settings.world_rate_burst)
        self.session: Session | None = None
        self.closing = False
        self.close_code = CLOSE_NORMAL
        self.replaced = False
        self.dropped_frames = 0
        self.last_rate_error = 0.0

    def send(self, frame: str) -> None:
        if self.closing:
            return
        if self.outbox.qsize() >= OUTBOX_LIMIT:
            logger.warning("world: closing a client that does not keep up")
            self.close(CLOSE_TRY_AGAIN)
            return
        self.outbox.put_nowait(frame)

    def send_latest(self, key: str, frame: str) -> None:
        if self.closing:
            return
        if key not in self.latest:
            self.outbox.put_nowait(Latest(key))
        self.latest[key] = frame

    def error(self, code: ErrorCode, reason: str) -> None:
        self.send(Error(code=code, reason=reason).frame())

    def close(self, code: int) -> None:
        """Close after the frames already queued have gone out."""
        if not self.closing:
            self.closing = True
            self.close_code = code
            self.outbox.put_nowait(None)

    async def write(self) -> None:
        """The writer task: send queued frames until the close marker, then close the socket."""
        try:
            while (item := await self.outbox.get()) is not None:
                frame = self.latest.pop(item.key) if isinstance(item, Latest) else item
                await self.websocket.send_text(frame)
            await self.websocket.close(code=self.close_code)
        except Exception as error:  # the client went away mid-send; the reader sees it too
            logger.debug("world: send failed (%s)", type(error).__name__)
            self.closing = True
