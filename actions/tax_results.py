"""Tax Square results: compute a confirmed form with civic/tax and explain it in plain words.

The reply gives the total and when it is paid, notes reliefs that apply, says it is an estimate
and links ETAX and 위택스; the card lists every breakdown line with the article it rests on.
Easy mode keeps only the total, the schedule and the link.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import Turn, intent_payload
from actions.knowledge_answers import count_event
from actions.tax_forms import (
    ALL_TAX_SLOTS,
    NO_ANNUAL_PAYMENT,
    UNKNOWN,
    seoul_today,
    won_text,
)
from actions.tax_texts import ETAX_URL, WETAX_URL
from actions.texts import line
from agent.reply import Button, Card
from civic.tax import (
    Line,
    TaxInputError,
    calculate_acquisition_tax,
    calculate_property_tax,
    calculate_vehicle_tax,
    tax_year,
)
from civic.tax.common import percent
from civic.tax.vehicle_tax import AnnualPayment

_ANNUAL_PAYMENTS: dict[str, AnnualPayment] = {
    "january": "january",
    "march": "march",
    "june": "june",
    "september": "september",
}

# English names for the Korean breakdown labels, longest first so "재산세 도시지역분" wins
# over "재산세". The Korean label stays beside it: it is what the bill and the law say.
_ENGLISH_LABELS = sorted(
    {
        "납부할 세액 합계": "Total payable",
        "납부할 자동차세": "Vehicle tax payable",
        "납부할 취득세": "Acquisition tax payable",
        "연세액": "Annual tax",
        "제1기분 세액": "First-half bill (January–June)",
        "제2기분 세액": "Second-half bill (July–December)",
        "연납 공제": "Annual-payment deduction",
        "6월 한꺼번에 부과": "Whole year billed in June",
        "지방교육세": "Local education tax",
        "공시가격": "Published price",
        "과세표준상한액 적용": "Taxable base after the cap",
        "과세표준": "Taxable base",
        "재산세 도시지역분": "Urban-area property tax",
        "재산세": "Property tax",
        "7월 한꺼번에 납부": "All paid in July",
        "7월 납부분": "July instalment",
        "9월 납부분": "September instalment",
        "합계": "Total",
        "취득세 산출세액": "Acquisition tax",
        "생애최초 감면 해당 없음": "No first-home relief",
        "생애최초 주택 구입 감면": "First-home relief",
        "농어촌특별세 비과세": "No rural special tax",
        "농어촌특별세": "Rural special tax",
    }.items(),
    key=lambda item: len(item[0]),
    reverse=True,
)


def _english_label(label: str) -> str:
    return next((name for ko, name in _ENGLISH_LABELS if label.startswith(ko)), label)


def breakdown_text(lines: list[Line], language: str) -> str:
    """One bullet per line: label, amount, article (and the Korean label in English)."""
    bullets = []
    for item in lines:
        amount = won_text(item.amount, language)
        if language == "ko":
            bullets.append(f"• {item.label}: {amount} ({item.basis})")
        else:
            english = _english_label(item.label)
            bullets.append(f"• {english}: {amount} ({item.label}; {item.basis})")
    return "\n".join(bullets)


def _vehicle(values: dict[str, Any], language: str, easy: bool) -> tuple[str, str, list[Line]]:
    year = tax_year("vehicle", seoul_today())
    registered_value = values.get("vehicle_first_registered")
    registered = (
        None if registered_value in (None, UNKNOWN) else date.fromisoformat(str(registered_value))
    )
    passenger = values.get("vehicle_type") != "other_passenger"
    payment = _ANNUAL_PAYMENTS.get(str(values.get("vehicle_annual_payment") or NO_ANNUAL_PAYMENT))
    if registered is not None and registered.year == year:
        payment = None
    result = calculate_vehicle_tax(
        year=year,
        vehicle_type="passenger" if passenger else "other_passenger",
        business_use=bool(values.get("vehicle_business_use")),
        displacement_cc=int(values["vehicle_displacement_cc"]) if passenger else None,
        first_registered=registered,
        annual_payment=payment,
    )
    if result.billed_whole_in_june:
        schedule = line(
            "tax.schedule.vehicle_june_whole",
            language,
            deduction=won_text(result.june_bill_deduction, language),
        )
        if payment == "september":
            schedule += " " + line("tax.note.vehicle_no_september", language)
    elif payment is None:
        schedule = line("tax.schedule.vehicle_halves", language)
    else:
        schedule = line(
            "tax.schedule.vehicle_annual",
            language,
            month=line(f"tax.month.{payment}", language),
            deduction=won_text(result.annual_payment_deduction, language),
        )
    text = line(
        "tax.result.vehicle",
        language,
        easy=easy,
        year=str(year),
        total=won_text(result.total_payable, language),
        tax=won_text(result.vehicle_tax_payable, language),
        education=won_text(result.local_education_tax, language),
        schedule=schedule,
    )
    if not easy and any("경감" in item.label for item in result.breakdown):
        text += " " + line("tax.note.vehicle_age", language)
    return text, line("tax.card.vehicle", language, year=str(year)), result.breakdown


def _property(values: dict[str, Any], language: str, easy: bool) -> tuple[str, str, list[Line]]:
    year = tax_year("property", seoul_today())
    prior = values.get("property_prior_price")
    result = calculate_property_tax(
        year=year,
        published_price=int(values["property_published_price"]),
        one_house=bool(values.get("property_one_house")),
        prior_year_published_price=None if prior in (None, UNKNOWN) else int(prior),
        urban_area=values.get("property_urban_area") is not False,
    )
    if result.september_installment == 0:
        schedule = line("tax.schedule.property_july", language)
    else:
        schedule = line(
            "tax.schedule.property_halves",
            language,
            july=won_text(result.july_installment, language),
            september=won_text(result.september_installment, language),
        )
    text = line(
        "tax.result.property",
        language,
        easy=easy,
        year=str(year),
        total=won_text(result.total, language),
        tax=won_text(result.property_tax, language),
        urban=won_text(result.urban_area_tax, language),
        education=won_text(result.local_education_tax, language),
        schedule=schedule,
    )
    if not easy and result.special_rate_applied:
        text += " " + line("tax.note.property_special", language)
    return text, line("tax.card.property", language, year=str(year)), result.breakdown


def _acquisition(values: dict[str, Any], language: str, easy: bool) -> tuple[str, str, list[Line]]:
    year = tax_year("acquisition", seoul_today())
    houses = int(values["acquisition_houses_after"])
    adjusted = houses >= 2 and bool(values.get("acquisition_adjusted_area"))
    result = calculate_acquisition_tax(
        year=year,
        price=int(values["acquisition_price"]),
        area_m2=Decimal(str(values["acquisition_area_m2"])),
        houses_after_acquisition=houses,
        adjusted_area=adjusted,
        temporary_two_homes=houses == 2
        and adjusted
        and bool(values.get("acquisition_temporary_two_homes")),
        first_home=houses == 1 and bool(values.get("acquisition_first_home")),
    )
    text = line(
        "tax.result.acquisition",
        language,
        easy=easy,
        total=won_text(result.total, language),
        tax=won_text(result.acquisition_tax, language),
        rate=percent(result.rate),
        education=won_text(result.local_education_tax, language),
        rural=won_text(result.rural_special_tax, language),
    )
    if not easy and result.first_home_relief:
        relief = won_text(result.first_home_relief, language)
        text += " " + line("tax.note.first_home", language, relief=relief)
    return text, line("tax.card.acquisition", language), result.breakdown


_CALCULATORS = {
    "vehicle_confirmed": (_vehicle, "calc_vehicle_tax"),
    "property_confirmed": (_property, "calc_property_tax"),
    "acquisition_confirmed": (_acquisition, "calc_acquisition_tax"),
}


class ActionTaxResult(Action):
    def name(self) -> str:
        return "action_tax_result"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Compute the confirmed calculator, explain it, and clear the form for a next time."""
        turn = Turn.from_tracker(tracker)
        values = {slot: tracker.get_slot(slot) for slot in ALL_TAX_SLOTS}
        reset = [SlotSet(slot, None) for slot in ALL_TAX_SLOTS]
        confirmed = next((slot for slot in _CALCULATORS if values.get(slot) is True), None)
        if confirmed is None:
            return [*turn.events, *reset]  # nothing was confirmed: nothing to compute
        calculate, intent = _CALCULATORS[confirmed]
        language = turn.language
        try:
            summary, title, lines = calculate(values, language, turn.easy_mode)
        except TaxInputError as error:
            reason = error.reason_ko if language == "ko" else error.reason_en
            turn.say(dispatcher, line("tax.error", language, reason=reason))
            return [*turn.events, *reset]
        count_event(turn, "tax_calculation", confirmed.removesuffix("_confirmed"))
        estimate = line(
            "tax.estimate", language, easy=turn.easy_mode, etax=ETAX_URL, wetax=WETAX_URL
        )
        card = Card(
            title=title,
            body=None if turn.easy_mode else breakdown_text(lines, language),
            url=ETAX_URL,
            source=line("tax.card.source", language),
        )
        buttons = [
            Button(title=line("tax.button.again", language), payload=intent_payload(intent)),
            Button(title=line("button.tax", language), payload=intent_payload("tax_question")),
        ]
        turn.say(
            dispatcher,
            f"{summary}\n\n{estimate}",
            buttons=buttons,
            card=card,
            npc={"emote": "happy", "gesture": "point"},
        )
        return [*turn.events, *reset]
