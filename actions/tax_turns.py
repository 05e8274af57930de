"""What a message during a calculator is: an answer, a question, leaving, or another calculator.

A form reads answers itself; everything else it rejects (its validation returns no slot), so
that Rasa's rules in nlu/data/rules/tax.yml take over: a knowledge question is answered from
the knowledge base and the form asks its question again, "그만" stops it, another calculator's
request starts that one. These helpers decide which, from the intent and the text together,
since a short answer can look like a question to the NLU and the other way round.
"""

from __future__ import annotations

import re
from typing import Final

from rasa_sdk import Tracker

from actions.tax_slots import CALCULATOR_INTENTS

# Intents that leave a form rather than answer it.
LEAVING_INTENTS: Final = frozenset({"stop", "human_handoff"})
# Intents the knowledge base answers (the same search the FAQ uses).
QUESTION_INTENTS: Final = frozenset({"tax_question", "faq"})

# "됐어요" or "안 할래요" alone may be read as stop, but it turns down an offer ("연납을
# 하실 건가요?"); only these words stop a calculator whatever was asked.
_EXPLICIT_STOP = re.compile(
    r"그만|취소|중단|멈춰|멈출|끝낼|끝내|종료|cancel|stop|quit|abort|exit", re.IGNORECASE
)
_QUESTION = re.compile(
    r"\?|？|언제|어디|어떻게|얼마나|뭐예요|뭔가요|무엇|왜|인가요|나요$|까요$|있어요$|되나요|되요$|돼요$|"
    r"\bwhen\b|\bwhere\b|\bhow\b|\bwhat\b|\bwhy\b|\bwhich\b|\bcan i\b|\bdo i\b|\bis there\b",
    re.IGNORECASE,
)
_TAX_NAMES: Final = {
    "vehicle_tax_form": re.compile(r"자동차세|자동차새|차세|car tax|vehicle tax", re.IGNORECASE),
    "property_tax_form": re.compile(r"재산세|재산새|property tax", re.IGNORECASE),
    "acquisition_tax_form": re.compile(r"취득세|취득새|acquisition tax", re.IGNORECASE),
}
# Actions that run between a message and the form without interrupting it.
_NOT_INTERRUPTIONS: Final = frozenset({"action_listen", "action_extract_slots"})


def intent_of(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("intent", {}).get("name") or "")


def says_stop(text: str) -> bool:
    """ "그만", "취소", "cancel": leaving, whatever the question was."""
    return bool(_EXPLICIT_STOP.search(text))


def looks_like_question(text: str) -> bool:
    """ "연납 기한이 언제예요?", "where do I pay it": a question, not an answer."""
    return bool(_QUESTION.search(text.strip()))


def other_calculator(intent: str, text: str, form: str) -> str | None:
    """The calculator a message switches to ("아 그냥 재산세 계산해줘"), if another one.

    The request must name that tax: an answer like "5억이요" the NLU takes for a property
    tax request does not leave the acquisition tax form.
    """
    target = CALCULATOR_INTENTS.get(intent)
    if target is None or target == form:
        return None
    if text.startswith("/") or _TAX_NAMES[target].search(text):
        return target  # a menu button, or a request that names the tax
    return None


def names_a_tax(text: str) -> bool:
    """Whether a message names one of the three taxes ("자동차세 어디서 내요?")."""
    return any(pattern.search(text) for pattern in _TAX_NAMES.values())


def came_back(tracker: Tracker, form: str) -> bool:
    """Whether the form runs again after another action answered the message.

    Rasa calls the form's validation once more when it returns to the form after an unhappy
    path (a knowledge answer), with the same user message; the form then asks its question
    again instead of reading the message twice.
    """
    actions: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action":
            actions.append(str(event.get("name")))
    # The last action is the form itself, which Rasa records before calling the validation.
    return any(name not in _NOT_INTERRUPTIONS and name != form for name in actions)


def previous_form(tracker: Tracker, form: str) -> str | None:
    """The calculator that was open when this one starts (a switch), if any."""
    active = (tracker.active_loop or {}).get("name")
    if active in _TAX_NAMES and active != form:
        return str(active)
    # Rasa may show the new form as active already; the other form rejected this message.
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        name = event.get("name")
        if event.get("event") == "action_execution_rejected" and name in _TAX_NAMES:
            return str(name) if name != form else None
    return None
