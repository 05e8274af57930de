"""What every calculator shares: breakdown lines, input errors, the 10-won rule, parameters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

PARAMETERS_FILE = Path(__file__).with_name("parameters.json")

TEN = Decimal(10)


@dataclass(frozen=True)
class Line:
    """One line of a breakdown: a Korean label, an amount in won and the article it rests on."""

    label: str
    amount: int
    basis: str


class TaxInputError(ValueError):
    """Input the law cannot be applied to; names the field and says why in Korean and English."""

    def __init__(self, field: str, reason_ko: str, reason_en: str) -> None:
        super().__init__(f"{field}: {reason_en}")
        self.field = field
        self.reason_ko = reason_ko
        self.reason_en = reason_en


def truncate_won(amount: Decimal) -> int:
    """Drop the part of an amount below 10 won.

    지방세기본법 제59조 applies 국고금 관리법 제47조제1항 to local taxes: an end part below
    10 won is not counted, and a whole amount below 10 won is not counted at all.
    """
    if amount <= 0:
        return 0
    return int((amount / TEN).to_integral_value(rounding=ROUND_DOWN) * TEN)


def floor_won(amount: Decimal) -> Decimal:
    """Drop a taxable base's part below 1 won (국고금 관리법 제47조제2항 by 지방세기본법 제59조)."""
    return amount.to_integral_value(rounding=ROUND_DOWN)


@lru_cache(maxsize=1)
def _all_parameters() -> dict[str, Any]:
    with PARAMETERS_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def parameters_for(tax: str, year: int) -> dict[str, Any]:
    """The parameter block of one tax for one year, or a TaxInputError naming `year`."""
    by_year: dict[str, Any] = _all_parameters()[tax]
    block = by_year.get(str(year))
    if not isinstance(block, dict):
        known = ", ".join(sorted(by_year))
        raise TaxInputError(
            "year",
            f"{year}년 기준은 아직 없습니다. 계산할 수 있는 연도: {known}",
            f"no parameters for {year}; known years: {known}",
        )
    return block


def known_years(tax: str) -> list[int]:
    """Years the data file covers for one tax, oldest first."""
    return sorted(int(year) for year in _all_parameters()[tax])


def tax_year(tax: str, today: date) -> int:
    """The year to compute: this year when its figures are on file, else the latest before it."""
    years = known_years(tax)
    started = [year for year in years if year <= today.year]
    return max(started) if started else min(years)


def dec(block: dict[str, Any], key: str) -> Decimal:
    """A Decimal parameter; values are stored as strings so no float ever touches them."""
    value = block[key]
    if not isinstance(value, str):
        raise TypeError(f"parameter {key} must be a string, got {value!r}")
    return Decimal(value)


def percent(rate: Decimal) -> str:
    """0.0167 -> '1.67%', 0.4 -> '40%': how a rate is written in a Korean label."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def won(amount: int | Decimal) -> str:
    """1234567 -> '1,234,567원'."""
    return f"{int(amount):,}원"
