"""Tax Square in conversation: the 자동차세, 재산세 and 취득세 forms, one question at a time.

Each form's `validate_<form>` action reads the citizen's reply as free text (through
actions/tax_answers.py and civic/numbers.py), corrects earlier answers the reply names
unambiguously ("아 배기량 1600이에요"), decides which question comes next and asks it itself,
with buttons; last it shows a summary to confirm. The forms have no `utter_ask_*` responses:
every question goes out in the channel-neutral reply schema, in the conversation's language.

A reply the form cannot use is asked again with a hint. "그만" / "cancel" (intent `stop`) and
asking for a counsellor make the validation return no events, so Rasa rejects the form and the
rules hand over to `action_stop_tax_form`, which stops it politely.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.conversation import Turn, intent_payload, latest_entity
from actions.handoff import request_handoff
from actions.menus import main_menu
from actions.tax_answers import (
    read_annual_payment,
    read_area,
    read_business_use,
    read_displacement,
    read_house_count,
    read_month_date,
    read_vehicle_type,
    read_won,
    read_yes_no,
    says_unknown,
)
from actions.texts import line
from agent.reply import Button
from civic.tax import tax_year

SEOUL = ZoneInfo("Asia/Seoul")
UNKNOWN = "unknown"  # the citizen does not know an optional answer
NO_ANNUAL_PAYMENT = "none"

VEHICLE_SLOTS = (
    "vehicle_type",
    "vehicle_business_use",
    "vehicle_displacement_cc",
    "vehicle_first_registered",
    "vehicle_annual_payment",
    "vehicle_confirmed",
)
PROPERTY_SLOTS = (
    "property_published_price",
    "property_one_house",
    "property_prior_price",
    "property_urban_area",
    "property_confirmed",
)
ACQUISITION_SLOTS = (
    "acquisition_price",
    "acquisition_area_m2",
    "acquisition_houses_after",
    "acquisition_adjusted_area",
    "acquisition_temporary_two_homes",
    "acquisition_first_home",
    "acquisition_confirmed",
)
ALL_TAX_SLOTS = VEHICLE_SLOTS + PROPERTY_SLOTS + ACQUISITION_SLOTS
TAX_FORMS = ("vehicle_tax_form", "property_tax_form", "acquisition_tax_form")

# Intents that leave a form rather than answer it; the rules in nlu/data/rules/tax.yml take over.
LEAVING_INTENTS = frozenset({"stop", "human_handoff"})

_YES_NO_SLOTS = frozenset(
    {
        "property_one_house",
        "acquisition_adjusted_area",
        "acquisition_temporary_two_homes",
        "acquisition_first_home",
    }
)
_RETRY_KEYS = {
    "property_published_price": "tax.retry.won",
    "property_prior_price": "tax.retry.won",
    "acquisition_price": "tax.retry.won",
    "acquisition_area_m2": "tax.retry.area",
    "acquisition_houses_after": "tax.retry.count",
    "property_urban_area": "tax.retry.yes_no",
    **dict.fromkeys(_YES_NO_SLOTS, "tax.retry.yes_no"),
}
_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


def seoul_today() -> date:
    """Today in Seoul; tests replace it to fix the date."""
    return datetime.now(SEOUL).date()


def _intent(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("intent", {}).get("name") or "")


def _after(text: str, keyword: re.Pattern[str]) -> str | None:
    """The text after a keyword ("아 배기량 1600이에요" → " 1600이에요"), or None."""
    match = keyword.search(text)
    return text[match.end() :] if match else None


def won_text(amount: int, language: str) -> str:
    return line("tax.won", language, amount=f"{amount:,}")


def _answer_button(title: str, answer: str) -> Button:
    return Button(title=title, payload=intent_payload("inform", tax_answer=answer))


def _stop_button(language: str) -> Button:
    return Button(title=line("tax.button.stop", language), payload=intent_payload("stop"))


def _yes_no_buttons(language: str, *, unknown_means: str | None = None) -> list[Button]:
    buttons = [
        _answer_button(line("tax.button.yes", language), "yes"),
        _answer_button(line("tax.button.no", language), "no"),
    ]
    if unknown_means is not None:
        buttons.append(_answer_button(line("tax.button.unknown", language), unknown_means))
    return buttons


class TaxFormValidation(FormValidationAction):
    """What the three calculator forms share: read, correct, choose the next question, ask."""

    topic: ClassVar[str]
    tax: ClassVar[str]
    slots: ClassVar[tuple[str, ...]]

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

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Read the reply, set the slots it answers, and ask the next question (or finish)."""
        turn = Turn.from_tracker(tracker)
        today = seoul_today()
        year = tax_year(self.tax, today)
        values: dict[str, Any] = {slot: tracker.get_slot(slot) for slot in self.slots}
        requested = tracker.get_slot(REQUESTED_SLOT)
        answer = latest_entity(tracker, "tax_answer")
        field = latest_entity(tracker, "tax_field")
        updates: dict[str, Any] = {}
        said: list[str] = []
        retry_key: str | None = None
        fixing = False

        if requested not in self.slots:
            # The form starts: forget any earlier run, keep what the request itself said.
            updates.update(dict.fromkeys(self.slots))
            if not turn.text.startswith("/"):  # a button press says nothing more
                updates.update(self.from_request(turn.text, today=today, year=year))
            said.append(line(f"tax.start.{self.topic}", turn.language, easy=turn.easy_mode))
        elif _intent(tracker) in LEAVING_INTENTS and answer is None and field is None:
            return []  # Rasa rejects the form; a rule stops it or hands over
        elif field in self.slots and field != self.confirm_slot:
            updates = {field: None, self.confirm_slot: None}
        else:
            typed = not turn.text.startswith("/")
            corrected = (
                self.corrections(turn.text, requested, values, today=today, year=year)
                if typed
                else {}
            )
            for slot, value in corrected.items():
                if values.get(slot) is not None and values[slot] != value:
                    changed = {**values, **corrected}
                    said.append(
                        line(
                            "tax.corrected",
                            turn.language,
                            value=self.describe(slot, changed, turn.language),
                        )
                    )
            updates.update(corrected)
            if requested == self.confirm_slot:
                decision = read_yes_no(answer or turn.text)
                if decision is None and _intent(tracker) in ("affirm", "deny"):
                    decision = _intent(tracker) == "affirm"
                if corrected:
                    updates[self.confirm_slot] = None
                elif decision is True:
                    updates[self.confirm_slot] = True
                elif decision is False:
                    updates[self.confirm_slot] = None
                    fixing = True
                else:
                    updates[self.confirm_slot] = None
                    retry_key = "tax.retry.yes_no"
            else:
                value, key = self.read(requested, answer or turn.text, today=today, year=year)
                if value is None and requested in _YES_NO_SLOTS | {"property_urban_area"}:
                    if _intent(tracker) in ("affirm", "deny"):
                        value = _intent(tracker) == "affirm"
                if value is not None:
                    updates[requested] = value
                elif requested not in corrected:
                    updates[requested] = None
                    if not corrected:
                        retry_key = key

        values.update(updates)
        events: list[EventType] = [*turn.events]
        events.extend(SlotSet(slot, value) for slot, value in updates.items())
        needed = self.needed(values, year)
        next_slot = next((slot for slot in needed if values.get(slot) is None), None)
        events.append(SlotSet(REQUESTED_SLOT, next_slot))
        if next_slot is None:
            return events  # confirmed: the form ends and action_tax_result computes

        language = turn.language
        if fixing:
            buttons = [
                Button(
                    title=line(f"tax.field.{slot}", language),
                    payload=intent_payload("inform", tax_field=slot),
                )
                for slot in needed
                if slot != self.confirm_slot
            ]
            turn.say(dispatcher, line("tax.fix_which", language), buttons=buttons)
            return events
        if retry_key is not None:
            text = " ".join(
                [
                    line(retry_key, language, year=str(year)),
                    line("tax.stop_hint", language),
                ]
            )
            buttons = self.buttons_for(next_slot, language) + [_stop_button(language)]
            turn.say(dispatcher, text, buttons=buttons)
            return events
        if next_slot == self.confirm_slot:
            summary = ", ".join(
                self.describe(slot, values, language) for slot in needed if slot != next_slot
            )
            said.append(line("tax.confirm", language, easy=turn.easy_mode, summary=summary))
            buttons = [
                Button(title=line("tax.button.confirm", language), payload="/affirm"),
                Button(title=line("tax.button.change", language), payload="/deny"),
            ]
        else:
            said.append(line(f"tax.ask.{next_slot}", language, easy=turn.easy_mode))
            buttons = self.buttons_for(next_slot, language)
        turn.say(dispatcher, "\n\n".join(said), buttons=[*buttons, _stop_button(language)])
        return events


_CC_KEYWORD = re.compile(r"배기량|displacement|engine size|engine", re.IGNORECASE)
_REGISTERED_KEYWORD = re.compile(r"등록|샀|구입|구매|출고|registered|bought", re.IGNORECASE)
_ANNUAL_KEYWORD = re.compile(r"연납|annual|advance", re.IGNORECASE)
_USE_KEYWORD = re.compile(
    r"비영업|영업용|자가용|택시|렌터카|렌트카|business use|private use|commercial", re.IGNORECASE
)


class ValidateVehicleTaxForm(TaxFormValidation):
    topic = "vehicle"
    tax = "vehicle"
    slots = VEHICLE_SLOTS

    def needed(self, values: dict[str, Any], year: int) -> list[str]:
        slots = ["vehicle_type", "vehicle_business_use"]
        if values.get("vehicle_type") != "other_passenger":
            slots.append("vehicle_displacement_cc")
        slots.append("vehicle_first_registered")
        registered = values.get("vehicle_first_registered")
        new_this_year = registered not in (None, UNKNOWN) and str(registered).startswith(f"{year}-")
        if not new_this_year:
            # A car first registered this year is taxed by the day; no annual payment then.
            slots.append("vehicle_annual_payment")
        slots.append("vehicle_confirmed")
        return slots

    def _registration(self, text: str, *, today: date, year: int) -> tuple[Any, str]:
        if says_unknown(text):
            return UNKNOWN, ""
        found = read_month_date(text, today=today)
        if found is not None and (found > today or found.year > year):
            return None, "tax.retry.date_future"
        return (found.isoformat() if found else None), "tax.retry.vehicle_first_registered"

    def read(self, slot: str, text: str, *, today: date, year: int) -> tuple[Any, str]:
        retry = f"tax.retry.{slot}"
        if slot == "vehicle_type":
            return read_vehicle_type(text), retry
        if slot == "vehicle_business_use":
            return read_business_use(text), retry
        if slot == "vehicle_displacement_cc":
            return read_displacement(text, unit_required=False), retry
        if slot == "vehicle_first_registered":
            return self._registration(text, today=today, year=year)
        if slot == "vehicle_annual_payment":
            return read_annual_payment(text), retry
        raise ValueError(f"not a vehicle tax question: {slot}")

    def from_request(self, text: str, *, today: date, year: int) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if read_vehicle_type(text) == "other_passenger":
            found["vehicle_type"] = "other_passenger"
        cc = read_displacement(text, unit_required=True)
        if cc is not None:
            found.update(vehicle_type="passenger", vehicle_displacement_cc=cc)
        if _USE_KEYWORD.search(text):
            found["vehicle_business_use"] = read_business_use(text)
        return found

    def corrections(
        self, text: str, requested: str, values: dict[str, Any], *, today: date, year: int
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if requested != "vehicle_displacement_cc":
            cc = read_displacement(text, unit_required=True)
            after = _after(text, _CC_KEYWORD)
            if cc is None and after is not None:
                cc = read_displacement(after, unit_required=False)
            if cc is not None:
                # Only a car with an engine has a displacement; a reply naming a type wins.
                found["vehicle_displacement_cc"] = cc
                if values.get("vehicle_type") != "passenger":
                    found["vehicle_type"] = "passenger"
        if requested != "vehicle_type" and read_vehicle_type(text) == "other_passenger":
            found["vehicle_type"] = "other_passenger"
        if requested != "vehicle_business_use" and _USE_KEYWORD.search(text):
            found["vehicle_business_use"] = read_business_use(text)
        if requested != "vehicle_first_registered" and _REGISTERED_KEYWORD.search(text):
            registered, _ = self._registration(text, today=today, year=year)
            if registered not in (None, UNKNOWN):
                found["vehicle_first_registered"] = registered
        if requested != "vehicle_annual_payment" and _ANNUAL_KEYWORD.search(text):
            payment = read_annual_payment(text)
            if payment is not None:
                found["vehicle_annual_payment"] = payment
        return found

    def describe(self, slot: str, values: dict[str, Any], language: str) -> str:
        value: Any = values.get(slot)
        if slot == "vehicle_type":
            return line(f"tax.value.{value}", language)
        if slot == "vehicle_business_use":
            return line("tax.value.business" if value else "tax.value.private", language)
        if slot == "vehicle_displacement_cc":
            return line("tax.value.displacement", language, cc=f"{int(value):,}")
        if slot == "vehicle_first_registered":
            if value in (None, UNKNOWN):
                return line("tax.value.registered_unknown", language)
            registered = date.fromisoformat(str(value))
            return line(
                "tax.value.registered",
                language,
                year=str(registered.year),
                month=str(registered.month),
                month_en=_MONTHS_EN[registered.month - 1],
            )
        if slot == "vehicle_annual_payment":
            if value in (None, NO_ANNUAL_PAYMENT):
                return line("tax.value.no_annual_payment", language)
            month = line(f"tax.month.{value}", language)
            return line("tax.value.annual_payment", language, month=month)
        raise ValueError(f"not a vehicle tax question: {slot}")

    def buttons_for(self, slot: str, language: str) -> list[Button]:
        if slot == "vehicle_type":
            return [
                _answer_button(line("tax.button.passenger", language), "passenger"),
                _answer_button(line("tax.button.electric", language), "electric"),
            ]
        if slot == "vehicle_business_use":
            return [
                _answer_button(line("tax.button.private", language), "private"),
                _answer_button(line("tax.button.business", language), "business"),
            ]
        if slot == "vehicle_first_registered":
            return [_answer_button(line("tax.button.unknown", language), "skip")]
        if slot == "vehicle_annual_payment":
            months = ("january", "march", "june", "september")
            return [
                _answer_button(line("tax.button.no_annual_payment", language), "none"),
                *(
                    _answer_button(line(f"tax.button.month.{month}", language), month)
                    for month in months
                ),
            ]
        return []


_PRIOR_KEYWORD = re.compile(
    r"작년|지난해|전년|직전|last year|previous year|prior year|year before", re.IGNORECASE
)
_PRICE_KEYWORD = re.compile(r"공시가|가격|price|value", re.IGNORECASE)


def _yes_no_or_unknown(text: str, *, unknown: bool | None) -> bool | None:
    decision = read_yes_no(text)
    if decision is None and unknown is not None and says_unknown(text):
        return unknown
    return decision


class ValidatePropertyTaxForm(TaxFormValidation):
    topic = "property"
    tax = "property"
    slots = PROPERTY_SLOTS

    def needed(self, values: dict[str, Any], year: int) -> list[str]:
        return list(PROPERTY_SLOTS)

    def read(self, slot: str, text: str, *, today: date, year: int) -> tuple[Any, str]:
        retry = _RETRY_KEYS.get(slot, "tax.retry.yes_no")
        if slot == "property_published_price":
            return read_won(text, unit_required=False), retry
        if slot == "property_one_house":
            return read_yes_no(text), retry
        if slot == "property_prior_price":
            if says_unknown(text) or read_yes_no(text) is False:
                return UNKNOWN, retry
            return read_won(text, unit_required=False), retry
        if slot == "property_urban_area":
            # Almost every home in Seoul is in an urban area: "not sure" counts as yes.
            return _yes_no_or_unknown(text, unknown=True), retry
        raise ValueError(f"not a property tax question: {slot}")

    def from_request(self, text: str, *, today: date, year: int) -> dict[str, Any]:
        if _PRIOR_KEYWORD.search(text):
            return {}
        price = read_won(text, unit_required=True)
        return {"property_published_price": price} if price is not None else {}

    def corrections(
        self, text: str, requested: str, values: dict[str, Any], *, today: date, year: int
    ) -> dict[str, Any]:
        amount_asked = requested in ("property_published_price", "property_prior_price")
        prior_text = _after(text, _PRIOR_KEYWORD)
        if prior_text is not None:
            if requested == "property_prior_price":
                return {}
            prior = read_won(prior_text, unit_required=False)
            return {"property_prior_price": prior} if prior is not None else {}
        if amount_asked:
            return {}
        price = read_won(text, unit_required=True)
        price_text = _after(text, _PRICE_KEYWORD)
        if price is None and price_text is not None:
            price = read_won(price_text, unit_required=False)
        return {"property_published_price": price} if price is not None else {}

    def describe(self, slot: str, values: dict[str, Any], language: str) -> str:
        value: Any = values.get(slot)
        if slot == "property_published_price":
            return line("tax.value.published_price", language, amount=won_text(value, language))
        if slot == "property_one_house":
            return line("tax.value.one_house" if value else "tax.value.not_one_house", language)
        if slot == "property_prior_price":
            if value in (None, UNKNOWN):
                return line("tax.value.prior_price_unknown", language)
            return line("tax.value.prior_price", language, amount=won_text(value, language))
        if slot == "property_urban_area":
            return line("tax.value.urban" if value else "tax.value.not_urban", language)
        raise ValueError(f"not a property tax question: {slot}")

    def buttons_for(self, slot: str, language: str) -> list[Button]:
        if slot == "property_one_house":
            return _yes_no_buttons(language)
        if slot == "property_prior_price":
            return [_answer_button(line("tax.button.unknown", language), "skip")]
        if slot == "property_urban_area":
            return _yes_no_buttons(language, unknown_means="skip")
        return []


_HOUSES_KEYWORD = re.compile(r"채|주택 수|주택수|houses|homes", re.IGNORECASE)
_FIRST_HOME_KEYWORD = re.compile(r"생애\s*최초|생애\s*처음|first[- ]home", re.IGNORECASE)


class ValidateAcquisitionTaxForm(TaxFormValidation):
    topic = "acquisition"
    tax = "acquisition"
    slots = ACQUISITION_SLOTS

    def needed(self, values: dict[str, Any], year: int) -> list[str]:
        slots = ["acquisition_price", "acquisition_area_m2", "acquisition_houses_after"]
        houses = values.get("acquisition_houses_after")
        if houses is not None and int(houses) >= 2:
            # 조정대상지역 matters only from the second home (지방세법 제13조의2).
            slots.append("acquisition_adjusted_area")
            if int(houses) == 2 and values.get("acquisition_adjusted_area"):
                slots.append("acquisition_temporary_two_homes")
        if houses is None or int(houses) == 1:
            slots.append("acquisition_first_home")
        slots.append("acquisition_confirmed")
        return slots

    def read(self, slot: str, text: str, *, today: date, year: int) -> tuple[Any, str]:
        retry = _RETRY_KEYS[slot]
        if slot == "acquisition_price":
            return read_won(text, unit_required=False), retry
        if slot == "acquisition_area_m2":
            area = read_area(text, unit_required=False)
            return (str(area) if area is not None else None), retry
        if slot == "acquisition_houses_after":
            return read_house_count(text), retry
        if slot in _YES_NO_SLOTS:
            return read_yes_no(text), retry
        raise ValueError(f"not an acquisition tax question: {slot}")

    def from_request(self, text: str, *, today: date, year: int) -> dict[str, Any]:
        found: dict[str, Any] = {}
        price = read_won(text, unit_required=True)
        if price is not None:
            found["acquisition_price"] = price
        area = read_area(text, unit_required=True)
        if area is not None:
            found["acquisition_area_m2"] = str(area)
        if _FIRST_HOME_KEYWORD.search(text):
            found["acquisition_first_home"] = True
        return found

    def corrections(
        self, text: str, requested: str, values: dict[str, Any], *, today: date, year: int
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if requested != "acquisition_price":
            price = read_won(text, unit_required=True)
            if price is not None:
                found["acquisition_price"] = price
        if requested != "acquisition_area_m2":
            area = read_area(text, unit_required=True)
            if area is not None:
                found["acquisition_area_m2"] = str(area)
        if requested != "acquisition_houses_after" and _HOUSES_KEYWORD.search(text):
            houses = read_house_count(text)
            if houses is not None:
                found["acquisition_houses_after"] = houses
        return found

    def describe(self, slot: str, values: dict[str, Any], language: str) -> str:
        value: Any = values.get(slot)
        if slot == "acquisition_price":
            return line("tax.value.price", language, amount=won_text(value, language))
        if slot == "acquisition_area_m2":
            return line("tax.value.area", language, area=str(value))
        if slot == "acquisition_houses_after":
            return line("tax.value.houses", language, count=str(value))
        if slot == "acquisition_adjusted_area":
            return line("tax.value.adjusted" if value else "tax.value.not_adjusted", language)
        if slot == "acquisition_temporary_two_homes":
            return line("tax.value.temporary" if value else "tax.value.not_temporary", language)
        if slot == "acquisition_first_home":
            return line("tax.value.first_home" if value else "tax.value.not_first_home", language)
        raise ValueError(f"not an acquisition tax question: {slot}")

    def buttons_for(self, slot: str, language: str) -> list[Button]:
        if slot == "acquisition_houses_after":
            return [
                *(
                    _answer_button(line("tax.button.houses", language, count=str(n)), str(n))
                    for n in (1, 2, 3)
                ),
                _answer_button(line("tax.button.houses_more", language), "4"),
            ]
        if slot in _YES_NO_SLOTS:
            return _yes_no_buttons(language)
        return []


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
        if _intent(tracker) == "human_handoff":
            return [*request_handoff(dispatcher, turn), *reset]
        active = (tracker.active_loop or {}).get("name")
        key = "tax.stopped" if active in TAX_FORMS else "deny"
        turn.say(
            dispatcher,
            line(key, turn.language, easy=turn.easy_mode),
            buttons=main_menu(turn.language),
        )
        return [*turn.events, *reset]
