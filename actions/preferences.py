"""The citizen's choices about the conversation itself: reply language and easy mode."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn, latest_entity
from actions.language_texts import language_line
from actions.menus import main_menu
from actions.texts import line
from knowledge.language import SUPPORTED_LANGUAGES, normalise_language
from knowledge.translation.languages import language_name


def _visitor_language(turn: Turn) -> str | None:
    visitor = turn.metadata.get("visitor_language")
    return visitor if isinstance(visitor, str) else None


class ActionChangeLanguage(Action):
    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Switch to the named language; "영어로" written in Korean still means English."""
        turn = Turn.from_tracker(tracker)
        asked = latest_entity(tracker, "language") or _visitor_language(turn)
        chosen = normalise_language(asked)
        if asked and chosen is None and asked == _visitor_language(turn):
            # The gateway translates for this visitor, or has said it cannot (agent/translation).
            translating = bool(turn.metadata.get("machine_translation"))
            key = "language.machine" if translating else "language.no_package"
            name = language_name(asked, turn.language)
            turn.say(dispatcher, language_line(key, turn.language, easy=turn.easy_mode, name=name))
            return turn.events
        if asked and chosen is None:
            turn.say(dispatcher, line("language.unsupported", turn.language))
            return turn.events
        if chosen is None:
            # "Change the language" with no language named: toggle between the two we have.
            chosen = next(code for code in SUPPORTED_LANGUAGES if code != turn.language)
        turn.language = chosen
        turn.say(dispatcher, line("language.changed", chosen), buttons=main_menu(chosen))
        return [SlotSet("language", chosen)]


class ActionEasyMode(Action):
    def name(self) -> str:
        return "action_easy_mode"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        turn.easy_mode = True
        turn.say(
            dispatcher,
            line("easy_mode.on", turn.language),
            buttons=main_menu(turn.language),
            npc={"emote": "happy"},
        )
        return [*turn.events, SlotSet("easy_mode", True)]
