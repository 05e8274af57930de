"""Knowledge-base answers: the tax slice, services answered from the KB, buttons, languages."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.knowledge_answers import ActionAnswerQuestion, ActionServiceInfo
from knowledge import morphemes
from knowledge.knowledge_base import KnowledgeBase
from knowledge.models import UnansweredQuestion
from tests.actions.conftest import TrackerFactory, run_action


def only_reply(dispatcher: CollectingDispatcher) -> dict[str, Any]:
    [message] = dispatcher.messages
    custom: dict[str, Any] = message["custom"]
    return custom


def test_vehicle_tax_due_date_comes_from_the_knowledge_base(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    run_action(
        ActionAnswerQuestion(), dispatcher, make_tracker("자동차세 언제 내요?", "tax_question"), {}
    )
    reply = only_reply(dispatcher)
    assert "6월" in reply["text"] and "12월" in reply["text"]
    assert reply["card"]["url"].startswith("https://")
    assert reply["language"] == "ko"


def test_english_question_gets_the_english_answer(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("When is the car tax due?", "tax_question")
    run_action(ActionAnswerQuestion(), dispatcher, tracker, {})
    reply = only_reply(dispatcher)
    assert reply["language"] == "en"
    assert "June" in reply["text"] and "December" in reply["text"]


def test_a_picked_button_answers_that_entry(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        '/faq{"entry_id": "faq-bulky-waste"}',
        "faq",
        entities=[{"entity": "entry_id", "value": "faq-bulky-waste"}],
        slots={"language": "ko"},
    )
    run_action(ActionAnswerQuestion(), dispatcher, tracker, {})
    assert "대형" in only_reply(dispatcher)["card"]["title"]


def test_unknown_question_offers_a_counsellor(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    run_action(ActionAnswerQuestion(), dispatcher, make_tracker("화성 이주 신청서", "faq"), {})
    assert only_reply(dispatcher)["handoff"]["state"] == "offered"


def test_document_request_answers_where_to_get_that_document(
    make_tracker: TrackerFactory,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "초본 발급받고 싶어요",
        "request_document",
        entities=[{"entity": "document_type", "value": "주민등록초본"}],
    )
    run_action(ActionServiceInfo(), dispatcher, tracker, {})
    reply = only_reply(dispatcher)
    assert "초본" in reply["card"]["title"]
    assert "정부24" in reply["text"]


def test_services_built_later_answer_what_they_are_never_coming_soon(
    make_tracker: TrackerFactory,
) -> None:
    for text, intent in [
        ("시에 정책 제안하고 싶어요", "submit_proposal"),
        ("회의실 예약하고 싶어요", "book_room"),
        ("서울 관광지 알려줘", "landmark_info"),
        ("증명서 떼고 싶어요", "request_document"),
        ("2천cc 차 자동차세 얼마예요", "calc_vehicle_tax"),
    ]:
        dispatcher = CollectingDispatcher()
        run_action(ActionServiceInfo(), dispatcher, make_tracker(text, intent), {})
        reply = only_reply(dispatcher)
        assert reply["text"], intent
        assert "준비 중" not in reply["text"] and "coming soon" not in reply["text"].lower()
        assert reply.get("card"), intent


def test_entries_under_review_say_so(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    run_action(
        ActionServiceInfo(), dispatcher, make_tracker("제안하고 싶어요", "submit_proposal"), {}
    )
    reply = only_reply(dispatcher)
    assert reply["card"]["needs_review"] is True
    assert "확인" in reply["text"]


def test_easy_mode_shortens_the_answer(make_tracker: TrackerFactory) -> None:
    full = CollectingDispatcher()
    easy = CollectingDispatcher()
    text = "대형폐기물 버리는 방법"
    run_action(ActionAnswerQuestion(), full, make_tracker(text, "faq"))
    run_action(ActionAnswerQuestion(), easy, make_tracker(text, "faq", slots={"easy_mode": True}))
    assert len(only_reply(easy)["text"]) < len(only_reply(full)["text"])


def test_a_miss_is_recorded_masked_for_staff(
    make_tracker: TrackerFactory, seeded_knowledge_base: KnowledgeBase
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "화성 이주 신청서 010-1234-5678", "faq", metadata={"channel": "telegram"}
    )
    run_action(ActionAnswerQuestion(), dispatcher, tracker, {})
    with Session(seeded_knowledge_base.engine) as session:
        record = session.scalars(
            select(UnansweredQuestion).order_by(UnansweredQuestion.id.desc())
        ).first()
    assert record is not None
    assert record.question == "화성 이주 신청서 ***-****-****"
    assert (record.channel, record.language, record.decision) == ("telegram", "ko", "handoff")


def test_a_vague_question_offers_the_closest_entries_as_buttons(
    make_tracker: TrackerFactory,
) -> None:
    """'clarify': up to three entries to pick from, and always a way to a counsellor."""
    dispatcher = CollectingDispatcher()
    run_action(ActionAnswerQuestion(), dispatcher, make_tracker("세금", "faq"), {})
    reply = only_reply(dispatcher)
    buttons = reply["buttons"]
    entry_buttons = [button for button in buttons if button["payload"].startswith("/faq{")]
    assert 1 <= len(entry_buttons) <= 3
    assert buttons[-1]["payload"] == "/human_handoff"
    assert "card" not in reply and "handoff" not in reply
    picked = entry_buttons[0]["payload"]
    entry_id = picked.split('"entry_id": "')[1].split('"')[0]
    assert entry_id.startswith("tax-"), picked


def test_a_question_with_the_gateways_morphemes_is_answered_without_kiwi(
    make_tracker: TrackerFactory, seeded_knowledge_base: KnowledgeBase
) -> None:
    seeded_knowledge_base.index()  # built (and its terms analysed) before Kiwi is dropped
    text = "자동차세언제내요"
    sent = morphemes.analysis(text)  # what the gateway adds to the message's metadata
    morphemes.release()
    morphemes._shared.clear()
    try:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, "tax_question", metadata={"morphemes": sent})
        run_action(ActionAnswerQuestion(), dispatcher, tracker, {})
        assert "6월" in only_reply(dispatcher)["text"]
        assert not morphemes.kiwi_loaded()
    finally:
        morphemes._shared.clear()
