"""The 취득세 calculator form (buying a home): price, area, homes after, relief questions."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from actions.tax_answers import (
    is_negated,
    read_area,
    read_house_count,
    read_won,
    read_yes_no,
)
from actions.tax_forms import TaxFormValidation
from actions.tax_slots import ACQUISITION_SLOTS, answer_button, won_text, yes_no_buttons
from actions.texts import line
from agent.reply import Button

_HOUSES_KEYWORD = re.compile(r"채|주택 수|주택수|houses|homes", re.IGNORECASE)
_FIRST_HOME_KEYWORD = re.compile(
    r"생애\s*최초|생애\s*처음|첫\s*집|first[- ]home|first house|first ever", re.IGNORECASE
)
_ADJUSTED_KEYWORD = re.compile(r"조정\s*대상\s*지역|조정\s*지역|adjust", re.IGNORECASE)
_TEMPORARY_KEYWORD = re.compile(r"일시적|temporary", re.IGNORECASE)
# The yes/no answers a reply can correct by naming them ("아 조정대상지역 아니에요").
_YES_NO_KEYWORDS = {
    "acquisition_adjusted_area": _ADJUSTED_KEYWORD,
    "acquisition_temporary_two_homes": _TEMPORARY_KEYWORD,
    "acquisition_first_home": _FIRST_HOME_KEYWORD,
}
_RETRY_KEYS = {
    "acquisition_price": "tax.retry.won",
    "acquisition_area_m2": "tax.retry.area",
    "acquisition_houses_after": "tax.retry.count",
}


class ValidateAcquisitionTaxForm(TaxFormValidation):
    topic = "acquisition"
    tax = "acquisition"
    slots = ACQUISITION_SLOTS
    yes_no_slots = frozenset(_YES_NO_KEYWORDS)

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
        retry = _RETRY_KEYS.get(slot, "tax.retry.yes_no")
        if slot == "acquisition_price":
            return read_won(text, unit_required=False), retry
        if slot == "acquisition_area_m2":
            area = read_area(text, unit_required=False)
            return (str(area) if area is not None else None), retry
        if slot == "acquisition_houses_after":
            return read_house_count(text), retry
        if slot in self.yes_no_slots:
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
        for slot, keyword in _YES_NO_KEYWORDS.items():
            if requested != slot and keyword.search(text):
                found[slot] = not is_negated(text)
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
                    answer_button(line("tax.button.houses", language, count=str(n)), str(n))
                    for n in (1, 2, 3)
                ),
                answer_button(line("tax.button.houses_more", language), "4"),
            ]
        if slot in self.yes_no_slots:
            return yes_no_buttons(language)
        return []
