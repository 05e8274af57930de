"""Rasa's SQL tracker store, set up for a server that reads and writes every turn.

- SQLite: Rasa opens it with its defaults (rollback journal, synchronous=FULL): each turn's save
  waited for several fsyncs, ~15 ms on the machines we measured, more than the rest of Rasa's
  own work on a turn. WAL with synchronous=NORMAL stays consistent after a crash and only risks
  the last turns before a power cut. PostgreSQL (the scaled set-up) is left as Rasa makes it.
- Every turn Rasa read the whole conversation back: each event of the session as an ORM row,
  each parsed from JSON, about 20% of its work on a turn at 100 turns (py-spy, bench/
  chat_latency.py), growing with the conversation. Here the parsed events of recently active
  conversations are kept (as marshal bytes, so no caller ever shares or changes them) with the
  id of the newest row; a turn reads only the rows after it. Rows for one conversation are
  only ever appended, one turn at a time under the lock store (Redis across replicas), so
  "after the newest id I have seen" is exactly what other replicas wrote meanwhile. A new
  conversation session, or anything unexpected, reads the conversation afresh as Rasa does.
- The morphemes the gateway sends with a message (`metadata.morphemes`, knowledge/morphemes.py)
  serve that turn only (the tokenizer, the action server's search): they are not stored, which
  made each stored user event 40% smaller and every later turn's read and action call lighter.
"""

from __future__ import annotations

import json
import logging
import marshal
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event

logger = logging.getLogger(__name__)

# Parsed events kept for recently active conversations, in bytes of marshal data (about the
# size of their JSON). A 100-turn conversation is ~300 KB; one larger than a quarter of this
# is read from the database every turn, as Rasa does.
KNOWN_EVENTS_BYTES = 16 * 1024 * 1024
# Metadata that is for the turn only (see the module's docstring).
TURN_ONLY_METADATA = ("morphemes",)


@dataclass
class _Known:
    """A conversation's session as last read: its events and the newest row's id."""

    last_id: int
    session_start: float | None
    events: list[bytes]
    size: int


def stored_event(event_to_store: Event) -> dict[str, Any]:
    """The event as Rasa stores it, without the metadata that serves one turn only."""
    data = event_to_store.as_dict()
    if isinstance(event_to_store, UserUttered):
        for holder in (data.get("metadata"), (data.get("parse_data") or {}).get("metadata")):
            if isinstance(holder, dict):
                for key in TURN_ONLY_METADATA:
                    holder.pop(key, None)
    return data


class TunedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._known: OrderedDict[str, _Known] = OrderedDict()
        self._known_bytes = 0
        if self.engine.dialect.name != "sqlite":
            return

        @event.listens_for(self.engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        # Connections pooled while the tables were created predate the listener.
        self.engine.dispose()

    # -- reading --------------------------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the conversation's latest session (as Rasa's `retrieve`)."""
        known = self._forget(sender_id)
        with self.session_scope() as session:
            if known is not None:
                known = self._read_newer(session, sender_id, known)
            if known is None:
                known = self._read_session(session, sender_id)
        if not known.events:
            return None
        self._remember(sender_id, known)
        if not self.domain:  # as Rasa: no domain, no tracker
            return None
        events = [marshal.loads(data) for data in known.events]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _columns(self, query: Any) -> list[Any]:
        """Plain rows, not ORM objects: only what a tracker is rebuilt from."""
        table = self.SQLEvent
        return list(query.with_entities(table.id, table.type_name, table.timestamp, table.data))

    def _read_session(self, session: Any, sender_id: str) -> _Known:
        """Rasa's own query: the events since the latest session start, in id order."""
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        rows = self._columns(query)
        starts = [row.timestamp for row in rows if row.type_name == SessionStarted.type_name]
        known = _Known(last_id=0, session_start=max(starts, default=None), events=[], size=0)
        self._append(known, rows)
        return known

    def _read_newer(self, session: Any, sender_id: str, known: _Known) -> _Known | None:
        """`known` with the rows written since; None when the session must be read afresh."""
        table = self.SQLEvent
        query = (
            session.query(table)
            .filter(table.sender_id == sender_id, table.id > known.last_id)
            .order_by(table.id)
        )
        rows = self._columns(query)
        for row in rows:
            if row.type_name == SessionStarted.type_name:
                return None  # a new session: Rasa's query decides what belongs to it
            if known.session_start is not None and (row.timestamp or 0.0) < known.session_start:
                return None  # a clock behind the session start: Rasa's query would leave it out
        self._append(known, rows)
        return known

    @staticmethod
    def _append(known: _Known, rows: list[Any]) -> None:
        for row in rows:
            data = marshal.dumps(json.loads(row.data))
            known.events.append(data)
            known.size += len(data)
            known.last_id = max(known.last_id, row.id)

    def _forget(self, sender_id: str) -> _Known | None:
        known = self._known.pop(sender_id, None)
        if known is not None:
            self._known_bytes -= known.size
        return known

    def _remember(self, sender_id: str, known: _Known) -> None:
        if known.size > KNOWN_EVENTS_BYTES // 4:
            return
        self._known[sender_id] = known
        self._known_bytes += known.size
        while self._known_bytes > KNOWN_EVENTS_BYTES:
            _, oldest = self._known.popitem(last=False)
            self._known_bytes -= oldest.size

    # -- writing --------------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `save`, storing each event without its turn-only metadata."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for new_event in self._additional_events(session, tracker):
                data = stored_event(new_event)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=new_event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {})
                        .get("intent", {})
                        .get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        logger.debug("tracker of %s stored", tracker.sender_id)
