"""The knowledge base a process opens: its database, its seed and its search index."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from knowledge import morphemes
from knowledge.curation import record_unanswered
from knowledge.database import make_engine, make_session_factory, migrate
from knowledge.dense_index import DenseIndex
from knowledge.embeddings import (
    BackendName,
    Embedder,
    get_embedding_settings,
    model_slug,
    open_embedder,
)
from knowledge.event_writer import EventWriter
from knowledge.landmarks.store import load_landmarks
from knowledge.models import KnowledgeEntry, KnowledgeRevision
from knowledge.search import KnowledgeIndex, SearchOutcome
from knowledge.seeding import seed_if_empty
from knowledge.term_cache import TermCache

logger = logging.getLogger(__name__)

# How often a process looks for entries changed by another process (the staff console, an
# import from the command line): one indexed max() query at most this often.
SYNC_SECONDS = 2.0


class KnowledgeBase:
    """Opened once per process; the index is built from the database on first use (or by
    `warm_up` at start) and follows the database's revision history from then on.

    The dense half of the index is saved under <data_dir>/index/<model>/ and the passage vectors
    under <data_dir>/embeddings/, so a restart re-embeds only entries whose text changed.
    Every curation write appends a revision, so the revision table is the change feed: any
    process (action server, gateway) picks up what another one published or archived, entry by
    entry, without a rebuild.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        data_dir: Path | None = None,
        embedding_backend: BackendName | None = None,
        embedding_model: str | None = None,
        sync_seconds: float = SYNC_SECONDS,
        keep_analyser: bool = True,
    ) -> None:
        self._engine = engine
        # False where messages arrive already analysed (the action server): Kiwi is then loaded
        # only to index entries and dropped after.
        self._keep_analyser = keep_analyser
        self._sessions = make_session_factory(engine)
        self._index: KnowledgeIndex | None = None
        self._lock = threading.Lock()
        self._data_dir = data_dir or get_embedding_settings().data_dir
        self._backend = embedding_backend
        self._model = embedding_model
        self._embedder: Embedder | None = None
        self._sync_seconds = sync_seconds
        self._synced_revision = 0
        self._checked_at = 0.0
        self._sync_lock = threading.Lock()
        self._sync_thread: threading.Thread | None = None
        self._events = EventWriter(self._sessions, self._migrate_for_events)

    @classmethod
    def open(
        cls,
        database_url: str,
        *,
        data_dir: Path | None = None,
        embedding_backend: BackendName | None = None,
        embedding_model: str | None = None,
        keep_analyser: bool = True,
    ) -> KnowledgeBase:
        return cls(
            make_engine(database_url),
            data_dir=data_dir,
            embedding_backend=embedding_backend,
            embedding_model=embedding_model,
            keep_analyser=keep_analyser,
        )

    @property
    def engine(self) -> Engine:
        return self._engine

    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = open_embedder(self._backend, self._model, data_dir=self._data_dir)
        return self._embedder

    def _index_folder(self) -> Path:
        return self._data_dir / "index" / model_slug(self.embedder().name)

    def index(self) -> KnowledgeIndex:
        with self._lock:
            if self._index is None:
                self._index = self._build_index()
                self._release_analyser()
            return self._index

    def _release_analyser(self) -> None:
        if not self._keep_analyser:
            morphemes.release()

    def warm_up(self) -> threading.Thread:
        """Build the index (and load the model) in the background, so the first citizen to ask
        does not wait for it; callers that need it wait on the lock inside `index()`."""

        def build() -> None:
            started = time.monotonic()
            try:
                index = self.index()
                # One query loads the query encoder too.
                index.search("서울시 120 다산콜센터")
            except Exception:
                logger.exception("knowledge index warm-up failed; the first search retries")
                return
            logger.info("knowledge index warm in %.1f s", time.monotonic() - started)
            # From now on follow the revision feed on our own, so an entry staff publish is
            # answered within seconds, not only after some citizen's search starts a sync.
            self.follow()

        thread = threading.Thread(target=build, name="knowledge-warm-up", daemon=True)
        thread.start()
        return thread

    def follow(self) -> threading.Thread:
        """Sync every SYNC_SECONDS in a background thread for the life of the process."""

        def loop() -> None:
            while True:
                time.sleep(self._sync_seconds)
                try:
                    self.sync()
                except Exception:
                    logger.exception("knowledge index sync failed; will retry")

        thread = threading.Thread(target=loop, name="knowledge-follow", daemon=True)
        thread.start()
        return thread

    def _latest_revision(self) -> int:
        with self._sessions() as session:
            return int(session.scalar(select(func.max(KnowledgeRevision.id))) or 0)

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
            try:
                landmarks = load_landmarks(session)
            except IntegrityError:
                session.rollback()  # the other process wrote them first
                landmarks = 0
            if landmarks:
                logger.info("landmark facts loaded for %d landmarks", landmarks)
        # Read the feed's position before the entries: a change landing in between is applied
        # again by the next sync, which is harmless (upserts of unchanged text are no-ops).
        self._synced_revision = self._latest_revision()
        self._checked_at = time.monotonic()
        with self._sessions() as session:
            entries = list(
                session.scalars(select(KnowledgeEntry).where(KnowledgeEntry.status == "published"))
            )
        embedder = self.embedder()
        saved = DenseIndex.load(self._index_folder(), embedder.name)
        index = KnowledgeIndex(
            entries,
            embedder=embedder,
            dense=saved,
            term_cache=TermCache(self._data_dir / "index" / "terms.sqlite"),
        )
        self._save(index)
        logger.info("knowledge index built over %d published entries", len(index))
        return index

    def _save(self, index: KnowledgeIndex) -> None:
        dense = index.dense_index
        if dense is None:
            return
        try:
            dense.save(self._index_folder())
        except OSError:
            # A read-only data folder costs a slower next start, not a failed one.
            logger.warning("could not save the dense index under %s", self._index_folder())

    def refresh_entry(self, external_id: str) -> None:
        """Bring one entry's index state in line with the database now (after this process
        published or archived it); other processes catch up through `sync`."""
        with self._sessions() as session:
            entry = session.scalar(
                select(KnowledgeEntry).where(KnowledgeEntry.external_id == external_id)
            )
        index = self.index()
        if entry is None:
            index.remove(external_id)
        else:
            index.upsert_many([entry])
        self._save(index)

    def sync(self, *, force: bool = False) -> int:
        """Apply entries changed since the last sync (by any process); returns how many.

        Checked at most every SYNC_SECONDS unless forced; a second caller while a sync runs
        goes on with the current index instead of waiting.
        """
        if self._index is None:
            return 0
        now = time.monotonic()
        if not force and now - self._checked_at < self._sync_seconds:
            return 0
        if not self._sync_lock.acquire(blocking=force):
            return 0
        try:
            self._checked_at = now
            latest = self._latest_revision()
            if latest <= self._synced_revision:
                return 0
            with self._sessions() as session:
                changed_ids = select(KnowledgeRevision.entry_id).where(
                    KnowledgeRevision.id > self._synced_revision,
                    KnowledgeRevision.id <= latest,
                )
                changed = list(
                    session.scalars(
                        select(KnowledgeEntry).where(KnowledgeEntry.id.in_(changed_ids))
                    )
                )
            self._index.upsert_many(changed)
            self._release_analyser()
            self._synced_revision = latest
            self._save(self._index)
            logger.info("knowledge index synced %d changed entries", len(changed))
            return len(changed)
        finally:
            self._sync_lock.release()

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        collection: str | None = None,
        language: str | None = None,
    ) -> SearchOutcome:
        index = self.index()
        self._sync_in_background()
        return index.search(query, k=k, collection=collection, language=language)

    def _sync_in_background(self) -> None:
        # A bulk publish can mean minutes of embedding; the citizen who happens to ask next
        # gets an answer from the current index instead of waiting for it.
        if time.monotonic() - self._checked_at < self._sync_seconds:
            return
        if self._sync_thread is not None and self._sync_thread.is_alive():
            return

        def run() -> None:
            try:
                self.sync()
            except Exception:
                logger.exception("knowledge index sync failed; will retry")

        self._sync_thread = threading.Thread(target=run, name="knowledge-sync", daemon=True)
        self._sync_thread.start()

    def get(self, external_id: str) -> KnowledgeEntry | None:
        return self.index().get(external_id)

    def record_event(self, **event: Any) -> None:
        """Count one analytics event (knowledge.analytics.record_event) behind the reply: queued
        and written in batches by a background thread; never raises."""
        self._events.record(event)

    def flush_events(self, timeout: float = 10.0) -> bool:
        """Wait until queued analytics events are written (tests, and before shutting down)."""
        return self._events.flush(timeout)

    def _migrate_for_events(self) -> None:
        migrate(self._engine)

    def count_turn(self, channel: str, sender_id: str) -> None:
        """One citizen message in a conversation (hashed with the day's key, never kept)."""
        self.record_event(kind="message", channel=channel, conversation=sender_id)

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
