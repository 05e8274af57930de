"""Analytics events: counted without text or ids in clear, summarised per day and channel."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.analytics import BadEvent, parse_range, record_event, summary, summary_csv
from knowledge.database import make_engine, make_session_factory, migrate
from knowledge.knowledge_base import KnowledgeBase
from knowledge.staff_models import AnalyticsDayKey, AnalyticsEvent


@pytest.fixture
def session(tmp_path: object) -> Session:
    engine = make_engine(f"sqlite:///{tmp_path}/haechi.db")
    migrate(engine)
    return make_session_factory(engine)()


DAY1 = datetime(2026, 11, 28, 10, tzinfo=UTC)
DAY2 = datetime(2026, 11, 29, 10, tzinfo=UTC)


def test_conversations_per_channel_per_day_count_people_not_messages(session: Session) -> None:
    for sender in ("web:a", "web:a", "web:b"):
        record_event(session, kind="message", channel="web", conversation=sender, at=DAY1)
    record_event(session, kind="message", channel="telegram", conversation="telegram:9", at=DAY1)
    record_event(session, kind="message", channel="web", conversation="web:a", at=DAY2)
    numbers = summary(session, date(2026, 11, 28), date(2026, 11, 29))
    assert numbers["conversations"] == [
        {"day": "2026-11-28", "channel": "telegram", "conversations": 1, "messages": 1},
        {"day": "2026-11-28", "channel": "web", "conversations": 2, "messages": 3},
        {"day": "2026-11-29", "channel": "web", "conversations": 1, "messages": 1},
    ]
    subjects = set(session.scalars(select(AnalyticsEvent.subject)))
    assert not any("web:a" in (subject or "") for subject in subjects)
    # Only the newest day's key is kept: older hashes can no longer be linked to anyone.
    assert list(session.scalars(select(AnalyticsDayKey.day))) == ["2026-11-29"]


def test_decisions_intents_tax_and_handoffs(session: Session) -> None:
    for decision in ("answer", "answer", "answer", "clarify", "handoff"):
        record_event(session, kind="decision", channel="web", detail=decision, at=DAY1)
    for intent in ("faq", "faq", "tax_question"):
        record_event(session, kind="intent", channel="web", detail=intent, at=DAY1)
    record_event(session, kind="tax_calculation", channel="web", detail="vehicle", at=DAY2)
    record_event(session, kind="handoff", channel="telegram", detail="requested", at=DAY2)
    numbers = summary(session, date(2026, 11, 28), date(2026, 11, 29))
    assert numbers["decisions"] == {"answer": 3, "clarify": 1, "handoff": 1}
    assert numbers["decision_shares"]["answer"] == 0.6
    assert numbers["top_intents"][0] == {"intent": "faq", "count": 2}
    assert numbers["tax_calculations"]["by_kind"] == {"vehicle": 1}
    assert numbers["handoffs"] == {"total": 1, "by_day": [{"day": "2026-11-29", "count": 1}]}
    numbers["top_unanswered"] = [{"question": "=HYPERLINK(1)", "count": 2}]
    table = summary_csv(numbers)
    assert table.startswith("section,day,key,value")
    assert "decisions,,answer,3" in table
    assert "'=HYPERLINK(1)" in table


def test_free_text_and_bad_ranges_are_refused(session: Session) -> None:
    with pytest.raises(BadEvent):
        record_event(session, kind="decision", channel="web", detail="주민번호 900101-1234567")
    with pytest.raises(BadEvent):
        record_event(session, kind="gossip", channel="web")
    with pytest.raises(BadEvent):
        parse_range("2026-12-01", "2026-11-01")
    with pytest.raises(BadEvent):
        parse_range("yesterday", None)


def test_the_knowledge_base_counts_turns_and_never_raises(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/kb.db")
    knowledge_base = KnowledgeBase(engine, data_dir=tmp_path)
    knowledge_base.count_turn("web", "web:abc")  # migrates on first use
    knowledge_base.count_turn("web", "web:abc")
    knowledge_base.record_event(kind="decision", channel="web", detail="not an id!")  # refused
    # Counting is queued behind the reply; flushing waits for the background writer.
    assert knowledge_base.flush_events(timeout=30)
    with make_session_factory(engine)() as session:
        today = datetime.now(UTC).date()
        numbers = summary(session, today, today)
    assert numbers["conversations"][0]["conversations"] == 1
    assert numbers["conversations"][0]["messages"] == 2
    assert numbers["decisions"] == {"answer": 0, "clarify": 0, "handoff": 0}
    engine.dispose()


def test_counting_is_queued_and_written_in_batches_that_survive_a_bad_event(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/kb.db")
    knowledge_base = KnowledgeBase(engine, data_dir=tmp_path)
    for number in range(250):
        knowledge_base.count_turn("telegram", f"telegram:{number % 5}")
        if number == 100:
            knowledge_base.record_event(kind="gossip", channel="web")  # refused, alone
    assert knowledge_base.flush_events(timeout=30)
    with make_session_factory(engine)() as session:
        today = datetime.now(UTC).date()
        numbers = summary(session, today, today)
    assert numbers["conversations"] == [
        {"day": today.isoformat(), "channel": "telegram", "conversations": 5, "messages": 250}
    ]
    engine.dispose()


def test_two_processes_hash_a_conversation_with_the_same_days_key(tmp_path: Path) -> None:
    # Each process keeps the day's key once read; both must use the one in the database.
    url = f"sqlite:///{tmp_path}/shared.db"
    migrate(url)
    gateway, actions = make_engine(url), make_engine(url)
    try:
        for engine in (gateway, actions, gateway, actions):
            with make_session_factory(engine)() as session:
                record_event(session, kind="message", channel="web", conversation="web:a", at=DAY1)
        with make_session_factory(gateway)() as session:
            assert len(set(session.scalars(select(AnalyticsEvent.subject)))) == 1
            record_event(session, kind="message", channel="web", conversation="web:a", at=DAY2)
            # A new day, a new key: the old one is gone from the database.
            assert list(session.scalars(select(AnalyticsDayKey.day))) == ["2026-11-29"]
            assert len(set(session.scalars(select(AnalyticsEvent.subject)))) == 2
    finally:
        gateway.dispose()
        actions.dispose()
