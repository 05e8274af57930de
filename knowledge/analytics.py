"""How the agent does: countable events with no message text and no session id in clear.

`record_event` keeps one row per thing worth counting: a citizen message (kind "message", with
the conversation as a keyed hash so conversations per channel per day can be counted), a search
decision, an intent, a hand-off, a tax calculation. The hash key is random per day and deleted
the day after, so the hashes cannot be linked across days or back to a session id.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
import re
import secrets
import threading
import weakref
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.database import make_engine, make_session_factory
from knowledge.staff_models import AnalyticsDayKey, AnalyticsEvent

logger = logging.getLogger(__name__)

EVENT_KINDS = ("message", "decision", "intent", "handoff", "tax_calculation")
_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")


class BadEvent(ValueError):
    pass


def _token(value: str, name: str) -> str:
    # Only identifiers (channel names, intent names, decisions): never free text.
    if not _TOKEN.match(value):
        raise BadEvent(f"{name} {value!r} is not an identifier")
    return value[:80]


# The day's key per database, once read: a key never changes during its day, and asking for
# it on every counted message was a tenth of the gateway's CPU. Only today's is kept.
_day_keys: weakref.WeakKeyDictionary[Any, tuple[str, str]] = weakref.WeakKeyDictionary()


def _day_key(session: Session, day: str) -> str:
    database = session.get_bind()
    known = _day_keys.get(database)
    if known is not None and known[0] == day:
        return known[1]
    key = session.scalar(select(AnalyticsDayKey.key).where(AnalyticsDayKey.day == day))
    if key is None:
        session.execute(delete(AnalyticsDayKey).where(AnalyticsDayKey.day < day))
        session.add(AnalyticsDayKey(day=day, key=secrets.token_hex(32)))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another process made today's key first
        key = session.scalar(select(AnalyticsDayKey.key).where(AnalyticsDayKey.day == day))
    _day_keys[database] = (day, str(key))
    return str(key)


def record_event(
    session: Session,
    *,
    kind: str,
    channel: str,
    detail: str | None = None,
    conversation: str | None = None,
    at: datetime | None = None,
    commit: bool = True,
) -> AnalyticsEvent:
    """Count one event; `conversation` (a sender id) is stored only as the day's keyed hash.

    `commit=False` leaves the commit to the caller, who writes a batch of events at once.
    """
    if kind not in EVENT_KINDS:
        raise BadEvent(f"kind {kind!r} is not one of {', '.join(EVENT_KINDS)}")
    when = at or datetime.now(UTC)
    day = when.astimezone(UTC).date().isoformat()
    subject = None
    if conversation:
        key = _day_key(session, day)
        subject = hmac.new(key.encode(), conversation.encode(), hashlib.sha256).hexdigest()[:32]
    event = AnalyticsEvent(
        kind=kind,
        channel=_token(channel or "unknown", "channel"),
        day=day,
        detail=_token(detail, "detail") if detail else None,
        subject=subject,
        at=when,
    )
    session.add(event)
    if commit:
        session.commit()
    return event


class EventRecorder:
    """Records events for a process that has no session at hand (actions, the agent core).

    Opens its engine on first use; a failure is logged and swallowed: counting must never cost
    a citizen their reply.
    """

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._sessions: sessionmaker[Session] | None = None
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def _factory(self) -> sessionmaker[Session]:
        with self._lock:
            if self._sessions is None:
                self._engine = make_engine(self._url)
                self._sessions = make_session_factory(self._engine)
            return self._sessions

    def record(self, **event: Any) -> None:
        try:
            with self._factory()() as session:
                record_event(session, **event)
        except (SQLAlchemyError, BadEvent) as error:
            logger.warning("analytics event not recorded: %s", type(error).__name__)


@lru_cache(maxsize=4)
def recorder_for(database_url: str) -> EventRecorder:
    return EventRecorder(database_url)


def record(database_url: str, **event: Any) -> None:
    """One-line call for the agent's code paths: count an event, never raise."""
    recorder_for(database_url).record(**event)


def parse_range(start: str | None, end: str | None, *, default_days: int = 30) -> tuple[date, date]:
    """The inclusive day range asked for (ISO dates), defaulting to the last `default_days`."""
    today = datetime.now(UTC).date()
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=default_days - 1)
    except ValueError as error:
        raise BadEvent(f"dates are YYYY-MM-DD: {error}") from None
    if first > last:
        raise BadEvent("from is after to")
    if (last - first).days > 366:
        raise BadEvent("at most one year at a time")
    return first, last


def summary(session: Session, first: date, last: date) -> dict[str, Any]:
    """Every number the analytics page shows, for days first..last (inclusive)."""
    in_range = (AnalyticsEvent.day >= first.isoformat(), AnalyticsEvent.day <= last.isoformat())
    conversations = [
        {"day": day, "channel": channel, "conversations": int(distinct), "messages": int(total)}
        for day, channel, distinct, total in session.execute(
            select(
                AnalyticsEvent.day,
                AnalyticsEvent.channel,
                func.count(func.distinct(AnalyticsEvent.subject)),
                func.count(),
            )
            .where(AnalyticsEvent.kind == "message", *in_range)
            .group_by(AnalyticsEvent.day, AnalyticsEvent.channel)
            .order_by(AnalyticsEvent.day, AnalyticsEvent.channel)
        )
    ]

    def counted(kind: str) -> list[tuple[str, str, int]]:
        return [
            (day, detail or "", int(count))
            for day, detail, count in session.execute(
                select(AnalyticsEvent.day, AnalyticsEvent.detail, func.count())
                .where(AnalyticsEvent.kind == kind, *in_range)
                .group_by(AnalyticsEvent.day, AnalyticsEvent.detail)
                .order_by(AnalyticsEvent.day)
            )
        ]

    decisions: Counter[str] = Counter({"answer": 0, "clarify": 0, "handoff": 0})
    for _day, detail, count in counted("decision"):
        decisions[detail] += count
    total = sum(decisions.values())
    intents: Counter[str] = Counter()
    for _day, detail, count in counted("intent"):
        intents[detail] += count
    tax: dict[str, int] = defaultdict(int)
    tax_by_day: dict[str, int] = defaultdict(int)
    for day, detail, count in counted("tax_calculation"):
        tax[detail] += count
        tax_by_day[day] += count
    handoffs: dict[str, int] = defaultdict(int)
    for day, _detail, count in counted("handoff"):
        handoffs[day] += count
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "conversations": conversations,
        "decisions": dict(decisions),
        "decision_shares": {
            name: round(count / total, 4) if total else 0.0 for name, count in decisions.items()
        },
        "top_intents": [
            {"intent": name, "count": count} for name, count in intents.most_common(10)
        ],
        "tax_calculations": {
            "total": sum(tax.values()),
            "by_kind": dict(tax),
            "by_day": [{"day": day, "count": n} for day, n in sorted(tax_by_day.items())],
        },
        "handoffs": {
            "total": sum(handoffs.values()),
            "by_day": [{"day": day, "count": n} for day, n in sorted(handoffs.items())],
        },
    }


def summary_csv(numbers: dict[str, Any]) -> str:
    """The summary as one long CSV table: section, day, key, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "day", "key", "value"])
    for row in numbers["conversations"]:
        writer.writerow(["conversations", row["day"], row["channel"], row["conversations"]])
        writer.writerow(["messages", row["day"], row["channel"], row["messages"]])
    for name, count in numbers["decisions"].items():
        writer.writerow(["decisions", "", name, count])
    for name, share in numbers["decision_shares"].items():
        writer.writerow(["decision_shares", "", name, share])
    for row in numbers["top_intents"]:
        writer.writerow(["top_intents", "", row["intent"], row["count"]])
    for name, count in numbers["tax_calculations"]["by_kind"].items():
        writer.writerow(["tax_calculations", "", name, count])
    for row in numbers["handoffs"]["by_day"]:
        writer.writerow(["handoffs", row["day"], "", row["count"]])
    for group in numbers.get("top_unanswered", []):
        # Masked when recorded; a cell starting with = + - @ would be a formula in a spreadsheet.
        text = str(group["question"])
        writer.writerow(
            ["top_unanswered", "", "'" + text if text[:1] in "=+-@" else text, group["count"]]
        )
    return out.getvalue()
