"""Analytics events written behind the reply, in batches, by one background thread.

Every citizen message is counted (the gateway's turn counter, the action server's decision and
intent counts). Written inline, each count is a database commit (an fsync on SQLite) on the path
of the reply; queued, a batch of them costs one commit off that path. Counting never raises into
a conversation: a failed batch is logged and dropped, as an inline write would have been.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.analytics import BadEvent, record_event

logger = logging.getLogger(__name__)

BATCH = 200
# Queued events beyond this are dropped (and logged) rather than growing memory without bound
# when the database is down for a long time.
MAX_QUEUED = 10_000


class EventWriter:
    def __init__(self, sessions: Callable[[], Session], prepare: Callable[[], None]) -> None:
        self._sessions = sessions
        self._prepare = prepare
        self._prepared = False
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=MAX_QUEUED)
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0

    def record(self, event: dict[str, Any]) -> None:
        """Queue one event; returns at once."""
        self._ensure_thread()
        with self._idle:
            self._pending += 1
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()
            logger.warning("analytics queue full: event dropped")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued event is written (or dropped); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="analytics-writer", daemon=True
                )
                self._thread.start()
                atexit.register(self.flush, 5.0)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    break
                batch.append(item)
            self._write(batch)
            with self._idle:
                self._pending -= len(batch)
                self._idle.notify_all()

    def _write(self, batch: list[dict[str, Any]]) -> None:
        try:
            if not self._prepared:
                self._prepare()
                self._prepared = True
            with self._sessions() as session:
                for event in batch:
                    try:
                        record_event(session, commit=False, **event)
                    except BadEvent as error:  # refused before anything was added
                        logger.warning("analytics event not recorded: %s", error)
                session.commit()
        except SQLAlchemyError as error:
            logger.warning("%d analytics events not recorded: %s", len(batch), type(error).__name__)
