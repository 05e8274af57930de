"""Tax Square in conversation: what the 자동차세, 재산세 and 취득세 forms share, and stopping them.

Each calculator (actions/tax_vehicle_form.py, tax_property_form.py, tax_acquisition_form.py)
is a `validate_<form>` action that reads the citizen's reply as free text (actions/tax_answers.py
and civic/numbers.py), takes corrections of any earlier answer ("아 배기량 1600이에요", "wait,
the price was 5억"), decides which question comes next and asks it itself, with buttons; last it
shows a summary to confirm (actions/tax_confirm.py). The forms have no `utter_ask_*` responses:
every question goes out in the channel-neutral reply schema, in the conversation's language.

A reply the form cannot use is asked again with a hint. A message that is not an answer
(actions/tax_turns.py) makes the validation return no events, so Rasa rejects the form and the
rules in nlu/data/rules/tax.yml take over: a knowledge question is answered from the knowledge
base and the form, run again, asks its question once more; "그만" / "cancel" and asking for a
counsellor go to `action_stop_tax_form`; another calculator's request starts that calculator.

`run()` is overridden rather than split into rasa-sdk's `extract_<slot>` / `validate_<slot>`
hooks: whether a message is an answer at all depends on the intent, the text and every slot
together, and the form asks its own questions (buttons, hints, summaries), which the hooks leave
to `utter_ask_*` responses. `required_slots` still says which questions the form asks.
"""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.conversation import Turn, latest_entity
from actions.handoff import request_handoff
from actions.menus import main_menu
from actions.tax_confirm import read_decision, summary, which_to_change
from actions.tax_form_questions import answer_in_form
from actions.tax_slots import (
    ALL_TAX_SLOTS,
    NO_ANNUAL_PAYMENT,
    TAX_FORMS,
    UNKNOWN,
    seoul_today,
    stop_button,
    won_text,
)
from actions.tax_turns import (
    LEAVING_INTENTS,
    QUESTION_INTENTS,
    came_back,
    intent_of,
    looks_like_question,
    other_calculator,
    previous_form,
    says_stop,
)
from actions.texts import line
from agent.reply import Button
from civic.tax import tax_year

__all__ = [
    "ALL_TAX_SLOTS",
    "NO_ANNUAL_PAYMENT",
    "UNKNOWN",
    "ActionStopTaxForm",
    "TaxFormValidation",
    "seoul_today",
    "won_text",
]


@dataclass
class Reading:
    """What one reply does to the form: the slots it sets and what to say before asking."""

    updates: dict[str, Any] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    retry_key: str | None = None  # the reply answered nothing: ask again with this hint
    fixing: bool = False  # "no" at the summary: ask which answer to change
    question: bool = False  # a knowledge question: answer it, then ask again


class TaxFormValidation(FormValidationAction):
    """What the three calculator forms share: read, correct, choose the next question, ask."""

    topic: ClassVar[str]
    tax: ClassVar[str]
    slots: ClassVar[tuple[str, ...]]
    yes_no_slots: ClassVar[frozenset[str]] = frozenset()

    def name(self) -> str:
        return f"validate_{self.topic}_tax_form"

    @property
    def confirm_slot(self) -> str:
        return self.slots[-1]

    @abstractmethod
    def needed(self, values: dict[str, Any], year: int) -> list[str]:
        """The questions this form asks, in order, given the answers so far."""

    @abstractmethod
    def read(self, slot: str, text: str, *, today: date, year: int) -> tuple[Any, str]:
        """The value a reply gives the slot asked (or None) and the line to ask again with."""

    @abstractmethod
    def from_request(self, text: str, *, today: date, year: int) -> dict[str, Any]:
        """Answers the request itself already gives ("2천cc 차 자동차세 얼마")."""

    @abstractmethod
    def corrections(
        self, text: str, requested: str, values: dict[str, Any], *, today: date, year: int
    ) -> dict[str, Any]:
        """Other answers a reply names unambiguously, such as "배기량 1600이에요"."""

    @abstractmethod
    def describe(self, slot: str, values: dict[str, Any], language: str) -> str:
        """One answer in words, for the summary and for acknowledging a correction."""

    @abstractmethod
    def buttons_for(self, slot: str, language: str) -> list[Button]:
        """The choices offered with a question."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The questions asked in this conversation (an electric car has no displacement)."""
        values = {slot: tracker.get_slot(slot) for slot in self.slots}
        return self.needed(values, tax_year(self.tax, seoul_today()))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Read the reply, set the slots it answers, and ask the next question (or finish)."""
        turn = Turn.from_tracker(tracker)
        today = seoul_today()
        year = tax_year(self.tax, today)
        values: dict[str, Any] = {slot: tracker.get_slot(slot) for slot in self.slots}
        requested = tracker.get_slot(REQUESTED_SLOT)

        if requested not in self.slots:
            reading = self._start(tracker, turn, today=today, year=year)
        elif came_back(tracker, self.form_name()):
            # A knowledge answer was given in between: ask the same question again. The
            # counsellor offer a missed search may have made is dropped: "네" now answers
            # the calculator's question.
            reading = Reading(
                updates={"pending_offer": None},
                said=[line("tax.resume", turn.language, easy=turn.easy_mode)],
            )
        else:
            found = self._read_reply(tracker, turn, requested, values, today=today, year=year)
            if found is None:
                return []  # not an answer: Rasa rejects the form and a rule takes over
            reading = found
        if reading.question:
            events = await asyncio.to_thread(answer_in_form, dispatcher, tracker)
            reading.retry_key = None
            reading.said = [line("tax.resume", turn.language, easy=turn.easy_mode)]
            reading.updates["pending_offer"] = None
            return [*events, *self._ask(dispatcher, turn, values, reading, year=year)]
        return self._ask(dispatcher, turn, values, reading, year=year)

    def _start(self, tracker: Tracker, turn: Turn, *, today: date, year: int) -> Reading:
        """The form starts: forget any earlier calculation, keep what the request itself said."""
        reading = Reading(updates=dict.fromkeys(ALL_TAX_SLOTS))
        if not turn.text.startswith("/"):  # a button press says nothing more
            reading.updates.update(self.from_request(turn.text, today=today, year=year))
        previous = previous_form(tracker, self.form_name())
        if previous is not None:
            name = line(f"tax.name.{previous}", turn.language)
            reading.said.append(line("tax.switched", turn.language, previous=name))
        reading.said.append(line(f"tax.start.{self.topic}", turn.language, easy=turn.easy_mode))
        return reading

    def _read_reply(
        self,
        tracker: Tracker,
        turn: Turn,
        requested: str,
        values: dict[str, Any],
        *,
        today: date,
        year: int,
    ) -> Reading | None:
        """What the reply answers or corrects; None when it is not an answer at all."""
        answer = latest_entity(tracker, "tax_answer")
        field_to_change = latest_entity(tracker, "tax_field")
        intent = intent_of(tracker)
        typed = not turn.text.startswith("/")
        if field_to_change in self.slots and field_to_change != self.confirm_slot:
            return Reading(updates={field_to_change: None, self.confirm_slot: None})
        if answer is None:
            if intent == "human_handoff" or (
                intent == "stop" and (says_stop(turn.text) or not typed)
            ):
                return None
            if other_calculator(intent, turn.text, self.form_name()) is not None:
                return None
            if intent in QUESTION_INTENTS and (not typed or looks_like_question(turn.text)):
                return None

        reading = Reading()
        corrected = (
            self.corrections(turn.text, requested, values, today=today, year=year) if typed else {}
        )
        for slot, value in corrected.items():
            if values.get(slot) is not None and values[slot] != value:
                changed = {**values, **corrected}
                reading.said.append(
                    line(
                        "tax.corrected",
                        turn.language,
                        value=self.describe(slot, changed, turn.language),
                    )
                )
        reading.updates.update(corrected)

        if requested == self.confirm_slot:
            decision = read_decision(answer or turn.text, intent)
            reading.updates[self.confirm_slot] = None
            if corrected:
                return reading  # the summary again, with the change
            if decision is True:
                reading.updates[self.confirm_slot] = True
            elif decision is False:
                reading.fixing = True
            elif answer is None and intent in LEAVING_INTENTS | QUESTION_INTENTS:
                return None
            else:
                reading.retry_key = "tax.retry.yes_no"
            return reading

        # A reply that corrects an earlier answer is not also read as this one: "wait, the
        # price was 5억" asked how many homes is not five homes.
        value, retry_key = (
            (None, "")
            if corrected
            else self.read(requested, answer or turn.text, today=today, year=year)
        )
        if value is None and requested in self.yes_no_slots and intent in ("affirm", "deny"):
            value = intent == "affirm"
        if value is not None:
            reading.updates[requested] = value
        elif requested not in corrected:
            if not corrected and answer is None and intent in LEAVING_INTENTS | QUESTION_INTENTS:
                return None  # "안 할래요" to a yes/no question stops; an unclear question is asked
            if not corrected and typed and looks_like_question(turn.text):
                # A question the NLU did not take for one: answered here, then asked again.
                reading.question = True
            reading.updates[requested] = None  # a slot set, so Rasa does not reject the form
            if not corrected:
                reading.retry_key = retry_key
        return reading

    def _ask(
        self,
        dispatcher: CollectingDispatcher,
        turn: Turn,
        values: dict[str, Any],
        reading: Reading,
        *,
        year: int,
    ) -> list[EventType]:
        """Set what the reply gave and ask the next question: a hint, a choice, or the summary."""
        values = {**values, **{k: v for k, v in reading.updates.items() if k in self.slots}}
        events: list[EventType] = [*turn.events]
        events.extend(SlotSet(slot, value) for slot, value in reading.updates.items())
        needed = self.needed(values, year)
        next_slot = next((slot for slot in needed if values.get(slot) is None), None)
        events.append(SlotSet(REQUESTED_SLOT, next_slot))
        if next_slot is None:
            return events  # confirmed: the form ends and action_tax_result computes

        language = turn.language
        asked = [slot for slot in needed if slot != self.confirm_slot]
        if reading.fixing:
            text, buttons = which_to_change(asked, language)
            turn.say(dispatcher, text, buttons=buttons)
            return events
        if reading.retry_key is not None:
            text = " ".join(
                [line(reading.retry_key, language, year=str(year)), line("tax.stop_hint", language)]
            )
            turn.say(
                dispatcher,
                text,
                buttons=[*self.buttons_for(next_slot, language), stop_button(language)],
            )
            return events
        if next_slot == self.confirm_slot:
            text, buttons = summary(
                asked,
                lambda slot, lang: self.describe(slot, values, lang),
                language,
                easy=turn.easy_mode,
            )
        else:
            text = line(f"tax.ask.{next_slot}", language, easy=turn.easy_mode)
            buttons = self.buttons_for(next_slot, language)
        turn.say(
            dispatcher,
            "\n\n".join([*reading.said, text]),
            buttons=[*buttons, stop_button(language)],
        )
        return events


class ActionStopTaxForm(Action):
    def name(self) -> str:
        return "action_stop_tax_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Stop a calculator politely ("그만", "cancel"), or hand over when a person is asked."""
        turn = Turn.from_tracker(tracker)
        reset: list[EventType] = [SlotSet(slot, None) for slot in ALL_TAX_SLOTS]
        reset += [SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]
        if intent_of(tracker) == "human_handoff":
            return [*request_handoff(dispatcher, turn), *reset]
        active = (tracker.active_loop or {}).get("name")
        key = "tax.stopped" if active in TAX_FORMS else "deny"
        turn.say(
            dispatcher,
            line(key, turn.language, easy=turn.easy_mode),
            buttons=main_menu(turn.language),
        )
        return [*turn.events, *reset]
