"""What an action needs to know about the conversation: language, easy mode, and how to reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from agent.language import choose_language
from agent.reply import Button, ReplyMessage
from knowledge import morphemes


@dataclass
class Turn:
    """One turn's reply context, read from the tracker once per action run."""

    language: str
    easy_mode: bool
    text: str
    metadata: dict[str, Any]
    events: list[EventType] = field(default_factory=list)

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Turn:
        latest = tracker.latest_message or {}
        metadata = latest.get("metadata") or {}
        if not isinstance(metadata, dict):
            metadata = {}
        text = str(latest.get("text") or "")
        # The gateway's analysis of this message: searching it then needs no Kiwi here.
        morphemes.remember(metadata.get("morphemes"))
        current = tracker.get_slot("language")
        language = choose_language(requested=metadata.get("language"), text=text, current=current)
        easy_slot = bool(tracker.get_slot("easy_mode"))
        easy_mode = bool(metadata.get("easy_mode", easy_slot))
        turn = cls(language=language, easy_mode=easy_mode, text=text, metadata=metadata)
        if language != current:
            turn.events.append(SlotSet("language", language))
        if easy_mode != easy_slot:
            turn.events.append(SlotSet("easy_mode", easy_mode))
        return turn

    def say(
        self,
        dispatcher: CollectingDispatcher,
        text: str,
        *,
        buttons: list[Button] | None = None,
        **fields: Any,
    ) -> None:
        message = ReplyMessage(
            text=text,
            buttons=buttons,
            language=self.language,
            easy_mode=self.easy_mode,
            **fields,
        )
        dispatcher.utter_message(json_message=message.as_payload())


def intent_payload(intent: str, **entities: str) -> str:
    """A button payload that goes straight to an intent, skipping NLU: /faq{"entry_id": "x"}."""
    if not entities:
        return f"/{intent}"
    pairs = ", ".join(f'"{name}": "{value}"' for name, value in entities.items())
    return f"/{intent}{{{pairs}}}"


def latest_entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None
