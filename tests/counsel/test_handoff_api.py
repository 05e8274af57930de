"""The hand-off through the gateway (Rasa stood in): queue, accept, relay, close, rating, and
that nobody can use the routes for someone else's conversation."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.counsel.conftest import CounselApp, open_counsel_app

KIM = "kim@seoul.go.kr"
LEE = "lee@seoul.go.kr"


def events(
    app: CounselApp, session_id: str, auth: dict[str, str], after: int = 0, **params: Any
) -> dict[str, Any]:
    response = app.client.get(
        "/api/v1/chat/events",
        params={"session_id": session_id, "after": after, "wait": params.pop("wait", 0), **params},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def queued(
    app: CounselApp, text: str = "상담사 연결해 주세요"
) -> tuple[str, dict[str, str], dict[str, Any]]:
    session_id, auth = app.new_citizen()
    app.say(session_id, auth, "자동차세 언제 내요? 제 번호는 010-1234-5678이에요")
    reply = app.say(session_id, auth, text)
    [message] = reply["messages"]
    return session_id, auth, message


def test_a_web_conversation_is_queued_held_relayed_and_given_back(counsel_app: CounselApp) -> None:
    app = counsel_app
    first, first_auth, told = queued(app)
    assert told["handoff"]["state"] == "queued"
    assert told["handoff"]["position"] == 1
    assert told["handoff"]["expected_wait_s"] > 0
    assert "1번째" in told["text"] and "대기" in told["text"]
    assert told["buttons"] == [{"title": "대기 취소", "payload": "/counsel_leave"}]
    second, second_auth, behind = queued(app)
    assert behind["handoff"]["position"] == 2

    queue = app.client.get("/api/v1/counsel/queue", headers=app.bearer(KIM)).json()
    assert [item["conversation_id"] for item in queue] == [f"web:{first}", f"web:{second}"]
    assert queue[0]["channel"] == "web" and queue[0]["waiting_since"]
    # The question before the request, masked.
    assert queue[0]["preview"] == "자동차세 언제 내요? 제 번호는 ***-****-****이에요"

    accepted = app.client.post(f"/api/v1/counsel/web:{first}/accept", headers=app.bearer(KIM))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["counsellor"] == "kim"
    assert app.rasa.appended == [(f"web:{first}", [{"event": "pause"}])]
    # The second citizen moved up, and is told so without asking.
    moved = events(app, second, second_auth)
    assert moved["messages"][-1]["handoff"] == {
        "state": "queued",
        "position": 1,
        "expected_wait_s": moved["messages"][-1]["handoff"]["expected_wait_s"],
    }
    connected = events(app, first, first_auth)
    [hello] = connected["messages"]
    assert hello["handoff"]["state"] == "connected" and hello["handoff"]["counsellor"] == "kim"
    cursor = connected["cursor"]

    # Held: the agent stays silent; the counsellor gets the question instead.
    before = len(app.rasa.sent)
    silent = app.say(first, first_auth, "자동차세 언제 내요?")
    assert silent["messages"] == []
    assert len(app.rasa.sent) == before

    transcript = app.client.get(f"/api/v1/counsel/web:{first}/transcript", headers=app.bearer(KIM))
    lines = [(line["author"], line["text"]) for line in transcript.json()["messages"]]
    assert ("citizen", "자동차세 언제 내요? 제 번호는 ***-****-****이에요") in lines
    assert lines[-1] == ("citizen", "자동차세 언제 내요?")
    assert all("010-1234-5678" not in said for _, said in lines)

    typed = app.client.post(f"/api/v1/counsel/web:{first}/typing", headers=app.bearer(KIM))
    assert typed.status_code == 204
    assert events(app, first, first_auth, after=cursor)["typing"] is True
    sent = app.client.post(
        f"/api/v1/counsel/web:{first}/messages",
        json={"text": "6월과 12월에 내시면 됩니다. 연납하시면 공제도 있어요."},
        headers=app.bearer(KIM),
    )
    assert sent.status_code == 201, sent.text
    pushed = events(app, first, first_auth, after=cursor, typing=True)
    [relayed] = pushed["messages"]
    assert relayed["text"] == "6월과 12월에 내시면 됩니다. 연납하시면 공제도 있어요."
    assert relayed["counsellor"] == "kim"
    assert pushed["typing"] is False

    closed = app.client.post(
        f"/api/v1/counsel/web:{first}/close",
        json={"category": "tax", "note": "연납 안내, 회신 번호 010-9876-5432"},
        headers=app.bearer(KIM),
    )
    assert closed.status_code == 200, closed.text
    assert app.rasa.appended[-1] == (f"web:{first}", [{"event": "resume"}])
    [goodbye] = events(app, first, first_auth, after=pushed["cursor"])["messages"]
    assert goodbye["handoff"]["state"] == "closed"
    assert "만족" in goodbye["text"]
    rating = goodbye["buttons"][0]["payload"]
    assert rating == '/counsel_rating{"score": 5}'
    thanks = app.say(first, first_auth, rating)
    assert "감사" in thanks["messages"][0]["text"]

    # The agent answers again.
    again = app.say(first, first_auth, "자동차세 언제 내요?")
    assert again["messages"][0]["text"].startswith("자동차세는")

    stats = app.client.get("/api/v1/counsel/stats", headers=app.bearer(KIM)).json()
    assert stats["handled"] == 1 and stats["categories"] == {"tax": 1}
    assert stats["satisfaction"] == {"5": 1} and stats["average_wait_s"] is not None
    assert stats["waiting_now"] == 1


def test_while_waiting_each_turn_joins_the_transcript_in_order(counsel_app: CounselApp) -> None:
    app = counsel_app
    session_id, auth, told = queued(app)
    assert told["handoff"]["state"] == "queued"
    assert app.rasa.tracker_reads == [f"web:{session_id}"]  # the conversation so far, once
    for question in ("재산세는 언제 내요?", "등본은 어디서 떼요?", "What about the car tax?"):
        reply = app.say(session_id, auth, question)
        assert reply["messages"][0]["text"]  # the agent keeps answering
    again = app.say(session_id, auth, "상담사 연결해 주세요")  # asked again while waiting
    assert again["messages"][0]["handoff"]["state"] == "queued"
    assert again["messages"][0]["handoff"]["position"] == 1
    assert app.rasa.tracker_reads == [f"web:{session_id}"]  # the queue has it already
    app.say(session_id, auth, "고마워요")
    transcript = app.client.get(
        f"/api/v1/counsel/web:{session_id}/transcript", headers=app.bearer(KIM)
    )
    lines = [(line["author"], line["text"]) for line in transcript.json()["messages"]]
    asked = [said for author, said in lines if author == "citizen"]
    assert asked[-5:] == [
        "재산세는 언제 내요?",
        "등본은 어디서 떼요?",
        "What about the car tax?",
        "상담사 연결해 주세요",
        "고마워요",
    ]
    # After each question the agent's answer, before the next question.
    after_first = lines.index(("citizen", "재산세는 언제 내요?"))
    assert [author for author, _ in lines[after_first:]] == [
        "citizen",
        "agent",
        "citizen",
        "agent",
        "citizen",
        "agent",
        "citizen",  # the repeated request: the queue's own reply is not a transcript line
        "citizen",
        "agent",
    ]


def test_two_counsellors_racing_for_one_conversation_one_gets_409(counsel_app: CounselApp) -> None:
    app = counsel_app
    session_id, _, _ = queued(app)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def accept(email: str) -> None:
        barrier.wait()
        response = app.client.post(
            f"/api/v1/counsel/web:{session_id}/accept", headers=app.bearer(email)
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=accept, args=(email,)) for email in (KIM, LEE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    # Only the holder may speak in it.
    holder = app.client.get(f"/api/v1/counsel/web:{session_id}/transcript", headers=app.bearer(KIM))
    other = LEE if holder.json()["counsellor"] == "kim" else KIM
    refused = app.client.post(
        f"/api/v1/counsel/web:{session_id}/messages",
        json={"text": "안녕하세요"},
        headers=app.bearer(other),
    )
    assert refused.status_code == 403


def test_leaving_the_queue_moves_the_others_up(counsel_app: CounselApp) -> None:
    app = counsel_app
    first, first_auth, _ = queued(app)
    second, second_auth, _ = queued(app, "I need a counsellor please")
    left = app.say(first, first_auth, "/counsel_leave")
    assert left["messages"][0]["handoff"]["state"] == "left"
    moved = events(app, second, second_auth)["messages"][-1]
    assert moved["handoff"]["position"] == 1
    assert moved["text"].startswith("You are now number 1")
    queue = app.client.get("/api/v1/counsel/queue", headers=app.bearer(KIM)).json()
    assert [item["conversation_id"] for item in queue] == [f"web:{second}"]
    assert queue[0]["language"] == "en"


def test_outsiders_cannot_use_the_routes(counsel_app: CounselApp) -> None:
    app = counsel_app
    session_id, auth, _ = queued(app)
    other_session, other_auth = app.new_citizen()
    # A citizen's events need that conversation's own secret.
    assert (
        app.client.get(
            "/api/v1/chat/events", params={"session_id": session_id, "wait": 0}, headers=other_auth
        ).status_code
        == 403
    )
    assert (
        app.client.get(
            "/api/v1/chat/events", params={"session_id": session_id, "wait": 0}
        ).status_code
        == 403
    )
    assert (
        app.client.get(
            "/api/v1/chat/events",
            params={"session_id": "web:" + session_id, "wait": 0},
            headers=auth,
        ).status_code
        == 422
    )
    target = f"/api/v1/counsel/web:{session_id}"
    for method, path, body in (
        ("GET", "/api/v1/counsel/queue", None),
        ("POST", f"{target}/accept", None),
        ("POST", f"{target}/messages", {"text": "hi"}),
        ("GET", f"{target}/transcript", None),
        ("POST", f"{target}/close", {"category": "tax"}),
    ):
        anonymous = app.client.request(method, path, json=body)
        citizen = app.client.request(method, path, json=body, headers=auth)
        editor = app.client.request(
            method, path, json=body, headers=app.bearer("editor@seoul.go.kr")
        )
        assert (anonymous.status_code, citizen.status_code, editor.status_code) == (
            401,
            401,
            403,
        ), path
    assert (
        app.client.post("/api/v1/counsel/web:s-nobody/accept", headers=app.bearer(KIM)).status_code
        == 404
    )
    app.client.post(f"{target}/accept", headers=app.bearer(KIM))
    bad = app.client.post(f"{target}/close", json={"category": "gossip"}, headers=app.bearer(KIM))
    assert bad.status_code == 422
    blank = app.client.post(f"{target}/messages", json={"text": "   "}, headers=app.bearer(KIM))
    assert blank.status_code == 422


def test_the_console_page_is_for_counsellors(counsel_app: CounselApp) -> None:
    app = counsel_app
    anonymous = app.client.get("/staff/counsel", follow_redirects=False)
    assert anonymous.status_code == 303
    login = app.client.post(
        "/api/v1/staff/auth/login", json={"email": KIM, "password": "해치-counsel-password-1"}
    )
    assert login.status_code == 200
    page = app.client.get("/staff/counsel")
    assert page.status_code == 200 and "data-counsel" in page.text
    assert app.client.get("/staff/counsel/counsel.js").status_code == 200
    with app.client.websocket_connect("/ws/counsel") as socket:
        assert socket.receive_json()["type"] == "hello"
        assert socket.receive_json() == {"type": "queue", "items": []}


def test_the_console_socket_refuses_strangers(counsel_app: CounselApp) -> None:
    app = counsel_app
    app.client.cookies.clear()
    with app.client.websocket_connect("/ws/counsel") as socket:
        socket.send_json({"type": "auth", "token": app.tokens["editor@seoul.go.kr"]})
        message = socket.receive()
        assert message["type"] == "websocket.close" and message["code"] == 1008


@pytest.fixture
def closed_hours_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pytestconfig: pytest.Config,
    counsel_template: tuple[Path, dict[str, str]],
) -> Iterator[CounselApp]:
    # No day is open at 00:00-00:01 all week long except for a minute: the test runs outside.
    yield from open_counsel_app(
        monkeypatch,
        tmp_path,
        pytestconfig,
        counsel_template,
        HAECHI_COUNSEL_HOURS="00:00-00:00",
        HAECHI_COUNSEL_DAYS="mon",
    )


def test_outside_hours_a_message_is_left_and_answered_later(closed_hours_app: CounselApp) -> None:
    app = closed_hours_app
    session_id, auth, told = queued(app)
    assert told["handoff"]["state"] == "leave_message"
    assert "상담 시간" in told["text"] and "월 00:00–00:00" in told["text"]
    left = app.say(session_id, auth, "전입신고 후 주차 등록은 어떻게 하나요?")
    assert left["messages"][0]["handoff"]["state"] == "message_left"
    [item] = app.client.get("/api/v1/counsel/queue", headers=app.bearer(KIM)).json()
    assert (
        item["state"] == "message" and item["preview"] == "전입신고 후 주차 등록은 어떻게 하나요?"
    )
    assert (
        app.client.post(
            f"/api/v1/counsel/web:{session_id}/accept", headers=app.bearer(KIM)
        ).status_code
        == 200
    )
    app.client.post(
        f"/api/v1/counsel/web:{session_id}/messages",
        json={"text": "주민센터에서 거주자 우선주차를 신청하실 수 있습니다."},
        headers=app.bearer(KIM),
    )
    pushed = events(app, session_id, auth)["messages"]
    assert pushed[-1]["text"] == "주민센터에서 거주자 우선주차를 신청하실 수 있습니다."
