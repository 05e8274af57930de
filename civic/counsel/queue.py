"""The counsellor queue on the knowledge database: joining, positions, accepting, closing.

Accepting is safe under concurrency: on PostgreSQL the row is claimed with
`SELECT … FOR UPDATE SKIP LOCKED` (a second counsellor racing for it skips it at once), and on
every backend the claim is a conditional `UPDATE … WHERE holder_id IS NULL`, so of two accepts
exactly one changes the row and the other is told the conversation is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from civic.privacy import mask_personal_numbers
from knowledge.counsel_models import ACTIVE_STATES, CounselHandoff, CounselMessage

# Closing categories (the console offers them; analytics count them).
CATEGORIES = (
    "tax",
    "documents",
    "transport",
    "welfare",
    "housing",
    "environment",
    "complaint",
    "other",
)
MAX_TEXT_CHARS = 2000
MAX_NOTE_CHARS = 2000
PREVIEW_CHARS = 300
# How long after closing a one-tap satisfaction answer still counts.
RATING_WINDOW = timedelta(days=1)
# Queue states a counsellor can accept: waiting now, or a message left outside hours.
ACCEPTABLE = ("waiting", "message")


class CounselError(Exception):
    """A hand-off operation that cannot be done; the message says why (English / Korean)."""


class NotInQueue(CounselError):
    """No waiting hand-off for that conversation."""


class AlreadyHeld(CounselError):
    """Another counsellor holds (or just took) the conversation."""


class NotHolder(CounselError):
    """Only the counsellor holding the conversation may do this."""


class BadInput(CounselError):
    """Text, category or note that cannot be taken."""


def _now() -> datetime:
    return datetime.now(UTC)


def mask(text: str) -> str:
    return mask_personal_numbers(text)


def active_handoff(session: Session, conversation_id: str) -> CounselHandoff | None:
    """The conversation's hand-off in progress (waiting, held, writing or message), if any."""
    return session.scalars(
        select(CounselHandoff)
        .where(
            CounselHandoff.conversation_id == conversation_id,
            CounselHandoff.state.in_(ACTIVE_STATES),
        )
        .order_by(CounselHandoff.id.desc())
        .limit(1)
    ).first()


def join_queue(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    language: str,
    preview: str | None,
    earlier: list[tuple[str, str]],
    open_now: bool,
) -> tuple[CounselHandoff, bool]:
    """The conversation's hand-off: a new one waiting (or, outside hours, asking for a
    message), with the conversation so far in its transcript; (hand-off, created).

    Asking twice returns the hand-off already in progress."""
    current = active_handoff(session, conversation_id)
    if current is not None:
        return current, False
    handoff = CounselHandoff(
        conversation_id=conversation_id,
        channel=channel,
        language=language,
        state="waiting" if open_now else "writing",
        preview=mask(preview)[:PREVIEW_CHARS] if preview else None,
        requested_at=_now(),
    )
    session.add(handoff)
    session.flush()
    for author, text in earlier:
        session.add(
            CounselMessage(
                handoff_id=handoff.id,
                conversation_id=conversation_id,
                author=author,
                text=mask(text),
                at=handoff.requested_at,
            )
        )
    session.commit()
    return handoff, True


def waiting(session: Session) -> list[CounselHandoff]:
    """Conversations waiting now, first come first served."""
    return list(
        session.scalars(
            select(CounselHandoff)
            .where(CounselHandoff.state == "waiting")
            .order_by(CounselHandoff.requested_at, CounselHandoff.id)
        )
    )


def queue(session: Session) -> list[CounselHandoff]:
    """What the console lists: waiting conversations, then messages left outside hours."""
    rows = session.scalars(
        select(CounselHandoff)
        .where(CounselHandoff.state.in_(ACCEPTABLE))
        .order_by(CounselHandoff.requested_at, CounselHandoff.id)
    )
    ordered = sorted(rows, key=lambda row: (row.state != "waiting", row.requested_at, row.id))
    return ordered


def position_of(session: Session, handoff: CounselHandoff) -> int:
    """1 for the first in the queue."""
    ahead = session.scalar(
        select(func.count())
        .select_from(CounselHandoff)
        .where(
            CounselHandoff.state == "waiting",
            (CounselHandoff.requested_at < handoff.requested_at)
            | (
                (CounselHandoff.requested_at == handoff.requested_at)
                & (CounselHandoff.id < handoff.id)
            ),
        )
    )
    return int(ahead or 0) + 1


def expected_wait_seconds(session: Session, position: int, *, default_handling: int) -> int:
    """Position times the recent average handling time, shared among the counsellors now
    holding conversations (at least one)."""
    recent = list(
        session.execute(
            select(CounselHandoff.accepted_at, CounselHandoff.closed_at)
            .where(CounselHandoff.state == "closed", CounselHandoff.accepted_at.is_not(None))
            .order_by(CounselHandoff.closed_at.desc())
            .limit(30)
        )
    )
    durations = [
        (closed - accepted).total_seconds() for accepted, closed in recent if accepted and closed
    ]
    handling = sum(durations) / len(durations) if durations else float(default_handling)
    counsellors = session.scalar(
        select(func.count(func.distinct(CounselHandoff.holder_id))).where(
            CounselHandoff.state == "held"
        )
    )
    return max(30, round(position * handling / max(1, int(counsellors or 0))))


def accept(
    session: Session, *, conversation_id: str, holder_id: int, holder_name: str
) -> CounselHandoff:
    """Give the conversation to this counsellor; AlreadyHeld if someone else has it."""
    candidates = (
        select(CounselHandoff.id)
        .where(
            CounselHandoff.conversation_id == conversation_id,
            CounselHandoff.state.in_(ACCEPTABLE),
            CounselHandoff.holder_id.is_(None),
        )
        .order_by(CounselHandoff.id.desc())
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    handoff_id = session.scalar(candidates)
    claimed = 0
    if handoff_id is not None:
        result = session.execute(
            update(CounselHandoff)
            .where(
                CounselHandoff.id == handoff_id,
                CounselHandoff.holder_id.is_(None),
                CounselHandoff.state.in_(ACCEPTABLE),
            )
            .values(state="held", holder_id=holder_id, holder_name=holder_name, accepted_at=_now())
            .execution_options(synchronize_session=False)
        )
        claimed = int(getattr(result, "rowcount", 0) or 0)
    if claimed != 1:
        session.rollback()
        current = active_handoff(session, conversation_id)
        if current is not None and current.state == "held":
            if current.holder_id == holder_id:
                return current  # accepting again what one holds is harmless
            raise AlreadyHeld(
                "another counsellor holds this conversation / 다른 상담사가 응대 중입니다"
            )
        if current is not None and handoff_id is None and current.state in ACCEPTABLE:
            # Locked by a racing accept on PostgreSQL: it is being taken right now.
            raise AlreadyHeld(
                "another counsellor is taking this conversation / 다른 상담사가 연결 중입니다"
            )
        raise NotInQueue("this conversation is not waiting / 대기 중인 상담이 아닙니다")
    session.commit()
    handoff = session.get(CounselHandoff, handoff_id)
    assert handoff is not None
    session.refresh(handoff)
    return handoff


def held_by(session: Session, conversation_id: str, holder_id: int) -> CounselHandoff:
    handoff = active_handoff(session, conversation_id)
    if handoff is None or handoff.state != "held":
        raise NotInQueue("no counsellor holds this conversation / 응대 중인 상담이 아닙니다")
    if handoff.holder_id != holder_id:
        raise NotHolder(
            "another counsellor holds this conversation / 다른 상담사가 응대 중인 상담입니다"
        )
    return handoff


def clean_text(text: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    text = text.strip()
    if not text:
        raise BadInput("text is blank / 내용이 비어 있습니다")
    if len(text) > limit:
        raise BadInput(f"text is longer than {limit} characters / {limit}자까지 보낼 수 있습니다")
    return text


def add_message(
    session: Session,
    handoff: CounselHandoff,
    *,
    author: str,
    text: str,
    delivery: dict[str, Any] | None = None,
) -> CounselMessage:
    """One transcript line (masked); `delivery` is what the citizen's channel receives."""
    message = CounselMessage(
        handoff_id=handoff.id,
        conversation_id=handoff.conversation_id,
        author=author,
        text=mask(text),
        delivery=delivery,
        at=_now(),
    )
    session.add(message)
    session.commit()
    return message


def deliveries_after(
    session: Session, conversation_id: str, after: int, *, limit: int = 100
) -> list[CounselMessage]:
    """Messages for the citizen of this conversation with ids above the cursor."""
    return list(
        session.scalars(
            select(CounselMessage)
            .where(
                CounselMessage.conversation_id == conversation_id,
                CounselMessage.id > after,
                CounselMessage.delivery.is_not(None),
            )
            .order_by(CounselMessage.id)
            .limit(limit)
        )
    )


def latest_message_id(session: Session) -> int:
    return int(session.scalar(select(func.max(CounselMessage.id))) or 0)


def messages_after(session: Session, after: int, *, limit: int = 200) -> list[CounselMessage]:
    """Every transcript line above the cursor (the console follows its conversations)."""
    return list(
        session.scalars(
            select(CounselMessage)
            .where(CounselMessage.id > after)
            .order_by(CounselMessage.id)
            .limit(limit)
        )
    )


def transcript(session: Session, handoff: CounselHandoff) -> list[CounselMessage]:
    return list(
        session.scalars(
            select(CounselMessage)
            .where(CounselMessage.handoff_id == handoff.id)
            .order_by(CounselMessage.id)
        )
    )


def latest_handoff(session: Session, conversation_id: str) -> CounselHandoff | None:
    return session.scalars(
        select(CounselHandoff)
        .where(CounselHandoff.conversation_id == conversation_id)
        .order_by(CounselHandoff.id.desc())
        .limit(1)
    ).first()


def close(
    session: Session, handoff: CounselHandoff, *, category: str, note: str | None
) -> CounselHandoff:
    if category not in CATEGORIES:
        raise BadInput(f"category must be one of {', '.join(CATEGORIES)} / 상담 분류를 골라 주세요")
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise BadInput(f"note is longer than {MAX_NOTE_CHARS} characters / 메모가 너무 깁니다")
    handoff = _attached(session, handoff)
    handoff.state = "closed"
    handoff.category = category
    handoff.note = mask(note.strip()) if note and note.strip() else None
    handoff.closed_at = _now()
    session.commit()
    return handoff


def _attached(session: Session, handoff: CounselHandoff) -> CounselHandoff:
    """The hand-off as a row of this session (callers may hold one read in another)."""
    row = session.get(CounselHandoff, handoff.id)
    if row is None:
        raise NotInQueue("the hand-off is gone / 상담 기록이 없습니다")
    return row


def leave(session: Session, handoff: CounselHandoff) -> CounselHandoff:
    """The citizen left the queue (or let go of writing a message)."""
    handoff = _attached(session, handoff)
    handoff.state = "left"
    handoff.closed_at = _now()
    session.commit()
    return handoff


def leave_message(session: Session, handoff: CounselHandoff, text: str) -> CounselHandoff:
    """Outside hours: the citizen's message, for a counsellor to answer later."""
    handoff = _attached(session, handoff)
    add_message(session, handoff, author="citizen", text=text)
    handoff.state = "message"
    handoff.preview = mask(text)[:PREVIEW_CHARS]
    session.commit()
    return handoff


def rate(session: Session, conversation_id: str, score: int) -> CounselHandoff | None:
    """Record the one-tap satisfaction answer on the conversation's last closed hand-off."""
    handoff = latest_handoff(session, conversation_id)
    if handoff is None or handoff.state != "closed" or handoff.closed_at is None:
        return None
    if _now() - handoff.closed_at > RATING_WINDOW:
        return None
    handoff.satisfaction = max(1, min(5, score))
    session.commit()
    return handoff


@dataclass(frozen=True)
class CounselStats:
    handoffs: int
    handled: int
    left: int
    waiting_now: int
    average_wait_s: float | None
    average_handling_s: float | None
    categories: dict[str, int]
    satisfaction: dict[int, int]
    average_satisfaction: float | None


def stats(session: Session, *, since: datetime, until: datetime) -> CounselStats:
    """Wait, handling, categories and satisfaction of hand-offs requested in [since, until)."""
    rows = list(
        session.scalars(
            select(CounselHandoff).where(
                CounselHandoff.requested_at >= since, CounselHandoff.requested_at < until
            )
        )
    )
    waits = [
        (row.accepted_at - row.requested_at).total_seconds() for row in rows if row.accepted_at
    ]
    handling = [
        (row.closed_at - row.accepted_at).total_seconds()
        for row in rows
        if row.state == "closed" and row.accepted_at and row.closed_at
    ]
    categories: dict[str, int] = {}
    satisfaction: dict[int, int] = {}
    for row in rows:
        if row.category:
            categories[row.category] = categories.get(row.category, 0) + 1
        if row.satisfaction:
            satisfaction[row.satisfaction] = satisfaction.get(row.satisfaction, 0) + 1
    scores = [row.satisfaction for row in rows if row.satisfaction]
    return CounselStats(
        handoffs=len(rows),
        handled=sum(1 for row in rows if row.state == "closed"),
        left=sum(1 for row in rows if row.state == "left"),
        waiting_now=len(waiting(session)),
        average_wait_s=round(sum(waits) / len(waits), 1) if waits else None,
        average_handling_s=round(sum(handling) / len(handling), 1) if handling else None,
        categories=categories,
        satisfaction=satisfaction,
        average_satisfaction=round(sum(scores) / len(scores), 2) if scores else None,
    )


def counsellor_name(email: str) -> str:
    """The name a citizen sees: the part of the staff email before @ (no full address)."""
    local = email.split("@", 1)[0]
    return local[:40] or "counsellor"
