"""Curating the knowledge base: create, edit, publish and archive entries, with their history.

Service functions with keyword-only arguments over a SQLAlchemy Session, for the staff console,
the importer and the seed alike. Every change appends a KnowledgeRevision in the same
transaction as the change itself, and a call that would change nothing writes nothing, so a
retried request (a double click, a client timeout) never adds a second revision.

By default each function commits; callers that group many writes in one transaction (the
importer) pass commit=False and commit themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from civic.privacy import mask_personal_numbers
from knowledge.entry_data import EntryDataError, validate_entry_data
from knowledge.models import (
    DECISIONS,
    ENTRY_STATUSES,
    KnowledgeEntry,
    KnowledgeRevision,
    UnansweredQuestion,
)

MAX_QUESTION_CHARS = 2000
# Statuses an edit may set; publishing and archiving have their own functions (and revisions).
_EDITABLE_STATUSES = ("draft", "in_review")


class CurationError(ValueError):
    """Base of the errors a curation call raises for bad input; the message is the reason."""


class EntryNotFound(CurationError, LookupError):
    def __init__(self, external_id: str) -> None:
        super().__init__(f"no knowledge entry with external id {external_id!r}")
        self.external_id = external_id


class InvalidEntry(CurationError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EntryExists(InvalidEntry):
    """Creating an id that exists with different data; identical data is a retry, not this."""


class _Unset(enum.Enum):
    UNSET = 0


UNSET = _Unset.UNSET


def _now() -> datetime:
    return datetime.now(UTC)


def _require_text(value: object, name: str, *, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEntry(f"{name} is empty")
    text = value.strip()
    if len(text) > max_length:
        raise InvalidEntry(f"{name} is longer than {max_length} characters")
    return text


def normalise_content(content: object) -> dict[str, dict[str, Any]]:
    """Content in its one stored shape, or InvalidEntry saying what is wrong with it."""
    if not isinstance(content, dict) or not content:
        raise InvalidEntry("content must map a language code to its question and answer")
    normalised: dict[str, dict[str, Any]] = {}
    for language, localized in content.items():
        if not isinstance(language, str) or not 2 <= len(language) <= 8:
            raise InvalidEntry(f"language code {language!r} is not a language code")
        if not isinstance(localized, dict):
            raise InvalidEntry(f"content[{language!r}] must be an object")
        answer = localized.get("answer")
        if not isinstance(answer, str) or not answer.strip():
            raise InvalidEntry(f"content[{language!r}] has no answer")
        question = localized.get("question", "")
        if not isinstance(question, str):
            raise InvalidEntry(f"content[{language!r}].question must be text")
        alternatives = localized.get("alternatives", [])
        if not isinstance(alternatives, list) or not all(
            isinstance(item, str) for item in alternatives
        ):
            raise InvalidEntry(f"content[{language!r}].alternatives must be a list of text")
        normalised[language] = {
            "question": question.strip(),
            "answer": answer.strip(),
            "alternatives": [item.strip() for item in alternatives if item.strip()],
        }
    return normalised


def _check_validity(valid_from: datetime | None, valid_until: datetime | None) -> None:
    for name, value in (("valid_from", valid_from), ("valid_until", valid_until)):
        if value is not None and value.tzinfo is None:
            raise InvalidEntry(f"{name} has no timezone")
    if valid_from and valid_until and valid_until <= valid_from:
        raise InvalidEntry("valid_until is not after valid_from")


def _check_data(collection: str, data: dict[str, Any] | None) -> dict[str, Any] | None:
    try:
        return validate_entry_data(collection, data)
    except EntryDataError as error:
        raise InvalidEntry(str(error)) from error


def _check_status(status: str, allowed: Iterable[str] = ENTRY_STATUSES) -> str:
    allowed = tuple(allowed)
    if status not in allowed:
        raise InvalidEntry(f"status {status!r} is not one of {', '.join(allowed)}")
    return status


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def snapshot(entry: KnowledgeEntry) -> dict[str, Any]:
    """The entry as plain JSON, as a revision stores it."""
    return {
        "external_id": entry.external_id,
        "collection": entry.collection,
        "category": entry.category,
        "tags": list(entry.tags),
        "department": entry.department,
        "source_url": entry.source_url,
        "status": entry.status,
        "needs_review": entry.needs_review,
        "review_note": entry.review_note,
        "content": entry.content,
        "data": entry.data,
        "valid_from": _iso(entry.valid_from),
        "valid_until": _iso(entry.valid_until),
        "created_at": _iso(entry.created_at),
        "updated_by": entry.updated_by,
        "updated_at": _iso(entry.updated_at),
    }


def append_revision(
    session: Session, entry: KnowledgeEntry, *, action: str, changed_by: str
) -> KnowledgeRevision:
    """Add the next revision of an entry to the session (the caller's transaction)."""
    number = 1
    if entry.id is not None:
        latest = session.scalar(
            select(func.max(KnowledgeRevision.revision)).where(
                KnowledgeRevision.entry_id == entry.id
            )
        )
        number = (latest or 0) + 1
    return _add_revision(session, entry, number=number, action=action, changed_by=changed_by)


def _add_revision(
    session: Session, entry: KnowledgeEntry, *, number: int, action: str, changed_by: str
) -> KnowledgeRevision:
    # Through the relationship, not entry_id: a new entry has no id until the next flush.
    revision = KnowledgeRevision(
        entry=entry,
        revision=number,
        action=action,
        snapshot=snapshot(entry),
        changed_by=changed_by,
        changed_at=_now(),
    )
    session.add(revision)
    return revision


def _finish(session: Session, *, commit: bool) -> None:
    # Without commit nothing is flushed either: the caller's next query or commit flushes many
    # rows at once, which is what makes a large import fast.
    if commit:
        session.commit()


def get_entry_by_external_id(session: Session, *, external_id: str) -> KnowledgeEntry | None:
    return session.scalar(select(KnowledgeEntry).where(KnowledgeEntry.external_id == external_id))


def _require_entry(session: Session, external_id: str) -> KnowledgeEntry:
    entry = get_entry_by_external_id(session, external_id=external_id)
    if entry is None:
        raise EntryNotFound(external_id)
    return entry


def list_entries(
    session: Session, *, status: str | None = None, collection: str | None = None
) -> list[KnowledgeEntry]:
    query = select(KnowledgeEntry).order_by(KnowledgeEntry.id)
    if status is not None:
        query = query.where(KnowledgeEntry.status == _check_status(status))
    if collection is not None:
        query = query.where(KnowledgeEntry.collection == collection)
    return list(session.scalars(query))


def list_revisions(session: Session, *, external_id: str) -> list[KnowledgeRevision]:
    entry = _require_entry(session, external_id)
    return list(
        session.scalars(
            select(KnowledgeRevision)
            .where(KnowledgeRevision.entry_id == entry.id)
            .order_by(KnowledgeRevision.revision)
        )
    )


def create_entry(
    session: Session,
    *,
    external_id: str,
    collection: str,
    content: dict[str, Any],
    changed_by: str,
    category: str = "",
    tags: Iterable[str] = (),
    department: str | None = None,
    source_url: str | None = None,
    status: str = "draft",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    needs_review: bool = False,
    review_note: str | None = None,
    data: dict[str, Any] | None = None,
    action: str = "created",
    commit: bool = True,
    known_new: bool = False,
) -> KnowledgeEntry:
    """A new entry (a draft unless told otherwise) and its first revision.

    Creating an id that already holds the very same data returns that entry unchanged: the
    request was retried. Different data under the same id raises EntryExists. `known_new`
    skips that look-up for callers that looked up all their ids at once (the importer); the
    unique index still refuses a duplicate.
    """
    fields: dict[str, Any] = {
        "external_id": _require_text(external_id, "external_id", max_length=200),
        "collection": _require_text(collection, "collection", max_length=40),
        "content": normalise_content(content),
        "category": (category or "").strip(),
        "tags": [tag.strip() for tag in tags if tag.strip()],
        "department": department,
        "source_url": source_url,
        "status": _check_status(status),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "needs_review": needs_review,
        "review_note": review_note,
        "data": _check_data(collection, data),
    }
    if len(fields["category"]) > 80:
        raise InvalidEntry("category is longer than 80 characters")
    _check_validity(valid_from, valid_until)
    changed_by = _require_text(changed_by, "changed_by", max_length=120)

    # No autoflush: flushing every pending row of a batch before each look-up is what made
    # imports slow, and the look-up only needs rows that are already in the database.
    if not known_new:
        with session.no_autoflush:
            existing = get_entry_by_external_id(session, external_id=fields["external_id"])
        if existing is not None:
            return _same_or_exists(existing, fields)

    now = _now()
    entry = KnowledgeEntry(**fields, created_at=now, updated_at=now, updated_by=changed_by)
    session.add(entry)
    try:
        _add_revision(session, entry, number=1, action=action, changed_by=changed_by)
        _finish(session, commit=commit)
    except IntegrityError:
        if not commit:
            raise
        # Another writer created the same id between our look-up and our insert.
        session.rollback()
        existing = get_entry_by_external_id(session, external_id=fields["external_id"])
        if existing is None:
            raise
        return _same_or_exists(existing, fields)
    return entry


def _same_or_exists(existing: KnowledgeEntry, fields: dict[str, Any]) -> KnowledgeEntry:
    differing = [name for name, value in fields.items() if getattr(existing, name) != value]
    if differing:
        raise EntryExists(
            f"entry {existing.external_id!r} already exists with other {', '.join(differing)}"
        )
    return existing


def update_entry(
    session: Session,
    *,
    external_id: str,
    changed_by: str,
    content: dict[str, Any] | _Unset = UNSET,
    collection: str | _Unset = UNSET,
    category: str | _Unset = UNSET,
    tags: Iterable[str] | _Unset = UNSET,
    department: str | None | _Unset = UNSET,
    source_url: str | None | _Unset = UNSET,
    status: str | _Unset = UNSET,
    valid_from: datetime | None | _Unset = UNSET,
    valid_until: datetime | None | _Unset = UNSET,
    needs_review: bool | _Unset = UNSET,
    review_note: str | None | _Unset = UNSET,
    data: dict[str, Any] | None | _Unset = UNSET,
    action: str = "updated",
    commit: bool = True,
) -> KnowledgeEntry:
    """Change the given fields; a call that changes nothing writes no revision.

    Status may move between draft and in_review here; use publish_entry and archive_entry for
    the other two, so each of those is its own revision.
    """
    entry = _require_entry(session, external_id)
    changed_by = _require_text(changed_by, "changed_by", max_length=120)
    changes: dict[str, Any] = {}
    if not isinstance(content, _Unset):
        changes["content"] = normalise_content(content)
    if not isinstance(collection, _Unset):
        changes["collection"] = _require_text(collection, "collection", max_length=40)
    if not isinstance(category, _Unset):
        changes["category"] = category.strip()
        if len(changes["category"]) > 80:
            raise InvalidEntry("category is longer than 80 characters")
    if not isinstance(tags, _Unset):
        changes["tags"] = [tag.strip() for tag in tags if tag.strip()]
    if not isinstance(department, _Unset):
        changes["department"] = department
    if not isinstance(source_url, _Unset):
        changes["source_url"] = source_url
    if not isinstance(status, _Unset):
        changes["status"] = _check_status(status, _EDITABLE_STATUSES)
    if not isinstance(valid_from, _Unset):
        changes["valid_from"] = valid_from
    if not isinstance(valid_until, _Unset):
        changes["valid_until"] = valid_until
    if not isinstance(needs_review, _Unset):
        changes["needs_review"] = needs_review
    if not isinstance(review_note, _Unset):
        changes["review_note"] = review_note
    if not isinstance(data, _Unset):
        changes["data"] = _check_data(changes.get("collection", entry.collection), data)
    _check_validity(
        changes.get("valid_from", entry.valid_from), changes.get("valid_until", entry.valid_until)
    )

    changes = {name: value for name, value in changes.items() if getattr(entry, name) != value}
    if not changes:
        return entry
    for name, value in changes.items():
        setattr(entry, name, value)
    return _stamp_and_record(session, entry, action=action, changed_by=changed_by, commit=commit)


def _set_status(
    session: Session, *, external_id: str, changed_by: str, status: str, commit: bool
) -> KnowledgeEntry:
    entry = _require_entry(session, external_id)
    changed_by = _require_text(changed_by, "changed_by", max_length=120)
    if entry.status == status:
        return entry
    entry.status = status
    return _stamp_and_record(session, entry, action=status, changed_by=changed_by, commit=commit)


def _stamp_and_record(
    session: Session, entry: KnowledgeEntry, *, action: str, changed_by: str, commit: bool
) -> KnowledgeEntry:
    """Every real change: who and when on the entry, and its revision, in one transaction."""
    entry.updated_by = changed_by
    entry.updated_at = _now()
    append_revision(session, entry, action=action, changed_by=changed_by)
    _finish(session, commit=commit)
    return entry


def publish_entry(
    session: Session, *, external_id: str, changed_by: str, commit: bool = True
) -> KnowledgeEntry:
    """Make an entry citizen-facing; publishing a published entry changes nothing."""
    entry = _require_entry(session, external_id)
    if entry.status != "published":
        normalise_content(entry.content)  # nothing without an answer goes live
        if entry.valid_until is not None and entry.valid_until <= _now():
            raise InvalidEntry(f"entry {external_id!r} expired at {entry.valid_until:%Y-%m-%d}")
    return _set_status(
        session, external_id=external_id, changed_by=changed_by, status="published", commit=commit
    )


def archive_entry(
    session: Session, *, external_id: str, changed_by: str, commit: bool = True
) -> KnowledgeEntry:
    """Take an entry out of search for good (kept, with its history); idempotent."""
    return _set_status(
        session, external_id=external_id, changed_by=changed_by, status="archived", commit=commit
    )


def record_unanswered(
    session: Session,
    *,
    question: str,
    language: str,
    channel: str,
    decision: str,
    top_external_id: str | None = None,
    commit: bool = True,
) -> UnansweredQuestion:
    """Keep a question the agent could not answer, masked of personal numbers first."""
    # Masked before truncating, so a cut can never leave half a number unmasked.
    masked = mask_personal_numbers(_require_text(question, "question", max_length=100_000))
    if decision not in DECISIONS:
        raise InvalidEntry(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    record = UnansweredQuestion(
        question=masked[:MAX_QUESTION_CHARS],
        language=_require_text(language, "language", max_length=8),
        channel=_require_text(channel, "channel", max_length=40),
        decision=decision,
        top_external_id=top_external_id or None,
        asked_at=_now(),
    )
    session.add(record)
    _finish(session, commit=commit)
    return record
