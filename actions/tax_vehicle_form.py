"""The 자동차세 calculator form: car type, use, displacement, first registration, 연납."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from actions.tax_answers import (
    read_annual_payment,
    read_business_use,
    read_displacement,
    read_month_date,
    read_vehicle_type,
    says_decline,
    says_unknown,
)
from actions.tax_forms import TaxFormValidation
from actions.tax_slots import (
    MONTHS_EN,
    NO_ANNUAL_PAYMENT,
    UNKNOWN,
    VEHICLE_SLOTS,
    answer_button,
)
from actions.texts import line
from agent.reply import Button

_CC_KEYWORD = re.compile(r"배기량|displacement|engine size|engine", re.IGNORECASE)
_REGISTERED_KEYWORD = re.compile(r"등록|샀|구입|구매|출고|registered|bought", re.IGNORECASE)
_ANNUAL_KEYWORD = re.compile(r"연납|annual|advance", re.IGNORECASE)
_USE_KEYWORD = re.compile(
    r"비영업|영업용|자가용|택시|렌터카|렌트카|business use|private use|commercial|for business",
    re.IGNORECASE,
)
_TYPE_KEYWORD = re.compile(r"전기|수소|electric|hydrogen|하이브리드|hybrid", re.IGNORECASE)


def _after(text: str, keyword: re.Pattern[str]) -> str | None:
    """The text after a keyword ("아 배기량 1600이에요" → " 1600이에요"), or None."""
    match = keyword.search(text)
    return text[match.end() :] if match else None


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
        if says_unknown(text) or says_decline(text):
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
        if requested != "vehicle_type" and _TYPE_KEYWORD.search(text):
            vehicle_type = read_vehicle_type(text)
            if vehicle_type is not None:
                found["vehicle_type"] = vehicle_type
        if requested != "vehicle_business_use" and _USE_KEYWORD.search(text):
            business = read_business_use(text)
            if business is not None:
                found["vehicle_business_use"] = business
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
                month_en=MONTHS_EN[registered.month - 1],
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
                answer_button(line("tax.button.passenger", language), "passenger"),
                answer_button(line("tax.button.electric", language), "electric"),
            ]
        if slot == "vehicle_business_use":
            return [
                answer_button(line("tax.button.private", language), "private"),
                answer_button(line("tax.button.business", language), "business"),
            ]
        if slot == "vehicle_first_registered":
            return [answer_button(line("tax.button.unknown", language), "skip")]
        if slot == "vehicle_annual_payment":
            months = ("january", "march", "june", "september")
            return [
                answer_button(line("tax.button.no_annual_payment", language), "none"),
                *(
                    answer_button(line(f"tax.button.month.{month}", language), month)
                    for month in months
                ),
            ]
        return []
