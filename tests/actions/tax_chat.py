"""A calculator conversation played against the real form actions, turn by turn.

Slots the actions set are carried from one turn to the next as Rasa would; a turn can say
which form was open (a switch) and which actions ran after the message (the form coming back
after a knowledge answer), as Rasa's tracker would show them to the action server.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions.tax_forms import TaxFormValidation
from tests.actions.conftest import TrackerFactory


class Chat:
    """One conversation: slots carried over, the last replies and events kept."""

    def __init__(self, make_tracker: TrackerFactory, form: TaxFormValidation) -> None:
        self.make_tracker = make_tracker
        self.form = form
        self.slots: dict[str, Any] = {}
        self.replies: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def _apply(self, events: list[dict[str, Any]]) -> None:
        self.events = events
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]

    def say(
        self,
        text: str,
        intent: str = "inform",
        *,
        entities: dict[str, str] | None = None,
        metadata: dict[str, Any] | None = None,
        open_form: str | None = None,
        actions_after: tuple[str, ...] = (),
        rejected: str | None = None,
    ) -> dict[str, Any]:
        """Run the form's validation on one message; return its (last) reply.

        `open_form` is the form active when this one runs (another one: a switch);
        `actions_after` are the actions Rasa ran after the message before this form;
        `rejected` a form that rejected the message first.
        """
        dispatcher = CollectingDispatcher()
        tracker = self.make_tracker(
            text,
            intent,
            entities=[{"entity": k, "value": v} for k, v in (entities or {}).items()],
            slots=self.slots,
            metadata=metadata,
        )
        if open_form is not None:
            tracker.active_loop = {"name": open_form}
        if rejected is not None:
            tracker.events.append({"event": "action_execution_rejected", "name": rejected})
        for name in (*actions_after, self.form.form_name()):
            tracker.events.append({"event": "action", "name": name})
        self._apply(asyncio.run(self.form.run(dispatcher, tracker, {})))
        self.replies = [message["custom"] for message in dispatcher.messages]
        return self.replies[-1] if self.replies else {}

    def run(
        self, action: Action, text: str, intent: str, *, open_form: str | None = None
    ) -> dict[str, Any]:
        """Run another action on one message (sync or async), as Rasa would after the form."""
        dispatcher = CollectingDispatcher()
        tracker = self.make_tracker(text, intent, slots=self.slots)
        if open_form is not None:
            tracker.active_loop = {"name": open_form}
        events = action.run(dispatcher, tracker, {})
        self._apply(asyncio.run(events) if inspect.isawaitable(events) else events)
        self.replies = [message["custom"] for message in dispatcher.messages]
        return self.replies[-1] if self.replies else {}

    @property
    def requested(self) -> Any:
        return self.slots.get("requested_slot")


def payloads(reply: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in reply.get("buttons", [])]
