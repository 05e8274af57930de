"""The 재산세 calculator form (a home): published price, one home, last year's price, urban area."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from actions.tax_answers import (
    is_negated,
    read_house_count,
    read_won,
    read_yes_no,
    read_yes_no_or_unknown,
    says_decline,
    says_unknown,
)
from actions.tax_forms import TaxFormValidation
from actions.tax_slots import PROPERTY_SLOTS, UNKNOWN, answer_button, won_text, yes_no_buttons
from actions.texts import line
from agent.reply import Button

_PRIOR_KEYWORD = re.compile(
    r"작년|지난해|전년|직전|last year|previous year|prior year|year before", re.IGNORECASE
)
_PRICE_KEYWORD = re.compile(r"공시가|가격|price|value", re.IGNORECASE)
_ONE_HOUSE_KEYWORD = re.compile(
    r"1\s*주택|1세대|한 채|only home|only house|one home|one house|only one", re.IGNORECASE
)
_HOUSES_KEYWORD = re.compile(r"\d\s*채|두 채|세 채|네 채|houses|homes", re.IGNORECASE)
_URBAN_KEYWORD = re.compile(r"도시\s*지역|urban", re.IGNORECASE)


class ValidatePropertyTaxForm(TaxFormValidation):
    topic = "property"
    tax = "property"
    slots = PROPERTY_SLOTS
    yes_no_slots = frozenset({"property_one_house", "property_urban_area"})

    def needed(self, values: dict[str, Any], year: int) -> list[str]:
        return list(PROPERTY_SLOTS)

    def read(self, slot: str, text: str, *, today: date, year: int) -> tuple[Any, str]:
        retry = "tax.retry.won" if slot.endswith("_price") else "tax.retry.yes_no"
        if slot == "property_published_price":
            return read_won(text, unit_required=False), retry
        if slot == "property_one_house":
            return read_yes_no(text), retry
        if slot == "property_prior_price":
            price = read_won(text, unit_required=False)
            if price is None and (
                says_unknown(text) or says_decline(text) or read_yes_no(text) is False
            ):
                return UNKNOWN, retry
            return price, retry
        if slot == "property_urban_area":
            # Almost every home in Seoul is in an urban area: "not sure" counts as yes.
            return read_yes_no_or_unknown(text, unknown=True), retry
        raise ValueError(f"not a property tax question: {slot}")

    def from_request(self, text: str, *, today: date, year: int) -> dict[str, Any]:
        if _PRIOR_KEYWORD.search(text):
            return {}
        price = read_won(text, unit_required=True)
        return {"property_published_price": price} if price is not None else {}

    def corrections(
        self, text: str, requested: str, values: dict[str, Any], *, today: date, year: int
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        prior_text = _after(text, _PRIOR_KEYWORD)
        if prior_text is not None:
            if requested != "property_prior_price":
                prior = read_won(prior_text, unit_required=False)
                if prior is not None:
                    found["property_prior_price"] = prior
        elif requested not in ("property_published_price", "property_prior_price"):
            price = read_won(text, unit_required=True)
            price_text = _after(text, _PRICE_KEYWORD)
            if price is None and price_text is not None:
                price = read_won(price_text, unit_required=False)
            if price is not None:
                found["property_published_price"] = price
        if requested != "property_one_house":
            if _ONE_HOUSE_KEYWORD.search(text):
                found["property_one_house"] = not is_negated(text)
            elif _HOUSES_KEYWORD.search(text):
                count = read_house_count(text)
                if count is not None:
                    found["property_one_house"] = count == 1
        if requested != "property_urban_area" and _URBAN_KEYWORD.search(text):
            found["property_urban_area"] = not is_negated(text)
        return found

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
            return yes_no_buttons(language)
        if slot == "property_prior_price":
            return [answer_button(line("tax.button.unknown", language), "skip")]
        if slot == "property_urban_area":
            return yes_no_buttons(language, unknown_means="skip")
        return []


def _after(text: str, keyword: re.Pattern[str]) -> str | None:
    match = keyword.search(text)
    return text[match.end() :] if match else None
