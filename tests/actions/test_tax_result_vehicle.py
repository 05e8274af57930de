"""The vehicle-tax result in conversation: when the year's tax comes whole with the June bill.

지방세법 제128조제4항: an annual 자동차세 of 100,000 won or less may be billed whole in June, less
제2기분 세액 × 5% (시행령 제125조제6항). The result must say so instead of "June and December".
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.tax_results
from actions.tax_forms import NO_ANNUAL_PAYMENT
from actions.tax_results import ActionTaxResult
from tests.actions.conftest import TrackerFactory

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions.tax_results, "seoul_today", lambda: TODAY)


def vehicle_result(
    make_tracker: TrackerFactory,
    *,
    cc: int,
    registered: str = "2025-03-01",
    annual: str = NO_ANNUAL_PAYMENT,
    language: str = "ko",
    easy: bool = False,
) -> dict[str, Any]:
    """A confirmed vehicle form, as the form leaves it, run through the result action."""
    slots = {
        "language": language,
        "easy_mode": easy,
        "vehicle_type": "passenger",
        "vehicle_business_use": False,
        "vehicle_displacement_cc": cc,
        "vehicle_first_registered": registered,
        "vehicle_annual_payment": annual,
        "vehicle_confirmed": True,
    }
    dispatcher = CollectingDispatcher()
    text = "네" if language == "ko" else "yes"
    ActionTaxResult().run(dispatcher, make_tracker(text, "affirm", slots=slots), {})
    [message] = dispatcher.messages
    custom: dict[str, Any] = message["custom"]
    return custom


def test_a_small_car_tax_is_said_to_come_whole_in_june(make_tracker: TrackerFactory) -> None:
    """1,000cc, 2026: 80,000 ≤ 100,000 → June: 78,000 + 교육세 23,400 = 101,400 (§128④)."""
    reply = vehicle_result(make_tracker, cc=1000)
    text = reply["text"]
    assert "101,400원" in text
    assert "6월에 1년 치가 한꺼번에" in text and "2,000원" in text
    assert "지방세법 제128조제4항" in text
    assert "12월에는 고지서가 나오지 않습니다" in text
    assert "12월(7~12월분)" not in text  # not the two-bill schedule
    body = reply["card"]["body"]
    assert (
        "6월 한꺼번에 부과 (연세액 100,000원 이하: 제2기분 세액 × 5% 공제): -2,000원 "
        "(지방세법 제128조제4항, 지방세법 시행령 제125조제6항)"
    ) in body


def test_the_english_result_says_it_too(make_tracker: TrackerFactory) -> None:
    reply = vehicle_result(make_tracker, cc=1000, language="en")
    text = reply["text"]
    assert "101,400 won" in text
    assert "whole year is billed in June" in text and "Article 128(4)" in text
    assert "Whole year billed in June" in reply["card"]["body"]


def test_easy_mode_keeps_the_june_schedule(make_tracker: TrackerFactory) -> None:
    reply = vehicle_result(make_tracker, cc=1000, easy=True)
    assert "101,400원" in reply["text"] and "6월에 1년 치가 한꺼번에" in reply["text"]


def test_a_september_annual_payment_is_explained_away(make_tracker: TrackerFactory) -> None:
    """§128④: the June bill already covers the year, so there is no September 연납 to make."""
    reply = vehicle_result(make_tracker, cc=1000, annual="september")
    assert "9월 연납은 따로 하실 필요가 없습니다" in reply["text"]
    assert "101,400원" in reply["text"]


def test_a_larger_car_tax_keeps_june_and_december(make_tracker: TrackerFactory) -> None:
    """§128①: 1,998cc 399,600 > 100,000 → two halves."""
    reply = vehicle_result(make_tracker, cc=1998)
    assert "6월(1~6월분)과 12월(7~12월분)에 나누어" in reply["text"]
    assert "한꺼번에" not in reply["text"]
