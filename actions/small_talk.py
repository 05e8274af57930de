"""Greeting, goodbye, thanks, what the agent can do, and requests outside its scope."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn
from actions.menus import main_menu
from actions.texts import line


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Greet and list the services, so the citizen sees at once what Haechi is for."""
        turn = Turn.from_tracker(tracker)
        turn.say(
            dispatcher,
            line("greet", turn.language, easy=turn.easy_mode),
            buttons=main_menu(turn.language),
            npc={"emote": "happy", "gesture": "wave"},
        )
        return turn.events


class ActionGoodbye(Action):
    def name(self) -> str:
        return "action_goodbye"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        turn.say(dispatcher, line("goodbye", turn.language), npc={"gesture": "bow"})
        return turn.events


class ActionThanks(Action):
    def name(self) -> str:
        return "action_thanks"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        turn.say(dispatcher, line("thanks", turn.language), npc={"emote": "happy"})
        return turn.events


class ActionCapabilities(Action):
    def name(self) -> str:
        return "action_capabilities"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        turn.say(
            dispatcher,
            line("capabilities", turn.language, easy=turn.easy_mode),
            buttons=main_menu(turn.language),
        )
        return turn.events


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        turn.say(
            dispatcher,
            line("out_of_scope", turn.language),
            buttons=main_menu(turn.language),
            npc={"emote": "apologetic"},
        )
        return turn.events
