"""How people write amounts and dates, read into Decimal and date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from civic.numbers import AmountParseError, DateParseError, parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2천cc", Decimal(2000)),
        ("1,998cc", Decimal(1998)),
        ("1,998 cc", Decimal(1998)),
        ("이천 씨씨", Decimal(2000)),
        ("천오백 씨씨", Decimal(1500)),
        ("5억 3천만원", Decimal(530_000_000)),
        ("오억삼천만원", Decimal(530_000_000)),
        ("3억 5000만원", Decimal(350_000_000)),
        ("1.5억", Decimal(150_000_000)),
        ("850,000,000원", Decimal(850_000_000)),
        ("850,000,000", Decimal(850_000_000)),
        ("84.9㎡", Decimal("84.9")),
        ("1600", Decimal(1600)),
        ("천만원", Decimal(10_000_000)),
        ("백만 원", Decimal(1_000_000)),
        ("2천5백만원", Decimal(25_000_000)),
        ("아 배기량 1600이에요", Decimal(1600)),
        ("공시가격은 약 4억 2천만 원이에요", Decimal(420_000_000)),
    ],
)
def test_amounts_as_people_write_them(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


def test_amounts_are_decimal_not_float() -> None:
    assert isinstance(parse_amount("84.9㎡"), Decimal)


@pytest.mark.parametrize("text", ["", "배기량을 모르겠어요", "-5억"])
def test_text_without_an_amount_is_refused(text: str) -> None:
    with pytest.raises(AmountParseError):
        parse_amount(text)


TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-03-15", date(2019, 3, 15)),
        ("2019.3.15", date(2019, 3, 15)),
        ("2019/03/15", date(2019, 3, 15)),
        ("2019년 3월 15일에 등록했어요", date(2019, 3, 15)),
        ("2019년 3월", date(2019, 3, 1)),
        ("19년 7월", date(2019, 7, 1)),
        ("2019.3", date(2019, 3, 1)),
        ("작년 3월에 샀어요", date(2025, 3, 1)),
        ("재작년 9월", date(2024, 9, 1)),
        ("올해 1월에 뽑았어요", date(2026, 1, 1)),
        ("3년 전에 샀어요", date(2023, 11, 29)),
    ],
)
def test_dates_as_people_write_them(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["2019-02-30", "2019-13-01", "언젠가 샀어요"])
def test_impossible_or_missing_dates_are_refused(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_date(text, today=TODAY)
