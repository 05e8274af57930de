"""Scripted conversations through POST /api/v1/chat, with all three processes running for real."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.stack import RunningStack

pytestmark = pytest.mark.e2e


def say(stack: RunningStack, session: str, text: str, **extra: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat",
        json={"session_id": session, "text": text, **extra},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["messages"], f"no reply to {text!r}"
    return body


def all_text(body: dict[str, Any]) -> str:
    return "\n".join(message["text"] for message in body["messages"])


def new_session() -> str:
    return uuid.uuid4().hex


def test_healthz_reports_every_dependency_and_the_model(stack: RunningStack) -> None:
    body = httpx.get(f"{stack.gateway_url}/healthz", timeout=10).json()
    assert body["status"] == "ok"
    assert set(body["dependencies"]) == {"rasa", "action_server", "database"}
    assert body["model"]["file"].startswith("haechi-") or "haechi-" in body["model"]["file"]


def test_korean_conversation(stack: RunningStack) -> None:
    session = new_session()
    greeting = say(stack, session, "안녕하세요")
    assert greeting["language"] == "ko"
    assert "해치" in all_text(greeting)
    assert greeting["messages"][0]["buttons"]

    capabilities = say(stack, session, "뭐 할 수 있어요?")
    assert "증명서" in all_text(capabilities) and "상담사" in all_text(capabilities)

    tax = say(stack, session, "자동차세 언제 내요?")
    text = all_text(tax)
    assert "6월" in text and "12월" in text, text
    assert tax["messages"][0]["card"]["url"].startswith("https://")

    thanks = say(stack, session, "감사합니다")
    assert thanks["language"] == "ko"


def test_english_conversation(stack: RunningStack) -> None:
    session = new_session()
    greeting = say(stack, session, "Hello there")
    assert greeting["language"] == "en"
    assert "Haechi" in all_text(greeting)

    capabilities = say(stack, session, "What can you do?")
    assert capabilities["language"] == "en"
    assert "tax" in all_text(capabilities).lower()

    tax = say(stack, session, "When do I pay the car tax?")
    assert tax["language"] == "en"
    assert "June" in all_text(tax), all_text(tax)


def test_nonsense_gets_a_polite_fallback_and_yes_reaches_a_counsellor(stack: RunningStack) -> None:
    session = new_session()
    unsure = say(stack, session, "뷁쀍 퓌뤪 쭳쭳")
    assert unsure["language"] == "ko"
    [offer] = [m for m in unsure["messages"] if m.get("handoff")]
    assert offer["handoff"]["state"] == "offered"
    assert "상담사" in offer["text"]

    accepted = say(stack, session, "네")
    # The gateway queues the conversation for a counsellor (tests/e2e/test_counsel_handoff.py).
    assert accepted["messages"][0]["handoff"]["state"] == "queued"
    assert accepted["messages"][0]["handoff"]["position"] >= 1
    assert "120" in all_text(accepted)


@pytest.mark.parametrize(
    ("text", "language"), [("ㅁㄴㅇㄹㅁㄴㅇㄹ", "ko"), ("asdfgh qwerty", "en")]
)
def test_keyboard_mashing_is_not_mistaken_for_a_request(
    stack: RunningStack, text: str, language: str
) -> None:
    body = say(stack, new_session(), text)
    assert body["language"] == language
    assert body["messages"][0]["handoff"]["state"] == "offered"


def test_a_button_payload_goes_straight_to_its_intent(stack: RunningStack) -> None:
    body = say(stack, new_session(), "/human_handoff", language="en")
    assert body["language"] == "en"
    assert body["messages"][0]["handoff"]["state"] == "queued"


def test_services_built_later_answer_from_the_knowledge_base(stack: RunningStack) -> None:
    session = new_session()
    document = say(stack, session, "주민등록등본 떼고 싶어요")
    assert "정부24" in all_text(document)
    proposal = say(stack, session, "서울시에 정책 제안하고 싶어요")
    assert proposal["messages"][0].get("card")
    for body in (document, proposal):
        assert "준비 중" not in all_text(body)


def test_sessions_are_separate_conversations(stack: RunningStack) -> None:
    english, korean = new_session(), new_session()
    say(stack, english, "Hello, what can you do?")
    body = say(stack, korean, "ㅇㅋ")
    assert body["language"] == "ko"


def test_nlu_parse_uses_the_trained_model(stack: RunningStack) -> None:
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/nlu/parse", json={"text": "초본을 발급받고 싶어요"}, timeout=30
    )
    body = response.json()
    assert body["intent"]["name"] == "request_document"
    [entity] = [e for e in body["entities"] if e["entity"] == "document_type"]
    assert (entity["start"], entity["end"], entity["value"]) == (0, 2, "주민등록초본")
    assert body["intent_ranking"][0]["name"] == "request_document"


def test_bad_input_is_refused_with_a_reason_not_a_500(stack: RunningStack) -> None:
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat", json={"session_id": "x", "text": ""}, timeout=10
    )
    assert response.status_code == 422


def test_one_conversation_meets_each_search_decision(stack: RunningStack) -> None:
    """answer (the entry as a card with its source), clarify (entries to pick from as buttons,
    and a pick answers), hand-off (a counsellor offered) — in one session, in that order."""
    session = new_session()
    answered = say(stack, session, "따릉이 빌리는 방법 알려주세요")
    card = answered["messages"][0].get("card")
    assert card and card["url"].startswith("https://"), answered
    assert "따릉이" in card["title"]

    vague = say(stack, session, "세금")
    buttons = vague["messages"][-1].get("buttons") or []
    picks = [button for button in buttons if button["payload"].startswith("/faq{")]
    assert 1 <= len(picks) <= 3, vague
    assert buttons[-1]["payload"] == "/human_handoff"
    picked = say(stack, session, picks[0]["payload"])
    assert picked["messages"][0].get("card"), picked

    lost = say(stack, session, "화성 이주 프로그램에 참가하고 싶어요")
    assert lost["messages"][-1]["handoff"]["state"] == "offered", lost
