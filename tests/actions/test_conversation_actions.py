"""Greeting, capabilities, language, easy mode, hand-off: messages and events they produce."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.counsellor import ActionAffirm, ActionDeny, ActionFallback, ActionHandoff
from actions.preferences import ActionChangeLanguage, ActionEasyMode
from actions.small_talk import ActionCapabilities, ActionGreet, ActionOutOfScope
from tests.actions.conftest import TrackerFactory, run_action


def replies(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [message["custom"] for message in dispatcher.messages]


def test_korean_greeting_lists_services_in_korean(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = run_action(ActionGreet(), dispatcher, make_tracker("안녕하세요", "greet"), {})
    [reply] = replies(dispatcher)
    assert reply["language"] == "ko"
    assert "해치" in reply["text"] and "증명서" in reply["text"]
    assert any(b["payload"] == "/human_handoff" for b in reply["buttons"])
    assert SlotSet("language", "ko") in events


def test_english_capabilities_answer_in_english(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    run_action(
        ActionCapabilities(), dispatcher, make_tracker("What can you do?", "ask_capabilities"), {}
    )
    [reply] = replies(dispatcher)
    assert reply["language"] == "en"
    for service in ("120", "tax", "documents", "landmarks", "proposals", "counsellor"):
        assert service in reply["text"].lower()


def test_ambiguous_text_keeps_the_session_language(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ok", "greet", slots={"language": "en"})
    events = run_action(ActionGreet(), dispatcher, tracker, {})
    assert replies(dispatcher)[0]["language"] == "en"
    assert events == []


def test_easy_mode_from_channel_metadata_gives_the_short_greeting(
    make_tracker: TrackerFactory,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("안녕", "greet", metadata={"easy_mode": True})
    events = run_action(ActionGreet(), dispatcher, tracker, {})
    assert replies(dispatcher)[0]["text"] == "안녕하세요. 해치예요. 무엇을 도와드릴까요?"
    assert SlotSet("easy_mode", True) in events


def test_handoff_gives_the_120_number_and_requested_state(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    run_action(
        ActionHandoff(), dispatcher, make_tracker("상담사 연결해 주세요", "human_handoff"), {}
    )
    [reply] = replies(dispatcher)
    assert reply["handoff"] == {"state": "requested", "phone": "120"}
    assert "120" in reply["text"]


def test_nonsense_offers_a_counsellor_and_yes_accepts(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = run_action(
        ActionFallback(), dispatcher, make_tracker("뷁뷁 쀍쀍쀍", "nlu_fallback"), {}
    )
    [offer] = replies(dispatcher)
    assert offer["handoff"]["state"] == "offered"
    assert "상담사" in offer["text"]
    assert SlotSet("pending_offer", "handoff") in events

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("네", "affirm", slots={"pending_offer": "handoff", "language": "ko"})
    events = run_action(ActionAffirm(), dispatcher, tracker, {})
    assert replies(dispatcher)[0]["handoff"]["state"] == "requested"
    assert SlotSet("pending_offer", None) in events


def test_yes_with_nothing_pending_does_not_hand_off(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    run_action(ActionAffirm(), dispatcher, make_tracker("네", "affirm"), {})
    assert "handoff" not in replies(dispatcher)[0]


def test_no_clears_the_offer(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("아니요", "deny", slots={"pending_offer": "handoff"})
    events = run_action(ActionDeny(), dispatcher, tracker, {})
    assert SlotSet("pending_offer", None) in events
    assert replies(dispatcher)[0]["buttons"]


def test_fallback_still_answers_when_the_knowledge_base_knows(
    make_tracker: TrackerFactory,
) -> None:
    dispatcher = CollectingDispatcher()
    run_action(
        ActionFallback(), dispatcher, make_tracker("대형폐기물 버리는 방법", "nlu_fallback"), {}
    )
    [reply] = replies(dispatcher)
    assert "handoff" not in reply
    assert "대형폐기물" in reply["card"]["title"] or "대형폐기물" in reply["text"]


def test_change_language_written_in_korean_switches_to_english(
    make_tracker: TrackerFactory,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "영어로 말해줘",
        "change_language",
        entities=[{"entity": "language", "value": "en"}],
    )
    events = run_action(ActionChangeLanguage(), dispatcher, tracker, {})
    assert replies(dispatcher)[0]["language"] == "en"
    assert events == [SlotSet("language", "en")]


def test_unsupported_language_is_declined_politely(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "일본어로 해주세요", "change_language", entities=[{"entity": "language", "value": "ja"}]
    )
    events = run_action(ActionChangeLanguage(), dispatcher, tracker, {})
    assert "한국어와 영어" in replies(dispatcher)[0]["text"]
    assert SlotSet("language", "ja") not in events


def test_easy_mode_sets_the_slot(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    events = run_action(ActionEasyMode(), dispatcher, make_tracker("쉽게 말해줘", "easy_mode"), {})
    assert SlotSet("easy_mode", True) in events


def test_out_of_scope_is_polite_and_offers_the_menu(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    run_action(ActionOutOfScope(), dispatcher, make_tracker("주식 추천해줘", "out_of_scope"), {})
    [reply] = replies(dispatcher)
    assert reply["text"].startswith("죄송합니다")
    assert len(reply["buttons"]) >= 5
