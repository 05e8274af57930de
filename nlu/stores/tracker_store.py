"""Rasa's SQL tracker store, with SQLite set up for a server that writes every turn.

Rasa opens SQLite with its defaults (rollback journal, synchronous=FULL): each turn's save
waits for several fsyncs, ~15 ms on the machines we measured, more than the rest of Rasa's
own work on a turn. WAL with synchronous=NORMAL stays consistent after a crash and only risks
the last turns before a power cut. PostgreSQL (the scaled set-up) is left exactly as Rasa makes
it.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event


class TunedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
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
