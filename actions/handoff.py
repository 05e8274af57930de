"""Offering and requesting a 120 counsellor, shared by every action that may need one."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn
from actions.menus import counsellor_offer
from actions.settings import get_settings
from actions.texts import line
from agent.reply import Handoff

HANDOFF_OFFER = "handoff"


def request_handoff(dispatcher: CollectingDispatcher, turn: Turn) -> list[EventType]:
    from actions.knowledge_answers import count_event  # imports this module: import at call time

    count_event(turn, "handoff", "requested")
    phone = get_settings().counsellor_phone
    turn.say(
        dispatcher,
        line("handoff.requested", turn.language, easy=turn.easy_mode, phone=phone),
        handoff=Handoff(state="requested", phone=phone),
        npc={"gesture": "point"},
    )
    return [*turn.events, SlotSet("pending_offer", None)]


def offer_handoff(dispatcher: CollectingDispatcher, turn: Turn, key: str) -> list[EventType]:
    """Say `key` (an apology) and offer a counsellor; a following "yes" accepts the offer."""
    turn.say(
        dispatcher,
        line(key, turn.language),
        buttons=counsellor_offer(turn.language),
        handoff=Handoff(state="offered", phone=get_settings().counsellor_phone),
        npc={"emote": "apologetic"},
    )
    return [*turn.events, SlotSet("pending_offer", HANDOFF_OFFER)]
