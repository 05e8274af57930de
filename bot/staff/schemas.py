"""Request and response shapes of the staff API (a contract other city systems rely on)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.models import KnowledgeEntry
from knowledge.review import (
    MAX_ALTERNATIVE_CHARS,
    MAX_ALTERNATIVES,
    MAX_ANSWER_CHARS,
    MAX_QUESTION_CHARS,
)

Language = Literal["ko", "en"]
Phrasing = Annotated[str, Field(max_length=MAX_ALTERNATIVE_CHARS)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is blank / 비어 있습니다")
    return value.strip()


def _web_address(value: str | None) -> str | None:
    # Only http(s): a javascript: or data: address would run in whoever clicks the link.
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not value.lower().startswith(("https://", "http://")):
        raise ValueError("must start with https:// or http:// / 웹 주소가 아닙니다")
    return value


class LocalizedContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)
    alternatives: list[Phrasing] = Field(default_factory=list, max_length=MAX_ALTERNATIVES)

    _question = field_validator("question")(_not_blank)
    _answer = field_validator("answer")(_not_blank)


class EntryContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ko: LocalizedContent
    en: LocalizedContent | None = None


class _EntryFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str | None = Field(default=None, max_length=80)
    source_url: str | None = Field(default=None, max_length=500)
    department: str | None = Field(default=None, max_length=200)
    tags: list[Annotated[str, Field(max_length=60)]] | None = Field(default=None, max_length=30)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    needs_review: bool | None = None
    review_note: str | None = Field(default=None, max_length=2000)

    _source_url = field_validator("source_url")(_web_address)

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a timezone, e.g. 2026-01-01T00:00:00+09:00")
        return value


class EntryCreate(_EntryFields):
    collection: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    content: EntryContent
    external_id: str | None = Field(
        default=None, min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$"
    )


class EntryUpdate(_EntryFields):
    """Only the fields given change; content replaces the languages given (null removes one)."""

    collection: str | None = Field(
        default=None, min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$"
    )
    content: dict[Language, LocalizedContent | None] | None = None
    revision: int | None = Field(
        default=None, ge=1, description="the revision this change is based on; a newer one is 409"
    )


class EntryPublic(BaseModel):
    id: int
    external_id: str
    collection: str
    status: str
    revision: int
    content: dict[str, Any]
    category: str
    tags: list[str]
    department: str | None
    source_url: str | None
    needs_review: bool
    review_note: str | None
    review_comment: str | None
    submitted_by: str | None
    reviewed_by: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    updated_by: str
    updated_at: datetime

    @classmethod
    def of(cls, entry: KnowledgeEntry, revision: int) -> EntryPublic:
        return cls(
            id=entry.id,
            external_id=entry.external_id,
            collection=entry.collection,
            status=entry.status,
            revision=revision,
            content=entry.content,
            category=entry.category,
            tags=list(entry.tags),
            department=entry.department,
            source_url=entry.source_url,
            needs_review=entry.needs_review,
            review_note=entry.review_note,
            review_comment=entry.review_comment,
            submitted_by=entry.submitted_by,
            reviewed_by=entry.reviewed_by,
            valid_from=entry.valid_from,
            valid_until=entry.valid_until,
            updated_by=entry.updated_by,
            updated_at=entry.updated_at,
        )


class EntryList(BaseModel):
    entries: list[EntryPublic]


class SendBack(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=2000)

    _comment = field_validator("comment")(_not_blank)


class Revert(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_revision: int = Field(ge=1)
    revision: int | None = Field(default=None, ge=1, description="the entry's current revision")


class FieldChangePublic(BaseModel):
    field: str
    before: str
    after: str
    diff: list[str]


class RevisionPublic(BaseModel):
    revision: int
    action: str
    changed_by: str
    changed_at: datetime
    changes: list[FieldChangePublic]
    snapshot: dict[str, Any]


class RevisionList(BaseModel):
    entry_id: int
    revisions: list[RevisionPublic]


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=200)
    password: str = Field(min_length=1, max_length=256)


class StaffPublic(BaseModel):
    email: str
    role: str
    via: str
    csrf_token: str | None = None


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=1000)
    language: Language | None = None

    _question = field_validator("question")(_not_blank)


class Candidate(BaseModel):
    id: int
    external_id: str
    title: str
    score: float
    collection: str
    status: str


class AskResponse(BaseModel):
    decision: str
    confidence: float
    language: str
    candidates: list[Candidate]
    reply: dict[str, Any]


class UnansweredGroupPublic(BaseModel):
    key: str
    question: str
    count: int
    first_seen: datetime
    last_seen: datetime
    samples: list[str]
    languages: list[str]
    channels: list[str]


class UnansweredList(BaseModel):
    groups: list[UnansweredGroupPublic]


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=200)
    name: str = Field(min_length=1, max_length=120)


class TokenPublic(BaseModel):
    id: int
    email: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenPublic):
    token: str = Field(description="shown this once; only its hash is kept")


class TokenList(BaseModel):
    tokens: list[TokenPublic]


class AuditPublic(BaseModel):
    id: int
    actor: str
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime


class AuditList(BaseModel):
    records: list[AuditPublic]


class ImportReportPublic(BaseModel):
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    skipped: list[dict[str, Any]]
    preview: list[dict[str, str]]
