"""NPC redirects answered by the agent: session start sets the slots, the action says where."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.npc_redirects import ActionNpcRedirect, ActionSessionStart
from tests.actions.conftest import TrackerFactory, run_action

OFFERS = [
    {
        "topic": "tax",
        "intents": ["tax_question", "calc_vehicle_tax"],
        "text": {
            "ko": "세금 문의는 택스스퀘어의 세무 상담관이 안내해 드립니다.",
            "en": "Tax Square.",
        },
        "button": {"ko": "택스스퀘어로 가기", "en": "Go to Tax Square"},
        "payload": "go:tax_square/tax_officer",
    }
]


def test_session_start_sets_the_npcs_redirect_slots_and_keeps_the_others() -> None:
    tracker = Tracker(
        sender_id="world:k:landmark_guide",
        slots={
            "language": "en",
            "session_started_metadata": {"npc": "landmark_guide", "npc_redirects": OFFERS},
        },
        latest_message={},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )
    events = run_action(ActionSessionStart(), CollectingDispatcher(), tracker)
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    slots = {event["name"]: event["value"] for event in events if event["event"] == "slot"}
    assert slots["language"] == "en"  # carried over
    assert slots["redirect_tax"] is True
    assert slots["redirect_landmarks"] is False
    assert "session_started_metadata" not in slots


def test_the_redirect_names_the_colleague_with_a_button(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "자동차세 얼마 나와요?", "calc_vehicle_tax", metadata={"npc_redirects": OFFERS}
    )
    run_action(ActionNpcRedirect(), dispatcher, tracker)
    [reply] = [message["custom"] for message in dispatcher.messages]
    assert reply["text"].startswith("세금 문의는 택스스퀘어의")
    assert reply["buttons"] == [
        {"title": "택스스퀘어로 가기", "payload": "go:tax_square/tax_officer"}
    ]
    assert reply["npc"] == {"emote": "smile", "gesture": "point"}


def test_without_offers_the_action_asks_again_and_clears_the_slots(
    make_tracker: TrackerFactory,
) -> None:
    dispatcher = CollectingDispatcher()
    events = run_action(ActionNpcRedirect(), dispatcher, make_tracker("tax please", "tax_question"))
    assert dispatcher.messages
    assert {event["name"] for event in events if event["event"] == "slot"} >= {"redirect_tax"}
