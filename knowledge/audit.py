"""The audit log: who changed what and when, with before and after, in the change's transaction.

record_audit only adds the row to the caller's session; the caller's commit writes it with the
change itself, so there is never a change without its record nor a record without its change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.staff_models import AuditRecord


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    record = AuditRecord(
        actor=actor[:200],
        action=action[:40],
        target_type=target_type[:40],
        target_id=target_id[:200] if target_id else None,
        before=before,
        after=after,
        at=datetime.now(UTC),
    )
    session.add(record)
    return record


def list_audit(
    session: Session,
    *,
    target_id: str | None = None,
    target_type: str | None = None,
    actor: str | None = None,
    limit: int = 200,
) -> list[AuditRecord]:
    query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
    if target_type is not None:
        query = query.where(AuditRecord.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditRecord.target_id == target_id)
    if actor is not None:
        query = query.where(AuditRecord.actor == actor)
    return list(session.scalars(query))
