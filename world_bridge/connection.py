"""One player's WebSocket: an outbox drained by a writer task, a rate limit, a talk queue."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import WebSocket

from world_bridge.protocol import PROTOCOL_VERSION, Error, ErrorCode
from world_bridge.settings import WorldSettings

if TYPE_CHECKING:
    from world_bridge.session import Session

logger = logging.getLogger(__name__)

# Frames waiting for a slow client before the server gives up on it.
OUTBOX_LIMIT = 1000
# Protocol 2 ticks waiting for a slow client before they are dropped and the room resent.
TICK_BACKLOG = 20
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
    """Place in the outbox of the newest frame for `key` (a player's position, protocol 1)."""

    key: str


@dataclass(frozen=True)
class TickFrame:
    """A protocol-2 tick in the outbox; dropped with the others when the client falls behind."""

    frame: str


@dataclass(frozen=True)
class PendingTalk:
    room: str
    npc: str
    text: str
    from_button: bool


class Connection:
    """One WebSocket: two outboxes drained by a writer task, and the player's session once known.

    NPC replies (`npc_typing`, `npc_say`) wait in `replies`, which the writer empties first, so
    a reply never queues behind room traffic. Everything else keeps its order in `outbox`.
    """

    def __init__(self, websocket: WebSocket, settings: WorldSettings) -> None:
        self.id = uuid.uuid4().hex
        self.websocket = websocket
        self.protocol = PROTOCOL_VERSION
        self.replies: deque[str] = deque()
        # Protocol 1: a position waits in `latest` behind a Latest marker, and a newer one for
        # the same player replaces it in place, so a client that falls behind skips stale
        # positions. Protocol 2: ticks beyond TICK_BACKLOG are dropped and the room is sent
        # afresh (`needs_resync`): a slow client's backlog stays bounded either way.
        self.outbox: deque[str | Latest | TickFrame] = deque()
        self.latest: dict[str, str] = {}
        self.ticks_waiting = 0
        self.needs_resync = False
        # The view square the player stands in, and the one the client last had positions for
        # (protocol 2); the first is kept by presence.py as the player moves.
        self.cell: tuple[int, int] = (0, 0)
        self.view_cell: tuple[int, int] | None = None
        # Protocol 1: the players this client knows in its room, so an arrival it already saw
        # in `room_state` is not announced twice, nor a departure from before it came in.
        self.roster: set[str] = set()
        self.talks: asyncio.Queue[PendingTalk] = asyncio.Queue(maxsize=MAX_PENDING_TALKS)
        self.bucket = TokenBucket(settings.world_rate_per_second, settings.world_rate_burst)
        self.session: Session | None = None
        self.closing = False
        self.close_code = CLOSE_NORMAL
        self.replaced = False
        self.dropped_frames = 0
        self.last_rate_error = 0.0
        self._wakeup = asyncio.Event()

    def _room_for(self, count: int) -> bool:
        if len(self.replies) + len(self.outbox) + count > OUTBOX_LIMIT:
            logger.warning("world: closing a client that does not keep up")
            self.close(CLOSE_TRY_AGAIN)
            return False
        return True

    def _wake(self) -> None:
        if not self._wakeup.is_set():
            self._wakeup.set()

    def send(self, frame: str) -> None:
        """Queue a frame behind the room traffic already waiting."""
        if self.closing or not self._room_for(1):
            return
        self.outbox.append(frame)
        self._wake()

    def send_reply(self, frame: str) -> None:
        """Queue an NPC's reply ahead of room traffic."""
        if self.closing or not self._room_for(1):
            return
        self.replies.append(frame)
        self._wake()

    def send_latest(self, key: str, frame: str) -> None:
        if self.closing:
            return
        if key not in self.latest:
            self.outbox.append(Latest(key))
        self.latest[key] = frame
        self._wake()

    def send_tick(self, frame: str) -> None:
        if self.closing:
            return
        if self.ticks_waiting >= TICK_BACKLOG:
            self.outbox = deque(item for item in self.outbox if not isinstance(item, TickFrame))
            self.ticks_waiting = 0
            self.needs_resync = True
            return
        self.outbox.append(TickFrame(frame))
        self.ticks_waiting += 1
        self._wake()

    def error(self, code: ErrorCode, reason: str) -> None:
        self.send(Error(code=code, reason=reason).frame())

    def close(self, code: int) -> None:
        """Close after the frames already queued have gone out."""
        if not self.closing:
            self.closing = True
            self.close_code = code
            self._wake()

    def next_frame(self) -> str | None:
        """The frame the writer sends next, replies first; None when nothing waits."""
        if self.replies:
            return self.replies.popleft()
        if self.outbox:
            item = self.outbox.popleft()
            if isinstance(item, Latest):
                return self.latest.pop(item.key)
            if isinstance(item, TickFrame):
                self.ticks_waiting -= 1
                return item.frame
            return item
        return None

    async def write(self) -> None:
        """The writer task: send queued frames until closed and drained, then close the socket."""
        try:
            while True:
                frame = self.next_frame()
                if frame is not None:
                    await self.websocket.send_text(frame)
                    continue
                if self.closing:
                    break
                self._wakeup.clear()
                await self._wakeup.wait()
            await self.websocket.close(code=self.close_code)
        except Exception as error:  # the client went away mid-send; the reader sees it too
            logger.debug("world: send failed (%s)", type(error).__name__)
            self.closing = True
