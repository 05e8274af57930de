"""/api/v1/staff/entries: write, review, publish and archive knowledge entries, with history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from bot.staff.errors import domain_errors
from bot.staff.identity import CurrentStaff, DbSession, StaffWriter, allowed
from bot.staff.schemas import (
    EntryCreate,
    EntryList,
    EntryPublic,
    EntryUpdate,
    FieldChangePublic,
    Revert,
    RevisionList,
    RevisionPublic,
    SendBack,
)
from knowledge import review
from knowledge.models import ENTRY_STATUSES
from knowledge.review import EntryFilter
from knowledge.staff_accounts import StaffIdentity

router = APIRouter(prefix="/api/v1/staff/entries", tags=["staff"])


def public(session: DbSession, entry: Any) -> EntryPublic:
    return EntryPublic.of(entry, review.current_revision(session, entry.id))


def content_of(body: EntryCreate) -> dict[str, Any]:
    return body.content.model_dump(exclude_none=True)


def merged_content(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """PATCH content: each language given replaces that language; null removes it."""
    content = dict(current)
    for language, localized in given.items():
        if localized is None:
            content.pop(language, None)
        else:
            content[language] = localized
    return content


def field_changes(body: EntryUpdate | EntryCreate, *, partial: bool) -> dict[str, Any]:
    names = (
        "category",
        "source_url",
        "department",
        "tags",
        "valid_from",
        "valid_until",
        "needs_review",
        "review_note",
    )
    given = body.model_fields_set if partial else set(names)
    changes = {name: getattr(body, name) for name in names if name in given}
    if "category" in changes and changes["category"] is None:
        changes["category"] = ""
    if "tags" in changes and changes["tags"] is None:
        changes["tags"] = []
    if "needs_review" in changes and changes["needs_review"] is None:
        changes["needs_review"] = False
    return changes


@router.get("", response_model=EntryList)
def list_entries(
    identity: CurrentStaff,
    session: DbSession,
    q: str | None = Query(default=None, max_length=200),
    collection: str | None = Query(default=None, max_length=40),
    status: str | None = Query(default=None, pattern="^(" + "|".join(ENTRY_STATUSES) + ")$"),
    department: str | None = Query(default=None, max_length=200),
    needs_review: bool | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> EntryList:
    allowed(identity, "entries.read")
    filters = EntryFilter(q, collection, status, department, needs_review)
    entries = review.find_entries(session, filters, limit=limit)
    return EntryList(entries=[public(session, entry) for entry in entries])


@router.post("", response_model=EntryPublic, status_code=201)
def create_entry(body: EntryCreate, identity: StaffWriter, session: DbSession) -> EntryPublic:
    """A new draft: `{"collection", "content": {"ko": {"question", "answer", "alternatives"?},
    "en"?: {...}}, "category"?, "source_url"?}` → 201 with its id, status and revision."""
    allowed(identity, "entries.write")
    with domain_errors():
        entry = review.create(
            session,
            identity,
            collection=body.collection,
            content=content_of(body),
            external_id=body.external_id,
            **field_changes(body, partial=False),
        )
    return public(session, entry)


@router.get("/{entry_id}", response_model=EntryPublic)
def get_entry(entry_id: int, identity: CurrentStaff, session: DbSession) -> EntryPublic:
    allowed(identity, "entries.read")
    with domain_errors():
        return public(session, review.get_entry(session, entry_id))


def apply_update(
    session: DbSession, identity: StaffIdentity, entry_id: int, body: EntryUpdate
) -> EntryPublic:
    with domain_errors():
        entry = review.get_entry(session, entry_id)
        changes = field_changes(body, partial=True)
        if body.collection is not None:
            changes["collection"] = body.collection
        if body.content is not None:
            given: dict[str, Any] = {
                language: localized.model_dump() if localized else None
                for language, localized in body.content.items()
            }
            changes["content"] = merged_content(entry.content, given)
        entry = review.update(
            session, identity, entry_id, base_revision=body.revision, changes=changes
        )
        return public(session, entry)


@router.patch("/{entry_id}", response_model=EntryPublic)
def update_entry(
    entry_id: int, body: EntryUpdate, identity: StaffWriter, session: DbSession
) -> EntryPublic:
    """Change the fields given. Send `revision` (the one you read): if someone changed the entry
    since, the answer is 409 and nothing is written. Editors change drafts and entries in review
    only."""
    allowed(identity, "entries.write")
    return apply_update(session, identity, entry_id, body)


@router.post("/{entry_id}/submit", response_model=EntryPublic)
def submit(entry_id: int, identity: StaffWriter, session: DbSession) -> EntryPublic:
    """Draft → in_review."""
    allowed(identity, "entries.submit")
    with domain_errors():
        return public(session, review.submit(session, identity, entry_id))


@router.post("/{entry_id}/publish", response_model=EntryPublic)
def publish(entry_id: int, identity: StaffWriter, session: DbSession) -> EntryPublic:
    """→ published (reviewer or admin): citizens get it within seconds on every process."""
    allowed(identity, "entries.publish")
    with domain_errors():
        return public(session, review.publish(session, identity, entry_id))


@router.post("/{entry_id}/send-back", response_model=EntryPublic)
def send_back(
    entry_id: int, body: SendBack, identity: StaffWriter, session: DbSession
) -> EntryPublic:
    """In review → draft, with the reviewer's comment (reviewer or admin)."""
    allowed(identity, "entries.send_back")
    with domain_errors():
        return public(session, review.send_back(session, identity, entry_id, comment=body.comment))


@router.post("/{entry_id}/archive", response_model=EntryPublic)
def archive(entry_id: int, identity: StaffWriter, session: DbSession) -> EntryPublic:
    """→ archived (reviewer or admin): out of search, kept with its history."""
    allowed(identity, "entries.archive")
    with domain_errors():
        return public(session, review.archive(session, identity, entry_id))


@router.post("/{entry_id}/revert", response_model=EntryPublic)
def revert(entry_id: int, body: Revert, identity: StaffWriter, session: DbSession) -> EntryPublic:
    """Bring back revision `to_revision`'s text and details as a new revision."""
    allowed(identity, "entries.write")
    with domain_errors():
        entry = review.revert(
            session,
            identity,
            entry_id,
            to_revision=body.to_revision,
            base_revision=body.revision,
        )
        return public(session, entry)


@router.get("/{entry_id}/revisions", response_model=RevisionList)
def revisions(entry_id: int, identity: CurrentStaff, session: DbSession) -> RevisionList:
    allowed(identity, "entries.read")
    with domain_errors():
        history = review.history(session, entry_id)
    return RevisionList(
        entry_id=entry_id,
        revisions=[
            RevisionPublic(
                revision=revision.revision,
                action=revision.action,
                changed_by=revision.changed_by,
                changed_at=revision.changed_at,
                changes=[FieldChangePublic(**vars(change)) for change in changes],
                snapshot=revision.snapshot,
            )
            for revision, changes in history
        ],
    )
