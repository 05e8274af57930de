"""NPCs in the 3D world that send a topic to a colleague, answered by the agent in one turn.

The gateway puts the NPC's redirects in the message metadata (`npc_redirects`: topic, intents,
text, button). At session start they become the `redirect_<topic>` slots that the world rules
check; `action_npc_redirect` then says where to go, with a button the 3D client follows.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn
from agent.reply import Button, NpcHints

REDIRECT_TOPICS = ("tax", "documents", "landmarks", "proposals", "bookings")


def redirect_offers(metadata: Any) -> list[dict[str, Any]]:
    """The well-formed offers in a message's metadata (a client cannot put them there: the
    gateway builds world metadata itself)."""
    if not isinstance(metadata, dict):
        return []
    offers = metadata.get("npc_redirects")
    if not isinstance(offers, list):
        return []
    return [
        offer
        for offer in offers
        if isinstance(offer, dict)
        and offer.get("topic") in REDIRECT_TOPICS
        and isinstance(offer.get("intents"), list)
    ]


class ActionSessionStart(Action):
    """Rasa's session start, plus the NPC's redirect slots from the first message's metadata."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        # What Rasa's own session start does with carry_over_slots_to_new_session: true.
        for name, value in tracker.current_slot_values().items():
            if value is not None and name != "session_started_metadata":
                events.append(SlotSet(name, value))
        metadata = tracker.get_slot("session_started_metadata")
        redirected = {offer["topic"] for offer in redirect_offers(metadata)}
        for topic in REDIRECT_TOPICS:
            events.append(SlotSet(f"redirect_{topic}", topic in redirected))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionNpcRedirect(Action):
    def name(self) -> str:
        return "action_npc_redirect"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        offers = redirect_offers(turn.metadata) or redirect_offers(
            tracker.get_slot("session_started_metadata")
        )
        offer = next((offer for offer in offers if intent in offer["intents"]), None)
        language = "ko" if turn.language == "ko" else "en"
        if offer is None:
            # The slots say redirect but this turn's metadata no longer does (the world's
            # config changed): clear them, and let the citizen ask again.
            turn.say(
                dispatcher,
                "죄송합니다. 다시 한 번 말씀해 주시겠어요?"
                if language == "ko"
                else "Sorry, could you say that once more?",
            )
            return [*turn.events, *(SlotSet(f"redirect_{t}", False) for t in REDIRECT_TOPICS)]
        text = str((offer.get("text") or {}).get(language) or "")
        title = str((offer.get("button") or {}).get(language) or "")
        payload = str(offer.get("payload") or "")
        buttons = [Button(title=title, payload=payload)] if title and payload else None
        turn.say(dispatcher, text, buttons=buttons, npc=NpcHints(emote="smile", gesture="point"))
        return turn.events
