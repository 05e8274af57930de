"""nlu/turn_speed.py: the same checks and lookups as Rasa's, without their per-turn cost
(run with the Rasa environment's pytest, Python 3.10)."""

from __future__ import annotations

from typing import Any

import pytest
import rasa.shared.utils.common
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet
from rasa.utils.endpoints import EndpointConfig

from nlu import turn_speed

RASA_RESOLVE = Event.resolve_by_type


def rasa_walk(type_name: str) -> Any:
    for event_class in rasa.shared.utils.common.all_subclasses(Event):
        if event_class.type_name == type_name:
            return event_class
    return None


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    turn_speed.install()
    turn_speed.install()  # twice is harmless (the channel module may be imported again)
    return RemoteAction("action_answer_question", EndpointConfig("http://127.0.0.1:9/webhook"))


def test_a_valid_action_response_passes(action: RemoteAction) -> None:
    response = {
        "events": [{"event": "slot", "name": "language", "value": "ko", "timestamp": None}],
        "responses": [{"text": "자동차세는 6월과 12월에 냅니다."}],
    }
    assert action._validate_action_result(response)


@pytest.mark.parametrize(
    "response",
    [
        {"events": "not a list"},
        {"events": [{"event": "slot", "name": 7}]},
        {"events": [{"name": "language"}]},
        {"responses": [["not", "an", "object"]]},
    ],
)
def test_an_invalid_action_response_is_refused_with_rasas_message(
    action: RemoteAction, response: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(response)


def test_every_event_type_resolves_to_the_class_rasa_finds(action: RemoteAction) -> None:
    subclasses = rasa.shared.utils.common.all_subclasses(Event)
    names = {event_class.type_name for event_class in subclasses}
    assert {"user", "bot", "slot", "action", "session_started"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is rasa_walk(name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    parsed = Event.from_parameters({"event": "slot", "name": "language", "value": "ko"})
    assert parsed == SlotSet("language", "ko")


def test_action_calls_carry_the_same_json_value_in_utf_8() -> None:
    import asyncio
    import json
    import math

    from rasa.utils.endpoints import EndpointConfig

    turn_speed.install()
    call = {
        "next_action": "action_answer_question",
        "tracker": {
            "sender_id": "web:s-1/2",
            "slots": {"language": "ko", "easy_mode": False, "amount": 1200000, "rate": 0.0025},
            "events": [{"event": "user", "text": '자동차세 언제 내요? "연납"\n', "metadata": {}}],
            "latest_message": {"intent": {"name": "faq", "confidence": 0.987654321}},
        },
    }
    text = turn_speed.action_call_json(call)
    assert json.loads(text) == call
    assert "자동차세" in text  # UTF-8 as it is, not \\uXXXX
    assert json.loads(turn_speed.action_call_json({1: "a"})) == {"1": "a"}  # as json.dumps
    # NaN goes as Rasa's json.dumps sends it (not strictly JSON; Python reads it back).
    assert math.isnan(json.loads(turn_speed.action_call_json({"score": math.nan}))["score"])

    async def serialiser() -> object:
        session = EndpointConfig("http://127.0.0.1:9/webhook").session()
        try:
            return session._json_serialize
        finally:
            await session.close()

    assert asyncio.run(serialiser()) is turn_speed.action_call_json
