"""The counsellor queue on both databases: order, positions, one holder under a race, records."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from civic.counsel import queue as counsel
from civic.counsel.hours import BadHours, CounselHours
from knowledge.database import make_engine, make_session_factory
from knowledge.staff_accounts import create_account

PASSWORD = "해치-queue-password-1"


def counsellors(session: Session) -> tuple[int, int]:
    first = create_account(
        session, email="kim@seoul.go.kr", role="counsellor", password=PASSWORD, actor="t"
    )
    second = create_account(
        session, email="lee@seoul.go.kr", role="counsellor", password=PASSWORD, actor="t"
    )
    return first.id, second.id


def join(
    session: Session, conversation_id: str, *, open_now: bool = True
) -> counsel.CounselHandoff:
    handoff, _ = counsel.join_queue(
        session,
        conversation_id=conversation_id,
        channel=conversation_id.partition(":")[0],
        language="ko",
        preview="주민번호 900101-1234567로 조회가 안 돼요",
        earlier=[
            ("citizen", "카드 1234-5678-9012-3456 결제가 안 돼요"),
            ("agent", "확인해 볼게요"),
        ],
        open_now=open_now,
    )
    return handoff


def test_first_come_first_served_with_positions_and_masked_records(session: Session) -> None:
    first = join(session, "web:s-a")
    second = join(session, "telegram:42")
    again, created = counsel.join_queue(
        session,
        conversation_id="web:s-a",
        channel="web",
        language="ko",
        preview=None,
        earlier=[],
        open_now=True,
    )
    assert (again.id, created) == (first.id, False)
    assert [counsel.position_of(session, h) for h in (first, second)] == [1, 2]
    assert first.preview == "주민번호 ######-#######로 조회가 안 돼요"
    lines = [(m.author, m.text) for m in counsel.transcript(session, first)]
    assert lines == [
        ("citizen", "카드 ####-####-####-#### 결제가 안 돼요"),
        ("agent", "확인해 볼게요"),
    ]
    wait = counsel.expected_wait_seconds(session, 2, default_handling=300)
    assert wait == 600


def test_of_two_counsellors_racing_exactly_one_holds_the_conversation(
    session: Session, database_url: str
) -> None:
    kim, lee = counsellors(session)
    join(session, "web:s-race")
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(holder: int, name: str) -> None:
        with factory() as own:
            barrier.wait()
            try:
                counsel.accept(
                    own, conversation_id="web:s-race", holder_id=holder, holder_name=name
                )
                outcomes.append("held")
            except counsel.AlreadyHeld:
                outcomes.append("409")

    threads = [threading.Thread(target=accept, args=args) for args in ((kim, "kim"), (lee, "lee"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert sorted(outcomes) == ["409", "held"]
    session.expire_all()
    held = counsel.active_handoff(session, "web:s-race")
    assert held is not None and held.state == "held" and held.holder_id in (kim, lee)
    with pytest.raises(counsel.AlreadyHeld):
        counsel.accept(
            session,
            conversation_id="web:s-race",
            holder_id=lee if held.holder_id == kim else kim,
            holder_name="x",
        )
    with pytest.raises(counsel.NotInQueue):
        counsel.accept(session, conversation_id="web:s-nobody", holder_id=kim, holder_name="kim")


def test_close_rate_and_stats(session: Session) -> None:
    kim, _ = counsellors(session)
    handoff = join(session, "web:s-stats")
    counsel.accept(session, conversation_id="web:s-stats", holder_id=kim, holder_name="kim")
    with pytest.raises(counsel.BadInput):
        counsel.close(session, handoff, category="gossip", note=None)
    counsel.close(session, handoff, category="documents", note="회신 010-1234-5678")
    assert counsel.latest_handoff(session, "web:s-stats").note == "회신 ***-****-****"  # type: ignore[union-attr]
    assert counsel.rate(session, "web:s-stats", 4) is not None
    gone = join(session, "web:s-gone")
    counsel.leave(session, gone)
    now = datetime.now(UTC)
    stats = counsel.stats(session, since=now - timedelta(hours=1), until=now + timedelta(hours=1))
    assert (stats.handoffs, stats.handled, stats.left) == (2, 1, 1)
    assert stats.categories == {"documents": 1} and stats.satisfaction == {4: 1}
    assert stats.average_wait_s is not None and stats.average_handling_s is not None


def test_outside_hours_the_hand_off_waits_for_a_message(session: Session) -> None:
    handoff = join(session, "telegram:7", open_now=False)
    assert handoff.state == "writing"
    assert counsel.queue(session) == []
    counsel.leave_message(session, handoff, "내일 연락 주세요")
    [item] = counsel.queue(session)
    assert item.state == "message" and item.preview == "내일 연락 주세요"


def test_counselling_hours_in_seoul_time() -> None:
    hours = CounselHours.parse("09:00-18:00", "mon,tue,wed,thu,fri")
    monday_10_seoul = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 10:00 KST, a Monday
    assert hours.is_open(monday_10_seoul)
    assert not hours.is_open(monday_10_seoul + timedelta(hours=9))  # 19:00
    assert not hours.is_open(monday_10_seoul + timedelta(days=5))  # Saturday
    assert hours.describe("ko") == "평일 09:00–18:00"
    assert hours.describe("en") == "weekdays 09:00–18:00"
    always = CounselHours.parse("00:00-24:00", "mon,tue,wed,thu,fri,sat,sun")
    assert always.is_open(monday_10_seoul + timedelta(hours=14, minutes=59))
    for span, days in (("9-18", "mon"), ("09:00-18:00", "someday"), ("25:00-26:00", "mon")):
        with pytest.raises(BadHours):
            CounselHours.parse(span, days)
