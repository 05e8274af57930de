"""The staff workflow over knowledge entries: who may do what, draft → in review → published →
archived, optimistic concurrency by revision number, and an audit record in every change's
transaction.

Rules: editors write drafts and submit them; only reviewers and admins publish, send back (with
a comment), archive, or change an entry citizens already see (published or archived);
counsellors read. A write names the revision it was based on; a newer one is a StaleRevision.
"""

from __future__ import annotations

import difflib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.audit import record_audit
from knowledge.curation import (
    UNSET,
    InvalidEntry,
    append_revision,
    archive_entry,
    create_entry,
    list_revisions,
    normalise_content,
    publish_entry,
    snapshot,
    update_entry,
)
from knowledge.models import KnowledgeEntry, KnowledgeRevision
from knowledge.search import lexical_text
from knowledge.staff_accounts import StaffIdentity

ALL_ROLES = frozenset({"editor", "reviewer", "counsellor", "admin"})
WRITERS = frozenset({"editor", "reviewer", "admin"})
REVIEWERS = frozenset({"reviewer", "admin"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "entries.read": ALL_ROLES,
    "entries.write": WRITERS,
    "entries.submit": WRITERS,
    "entries.publish": REVIEWERS,
    "entries.send_back": REVIEWERS,
    "entries.archive": REVIEWERS,
    "entries.change_live": REVIEWERS,
    "ask": ALL_ROLES,
    "unanswered.read": ALL_ROLES,
    "analytics.read": ALL_ROLES,
    "import": WRITERS,
    "import.publish": REVIEWERS,
    "export": ALL_ROLES,
    "tokens.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    # Taking citizens' conversations from the agent (the counsellor console).
    "counsel": frozenset({"counsellor", "admin"}),
}

MAX_QUESTION_CHARS = 500
MAX_ANSWER_CHARS = 20_000
MAX_ALTERNATIVES = 30
MAX_ALTERNATIVE_CHARS = 300
# Fields a staff edit may change (status moves only through the workflow calls).
EDITABLE_FIELDS = (
    "content",
    "collection",
    "category",
    "tags",
    "department",
    "source_url",
    "valid_from",
    "valid_until",
    "needs_review",
    "review_note",
)


class PermissionDenied(Exception):
    """The role may not do this; the message says what is needed."""


class StaleRevision(Exception):
    def __init__(self, current: int, given: int) -> None:
        super().__init__(
            f"the entry is at revision {current}, not {given}: reload it and redo your change"
        )
        self.current = current


class WorkflowConflict(Exception):
    """The entry's status does not allow this step (publishing an archived entry, ...)."""


class NoSuchEntry(LookupError):
    pass


def can(identity: StaffIdentity, permission: str) -> bool:
    return identity.role in PERMISSIONS[permission]


def require(identity: StaffIdentity, permission: str) -> None:
    if not can(identity, permission):
        allowed = ", ".join(sorted(PERMISSIONS[permission]))
        raise PermissionDenied(f"{permission} needs the role {allowed}; you are {identity.role}")


def check_content(content: object) -> dict[str, dict[str, Any]]:
    """Content as curation stores it, within the console's limits; Korean needs a question."""
    normalised = normalise_content(content)
    for language, localized in normalised.items():
        if not localized["question"]:
            raise InvalidEntry(f"content[{language!r}] has no question")
        if len(localized["question"]) > MAX_QUESTION_CHARS:
            raise InvalidEntry(f"content[{language!r}].question is over {MAX_QUESTION_CHARS} chars")
        if len(localized["answer"]) > MAX_ANSWER_CHARS:
            raise InvalidEntry(f"content[{language!r}].answer is over {MAX_ANSWER_CHARS} chars")
        alternatives = localized["alternatives"]
        if len(alternatives) > MAX_ALTERNATIVES or any(
            len(item) > MAX_ALTERNATIVE_CHARS for item in alternatives
        ):
            raise InvalidEntry(
                f"content[{language!r}].alternatives: at most {MAX_ALTERNATIVES} phrasings of "
                f"{MAX_ALTERNATIVE_CHARS} characters"
            )
    return normalised


def current_revision(session: Session, entry_id: int) -> int:
    latest = session.scalar(
        select(func.max(KnowledgeRevision.revision)).where(KnowledgeRevision.entry_id == entry_id)
    )
    return int(latest or 0)


def get_entry(session: Session, entry_id: int) -> KnowledgeEntry:
    entry = session.get(KnowledgeEntry, entry_id)
    if entry is None:
        raise NoSuchEntry(f"no knowledge entry {entry_id}")
    return entry


@dataclass(frozen=True)
class EntryFilter:
    text: str | None = None
    collection: str | None = None
    status: str | None = None
    department: str | None = None
    needs_review: bool | None = None


def find_entries(
    session: Session, filters: EntryFilter, *, limit: int = 200
) -> list[KnowledgeEntry]:
    """Entries matching the filters, newest change first; the text filter looks in every
    language's question, phrasings and answer (JSON keeps Korean escaped, so not in SQL)."""
    query = select(KnowledgeEntry).order_by(KnowledgeEntry.updated_at.desc())
    if filters.collection:
        query = query.where(KnowledgeEntry.collection == filters.collection)
    if filters.status:
        query = query.where(KnowledgeEntry.status == filters.status)
    if filters.department:
        query = query.where(KnowledgeEntry.department == filters.department)
    if filters.needs_review is not None:
        query = query.where(KnowledgeEntry.needs_review == filters.needs_review)
    entries: Iterable[KnowledgeEntry] = session.scalars(query)
    if filters.text and filters.text.strip():
        needle = filters.text.strip().casefold()
        entries = (
            entry
            for entry in entries
            if needle in (lexical_text(entry) + "\n" + entry.external_id).casefold()
        )
    found: list[KnowledgeEntry] = []
    for entry in entries:
        found.append(entry)
        if len(found) >= limit:
            break
    return found


def _check_base(session: Session, entry: KnowledgeEntry, base_revision: int | None) -> None:
    if base_revision is None:
        return
    current = current_revision(session, entry.id)
    if current != base_revision:
        raise StaleRevision(current, base_revision)


def _commit_with_audit(
    session: Session,
    identity: StaffIdentity,
    action: str,
    entry: KnowledgeEntry,
    before: dict[str, Any] | None,
) -> None:
    session.flush()
    record_audit(
        session,
        actor=identity.email,
        action=action,
        target_type="knowledge_entry",
        target_id=str(entry.id),
        before=before,
        after=snapshot(entry),
    )
    session.commit()


def create(
    session: Session,
    identity: StaffIdentity,
    *,
    collection: str,
    content: dict[str, Any],
    external_id: str | None = None,
    **fields: Any,
) -> KnowledgeEntry:
    """A new draft written by staff."""
    require(identity, "entries.write")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidEntry(f"unknown fields {', '.join(sorted(unknown))}")
    entry = create_entry(
        session,
        external_id=external_id or f"staff-{secrets.token_hex(6)}",
        collection=collection,
        content=check_content(content),
        changed_by=identity.email,
        status="draft",
        commit=False,
        **{name: value for name, value in fields.items() if value is not None},
    )
    _commit_with_audit(session, identity, "entry.create", entry, None)
    return entry


def _require_may_change(identity: StaffIdentity, entry: KnowledgeEntry) -> None:
    require(identity, "entries.write")
    if entry.status in ("published", "archived"):
        try:
            require(identity, "entries.change_live")
        except PermissionDenied as denied:
            raise PermissionDenied(
                f"the entry is {entry.status}: only a reviewer or admin may change it ({denied})"
            ) from None


def update(
    session: Session,
    identity: StaffIdentity,
    entry_id: int,
    *,
    base_revision: int | None,
    changes: dict[str, Any],
    action: str = "updated",
) -> KnowledgeEntry:
    """Change some fields of an entry, based on `base_revision` (None: the latest)."""
    entry = get_entry(session, entry_id)
    _require_may_change(identity, entry)
    _check_base(session, entry, base_revision)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidEntry(f"unknown fields {', '.join(sorted(unknown))}")
    if "content" in changes:
        changes["content"] = check_content(changes["content"])
    before = snapshot(entry)
    revisions_before = current_revision(session, entry.id)
    update_entry(
        session,
        external_id=entry.external_id,
        changed_by=identity.email,
        action=action,
        commit=False,
        **{name: changes.get(name, UNSET) for name in EDITABLE_FIELDS},
    )
    session.flush()
    if current_revision(session, entry.id) != revisions_before:
        _commit_with_audit(session, identity, f"entry.{action}", entry, before)
    return entry


def submit(session: Session, identity: StaffIdentity, entry_id: int) -> KnowledgeEntry:
    """Draft → in review."""
    require(identity, "entries.submit")
    entry = get_entry(session, entry_id)
    if entry.status == "in_review":
        return entry
    if entry.status != "draft":
        raise WorkflowConflict(f"only a draft can be submitted; the entry is {entry.status}")
    before = snapshot(entry)
    entry.submitted_by = identity.email
    entry.review_comment = None
    update_entry(
        session,
        external_id=entry.external_id,
        status="in_review",
        changed_by=identity.email,
        action="submitted",
        commit=False,
    )
    _commit_with_audit(session, identity, "entry.submit", entry, before)
    return entry


def publish(session: Session, identity: StaffIdentity, entry_id: int) -> KnowledgeEntry:
    """In review (or a draft, by a reviewer's own hand) → published."""
    require(identity, "entries.publish")
    entry = get_entry(session, entry_id)
    if entry.status == "published":
        return entry
    if entry.status == "archived":
        raise WorkflowConflict("an archived entry is first brought back as a draft (revert)")
    before = snapshot(entry)
    entry.reviewed_by = identity.email
    entry.review_comment = None
    publish_entry(session, external_id=entry.external_id, changed_by=identity.email, commit=False)
    _commit_with_audit(session, identity, "entry.publish", entry, before)
    return entry


def send_back(
    session: Session, identity: StaffIdentity, entry_id: int, *, comment: str
) -> KnowledgeEntry:
    """In review → draft, with the reviewer's comment for the editor."""
    require(identity, "entries.send_back")
    comment = comment.strip()
    if not comment or len(comment) > 2000:
        raise InvalidEntry("sending back needs a comment of 1 to 2000 characters")
    entry = get_entry(session, entry_id)
    if entry.status != "in_review":
        raise WorkflowConflict(f"only an entry in review can be sent back; it is {entry.status}")
    before = snapshot(entry)
    entry.reviewed_by = identity.email
    entry.review_comment = comment
    update_entry(
        session,
        external_id=entry.external_id,
        status="draft",
        changed_by=identity.email,
        action="sent_back",
        commit=False,
    )
    _commit_with_audit(session, identity, "entry.send_back", entry, before)
    return entry


def archive(session: Session, identity: StaffIdentity, entry_id: int) -> KnowledgeEntry:
    require(identity, "entries.archive")
    entry = get_entry(session, entry_id)
    if entry.status == "archived":
        return entry
    before = snapshot(entry)
    archive_entry(session, external_id=entry.external_id, changed_by=identity.email, commit=False)
    _commit_with_audit(session, identity, "entry.archive", entry, before)
    return entry


def revert(
    session: Session,
    identity: StaffIdentity,
    entry_id: int,
    *,
    to_revision: int,
    base_revision: int | None,
) -> KnowledgeEntry:
    """Bring back an earlier revision's text and details as a new revision (history is kept).
    An archived entry comes back as a draft."""
    entry = get_entry(session, entry_id)
    _require_may_change(identity, entry)
    _check_base(session, entry, base_revision)
    old = session.scalar(
        select(KnowledgeRevision).where(
            KnowledgeRevision.entry_id == entry.id, KnowledgeRevision.revision == to_revision
        )
    )
    if old is None:
        raise NoSuchEntry(f"entry {entry_id} has no revision {to_revision}")
    saved = old.snapshot
    changes: dict[str, Any] = {
        name: saved.get(name)
        for name in ("content", "collection", "category", "tags", "department", "source_url")
    }
    changes["needs_review"] = bool(saved.get("needs_review"))
    changes["review_note"] = saved.get("review_note")
    for name in ("valid_from", "valid_until"):
        value = saved.get(name)
        changes[name] = datetime.fromisoformat(value) if value else None
    changes["tags"] = list(changes["tags"] or [])
    changes["category"] = changes["category"] or ""
    if entry.status == "archived":
        # Curation edits never leave "archived"; bringing one back is this workflow's own step.
        before = snapshot(entry)
        changes["content"] = check_content(changes["content"])
        for name, value in changes.items():
            setattr(entry, name, value)
        entry.status = "draft"
        entry.updated_by = identity.email
        entry.updated_at = datetime.now(UTC)
        append_revision(session, entry, action="reverted", changed_by=identity.email)
        _commit_with_audit(session, identity, "entry.revert", entry, before)
        return entry
    return update(
        session, identity, entry_id, base_revision=None, changes=changes, action="reverted"
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str
    diff: list[str]


def _flatten(snap: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in snap.items():
        if name in ("updated_at", "updated_by", "created_at"):
            continue
        if name == "content" and isinstance(value, dict):
            for language, localized in sorted(value.items()):
                for part in ("question", "answer", "alternatives"):
                    item = (localized or {}).get(part, "")
                    flat[f"{language}.{part}"] = (
                        "\n".join(item) if isinstance(item, list) else str(item or "")
                    )
        elif isinstance(value, list):
            flat[name] = ", ".join(str(item) for item in value)
        else:
            flat[name] = "" if value is None else str(value)
    return flat


def revision_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """What a revision changed, field by field, with a line diff for long text."""
    old, new = _flatten(before or {}), _flatten(after)
    changes: list[FieldChange] = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name, ""), new.get(name, "")
        if a == b:
            continue
        # Only the changed lines, without the unified diff's file and hunk headers.
        diff = [
            row
            for row in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1)
            if not row.startswith(("---", "+++", "@@"))
        ]
        changes.append(FieldChange(name, a, b, diff))
    return changes


def history(session: Session, entry_id: int) -> list[tuple[KnowledgeRevision, list[FieldChange]]]:
    """Every revision, newest first, each with its changes against the one before."""
    entry = get_entry(session, entry_id)
    revisions = list_revisions(session, external_id=entry.external_id)
    result: list[tuple[KnowledgeRevision, list[FieldChange]]] = []
    previous: dict[str, Any] | None = None
    for revision in revisions:
        result.append((revision, revision_changes(previous, revision.snapshot)))
        previous = revision.snapshot
    return list(reversed(result))
