"""Knowledge base tables (SQLAlchemy 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class KnowledgeEntry(Base):
    """One curated answer, with its text per language under `content`.

    `content` is {"ko": {"question", "answer", "alternatives"}, "en": {...}}: adding a
    language adds a key, not a column.
    """

    __tablename__ = "knowledge_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    collection: Mapped[str] = mapped_column(String(40), index=True)
    category: Mapped[str] = mapped_column(String(80), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    department: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_note: Mapped[str | None] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(120), default="seed")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    def text_for(self, language: str) -> dict[str, Any] | None:
        """The entry's question/answer in a language, or None when it has none."""
        localized = self.content.get(language)
        return localized if isinstance(localized, dict) and localized.get("answer") else None
