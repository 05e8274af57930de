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
