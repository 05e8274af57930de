"""Ask Haechi, the unanswered inbox and analytics over the API, with the real search index."""

from __future__ import annotations

from datetime import UTC, datetime

from knowledge.analytics import record_event
from knowledge.curation import record_unanswered
from tests.bot.staff.conftest import StaffApp


def test_ask_the_inbox_and_analytics(staff_app: StaffApp) -> None:
    client = staff_app.client
    # The gateway builds its index on first use (the seed goes into the empty base).
    ask = client.post(
        "/api/v1/staff/ask",
        json={"question": "자동차세 언제 내요?"},
        headers=staff_app.as_role("counsellor"),
    )
    assert ask.status_code == 200, ask.text
    body = ask.json()
    assert body["decision"] == "answer"
    assert body["candidates"][0]["score"] > 0
    assert "6월" in body["reply"]["text"]  # the reply as the citizen gets it
    assert body["reply"]["card"]["title"]

    with staff_app.session() as session:
        for question in ("드론 날려도 되는 공원 있나요", "공원 드론 비행 허가"):
            record_unanswered(
                session, question=question, language="ko", channel="web", decision="handoff"
            )
        record_event(session, kind="decision", channel="web", detail="handoff")
        record_event(session, kind="message", channel="web", conversation="web:x")
    inbox = client.get("/api/v1/staff/unanswered", headers=staff_app.as_role("editor")).json()
    assert inbox["groups"][0]["count"] == 2
    assert inbox["groups"][0]["question"] == "드론 날려도 되는 공원 있나요"

    today = datetime.now(UTC).date().isoformat()
    numbers = client.get(
        "/api/v1/staff/analytics",
        params={"from": today, "to": today},
        headers=staff_app.as_role("reviewer"),
    ).json()
    assert numbers["decisions"]["handoff"] == 1
    assert numbers["conversations"][0]["conversations"] == 1
    assert numbers["top_unanswered"][0]["count"] == 2
    table = client.get("/api/v1/staff/analytics.csv", headers=staff_app.as_role("reviewer"))
    assert table.headers["content-type"].startswith("text/csv")
    assert "top_unanswered,,드론 날려도 되는 공원 있나요,2" in table.text
    bad = client.get(
        "/api/v1/staff/analytics", params={"from": "soon"}, headers=staff_app.as_role("admin")
    )
    assert bad.status_code == 422
