"""Hand-off to a 120 counsellor, the offer of it when unsure, and yes/no to that offer."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn
from actions.handoff import HANDOFF_OFFER, request_handoff
from actions.knowledge_answers import answer_from_search
from actions.menus import main_menu
from actions.texts import line


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return request_handoff(dispatcher, Turn.from_tracker(tracker))


class ActionAffirm(Action):
    def name(self) -> str:
        return "action_affirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Yes to a pending counsellor offer hands off; a yes to nothing just invites a question."""
        turn = Turn.from_tracker(tracker)
        if tracker.get_slot("pending_offer") == HANDOFF_OFFER:
            return request_handoff(dispatcher, turn)
        turn.say(dispatcher, line("affirm.nothing_pending", turn.language))
        return turn.events


class ActionDeny(Action):
    def name(self) -> str:
        return "action_deny"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        turn.say(dispatcher, line("deny", turn.language), buttons=main_menu(turn.language))
        return [*turn.events, SlotSet("pending_offer", None)]


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # Search (Kiwi, embeddings, FAISS) and the database block: off the event loop.
        return await asyncio.to_thread(self._answer, dispatcher, tracker, domain)

    def _answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """NLU was unsure: the knowledge base may still know; if not, offer a counsellor."""
        turn = Turn.from_tracker(tracker)
        return answer_from_search(dispatcher, turn, turn.text, not_found_key="fallback")
