"""Knowledge base tables (SQLAlchemy 2); the schema itself is owned by knowledge/migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ENTRY_STATUSES = ("draft", "in_review", "published", "archived")
REVISION_ACTIONS = ("created", "updated", "published", "archived", "imported")
DECISIONS = ("answer", "clarify", "handoff")


class Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    SQLite keeps no offset and hands back naive values; without this, comparing a stored
    valid_until with datetime.now(UTC) raises TypeError on SQLite but not on PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone (UTC) to anything stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class KnowledgeEntry(Base):
    """One curated answer, with its text per language under `content`.

    `content` is {"ko": {"question", "answer", "alternatives"}, "en": {...}}: adding a
    language adds a key, not a column.
    """

    __tablename__ = "knowledge_entries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'in_review', 'published', 'archived')",
            name="ck_knowledge_entries_status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    collection: Mapped[str] = mapped_column(String(40), index=True)
    category: Mapped[str] = mapped_column(String(80), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    department: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    # "published" stays the default so the seed loads live; importers and staff start at draft.
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_note: Mapped[str | None] = mapped_column(Text)
    # The review workflow (staff console): who submitted, who reviewed, the reviewer's comment.
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    review_comment: Mapped[str | None] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Typed facts some collections keep beside the text (a landmark's hours and fees); the
    # collection's schema validates them (knowledge/entry_data.py). None for plain Q&A.
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_by: Mapped[str] = mapped_column(String(120), default="seed")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)

    def text_for(self, language: str) -> dict[str, Any] | None:
        """The entry's question/answer in a language, or None when it has none."""
        localized = self.content.get(language)
        return localized if isinstance(localized, dict) and localized.get("answer") else None


class KnowledgeRevision(Base):
    """Append-only history: one row per change, with the whole entry as it was afterwards.

    Full snapshots (not diffs) so any revision can be shown or restored without replaying.
    """

    __tablename__ = "knowledge_revisions"
    __table_args__ = (
        # Two writers racing on one entry collide here instead of both writing revision N.
        UniqueConstraint("entry_id", "revision", name="uq_knowledge_revisions_entry_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_entries.id", ondelete="RESTRICT"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, index=True)

    # Lets a revision be added with a new entry before the entry has its id (one flush for both).
    entry: Mapped[KnowledgeEntry] = relationship()


class UnansweredQuestion(Base):
    """A question the agent could not answer well, kept so curators know what to write next.

    Deliberately no session, user or chat id: the text is masked of personal numbers before it
    is stored, and nothing here links it back to a person.
    """

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(20))
    top_external_id: Mapped[str | None] = mapped_column(String(200))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, index=True)
