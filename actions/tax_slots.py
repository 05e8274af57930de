"""What the Tax Square forms share: their slots, the values that are not answers, the buttons."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from actions.conversation import intent_payload
from actions.texts import line
from agent.reply import Button

SEOUL: Final = ZoneInfo("Asia/Seoul")
UNKNOWN: Final = "unknown"  # the citizen does not know an optional answer
NO_ANNUAL_PAYMENT: Final = "none"

VEHICLE_SLOTS: Final = (
    "vehicle_type",
    "vehicle_business_use",
    "vehicle_displacement_cc",
    "vehicle_first_registered",
    "vehicle_annual_payment",
    "vehicle_confirmed",
)
PROPERTY_SLOTS: Final = (
    "property_published_price",
    "property_one_house",
    "property_prior_price",
    "property_urban_area",
    "property_confirmed",
)
ACQUISITION_SLOTS: Final = (
    "acquisition_price",
    "acquisition_area_m2",
    "acquisition_houses_after",
    "acquisition_adjusted_area",
    "acquisition_temporary_two_homes",
    "acquisition_first_home",
    "acquisition_confirmed",
)
ALL_TAX_SLOTS: Final = VEHICLE_SLOTS + PROPERTY_SLOTS + ACQUISITION_SLOTS
TAX_FORMS: Final = ("vehicle_tax_form", "property_tax_form", "acquisition_tax_form")
# The request that starts each form; said during another form, it switches calculators.
CALCULATOR_INTENTS: Final = {
    "calc_vehicle_tax": "vehicle_tax_form",
    "calc_property_tax": "property_tax_form",
    "calc_acquisition_tax": "acquisition_tax_form",
}

MONTHS_EN: Final = (
    "January February March April May June July August September October November December"
).split()


def seoul_today() -> date:
    """Today in Seoul; tests replace it to fix the date."""
    return datetime.now(SEOUL).date()


def won_text(amount: int, language: str) -> str:
    return line("tax.won", language, amount=f"{amount:,}")


def answer_button(title: str, answer: str) -> Button:
    return Button(title=title, payload=intent_payload("inform", tax_answer=answer))


def stop_button(language: str) -> Button:
    return Button(title=line("tax.button.stop", language), payload=intent_payload("stop"))


def yes_no_buttons(language: str, *, unknown_means: str | None = None) -> list[Button]:
    buttons = [
        answer_button(line("tax.button.yes", language), "yes"),
        answer_button(line("tax.button.no", language), "no"),
    ]
    if unknown_means is not None:
        buttons.append(answer_button(line("tax.button.unknown", language), unknown_means))
    return buttons
