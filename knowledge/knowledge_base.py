"""The knowledge base a process opens: its database, its seed and its search index."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from knowledge.curation import record_unanswered
from knowledge.database import make_engine, make_session_factory, migrate
from knowledge.models import KnowledgeEntry
from knowledge.search import KnowledgeIndex, SearchOutcome
from knowledge.seeding import seed_if_empty

logger = logging.getLogger(__name__)


class KnowledgeBase:
    """Opened once per process; the index is built from the database on first use."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = make_session_factory(engine)
        self._index: KnowledgeIndex | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, database_url: str) -> KnowledgeBase:
        return cls(make_engine(database_url))

    @property
    def engine(self) -> Engine:
        return self._engine

    def index(self) -> KnowledgeIndex:
        with self._lock:
            if self._index is None:
                self._index = self._build_index()
            return self._index

    def _build_index(self) -> KnowledgeIndex:
        migrate(self._engine)
        with self._sessions() as session:
            try:
                added = seed_if_empty(session)
            except IntegrityError:
                # Another process (gateway or action server) seeded the empty base first.
                session.rollback()
                added = 0
            if added:
                logger.info("knowledge base seeded with %d entries", added)
            entries = list(
                session.scalars(select(KnowledgeEntry).where(KnowledgeEntry.status == "published"))
            )
        index = KnowledgeIndex(entries)
        logger.info("knowledge index built over %d published entries", len(index))
        return index

    def search(self, query: str, *, k: int = 5, collection: str | None = None) -> SearchOutcome:
        return self.index().search(query, k=k, collection=collection)

    def get(self, external_id: str) -> KnowledgeEntry | None:
        return self.index().get(external_id)

    def record_unanswered(
        self,
        question: str,
        *,
        language: str,
        channel: str,
        decision: str,
        top_external_id: str | None = None,
    ) -> None:
        """Keep what a citizen asked that the agent could not answer (masked, no session id)."""
        with self._sessions() as session:
            record_unanswered(
                session,
                question=question,
                language=language,
                channel=channel,
                decision=decision,
                top_external_id=top_external_id,
            )
