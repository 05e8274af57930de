"""The tax calculator forms, turn by turn: validation actions, stop, and the computed result.

Each test plays a conversation against the real actions with a CollectingDispatcher, carrying
the slots the actions set from one turn to the next as Rasa would.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.tax_forms
import actions.tax_results
from actions.tax_acquisition_form import ValidateAcquisitionTaxForm
from actions.tax_answers import (
    read_annual_payment,
    read_area,
    read_displacement,
    read_house_count,
    read_month_date,
    read_won,
    read_yes_no,
)
from actions.tax_forms import ActionStopTaxForm
from actions.tax_property_form import ValidatePropertyTaxForm
from actions.tax_results import ActionTaxResult
from actions.tax_slots import VEHICLE_SLOTS
from actions.tax_vehicle_form import ValidateVehicleTaxForm
from civic.tax import calculate_acquisition_tax, calculate_property_tax, calculate_vehicle_tax
from tests.actions.conftest import TrackerFactory
from tests.actions.tax_chat import Chat, payloads

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions.tax_forms, "seoul_today", lambda: TODAY)
    monkeypatch.setattr(actions.tax_results, "seoul_today", lambda: TODAY)


def test_korean_vehicle_tax_from_request_to_result(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    first = chat.say("자동차세 얼마 나와요?", "calc_vehicle_tax")
    assert chat.requested == "vehicle_type"
    assert "자동차세를 계산해 드리겠습니다" in first["text"] and "어떤 차" in first["text"]
    assert '/inform{"tax_answer": "electric"}' in payloads(first)
    assert "/stop" in payloads(first)

    # Answering the type question with a displacement means a car with an engine.
    business = chat.say("2천cc")
    assert chat.slots["vehicle_type"] == "passenger"
    assert chat.slots["vehicle_displacement_cc"] == 2000
    assert chat.requested == "vehicle_business_use"
    assert "영업용" in business["text"]

    chat.say("비영업용")
    assert chat.slots["vehicle_business_use"] is False
    assert chat.requested == "vehicle_first_registered"
    chat.say("2019년 3월")
    assert chat.slots["vehicle_first_registered"] == "2019-03-01"
    assert chat.requested == "vehicle_annual_payment"
    confirm = chat.say("연납 안 해요")
    assert chat.requested == "vehicle_confirmed"
    for part in ("승용차", "비영업용", "배기량 2,000cc", "2019년 3월 등록", "연납 안 함", "맞나요"):
        assert part in confirm["text"], confirm["text"]
    assert payloads(confirm)[:2] == ["/affirm", "/deny"]

    chat.say("네", "affirm")
    assert chat.slots["vehicle_confirmed"] is True
    assert chat.requested is None
    assert chat.replies == []  # the form ends; the result action speaks next

    result = chat.run(ActionTaxResult(), "네", "affirm")
    expected = calculate_vehicle_tax(
        year=2026,
        vehicle_type="passenger",
        business_use=False,
        displacement_cc=2000,
        first_registered=date(2019, 3, 1),
    )
    assert f"{expected.total_payable:,}원" in result["text"]
    assert "예상" in result["text"]
    assert "https://etax.seoul.go.kr" in result["text"]
    assert "https://www.wetax.go.kr" in result["text"]
    assert "6월" in result["text"] and "12월" in result["text"]
    body = result["card"]["body"]
    assert "지방세법 제127조제1항제1호" in body and "지방세법 시행령 제122조제2항" in body
    assert body.count("•") == len(expected.breakdown)
    assert chat.slots["vehicle_confirmed"] is None  # cleared for the next calculation


def test_english_property_tax_with_buttons(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidatePropertyTaxForm())
    first = chat.say("Calculate my property tax please", "calc_property_tax")
    assert first["language"] == "en"
    assert "published price" in first["text"]
    chat.say("530 million won")
    assert chat.slots["property_published_price"] == 530_000_000
    one_house = chat.say("yes", "affirm")
    assert chat.slots["property_one_house"] is True
    assert '/inform{"tax_answer": "skip"}' in payloads(one_house)
    chat.say('/inform{"tax_answer": "skip"}', entities={"tax_answer": "skip"})
    assert chat.slots["property_prior_price"] == "unknown"
    confirm = chat.say("yes it is", "affirm")
    assert chat.slots["property_urban_area"] is True
    assert "published price 530,000,000 won" in confirm["text"]
    assert "is that right" in confirm["text"]
    chat.say("/affirm", "affirm")
    assert chat.requested is None

    result = chat.run(ActionTaxResult(), "/affirm", "affirm")
    expected = calculate_property_tax(year=2026, published_price=530_000_000, one_house=True)
    assert result["language"] == "en"
    assert f"{expected.total:,} won" in result["text"]
    assert "estimate" in result["text"] and "https://etax.seoul.go.kr" in result["text"]
    assert "Published price: 530,000,000 won" in result["card"]["body"]
    assert "지방세법 제111조의2제1항" in result["card"]["body"]


def test_a_correction_mid_form_updates_the_displacement(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("자동차세 계산해 주세요", "calc_vehicle_tax")
    chat.say("휘발유 승용차요")
    chat.say("2,000cc")
    chat.say("자가용이에요")
    assert chat.requested == "vehicle_first_registered"

    reply = chat.say("아 배기량 1600이에요")
    assert chat.slots["vehicle_displacement_cc"] == 1600
    assert chat.requested == "vehicle_first_registered"  # still asking the same question
    assert "고쳐서 반영했습니다" in reply["text"] and "1,600cc" in reply["text"]
    assert "처음 등록한" in reply["text"]
    assert SlotSet("vehicle_displacement_cc", 1600) in chat.events


def test_no_at_the_summary_offers_each_answer_to_change(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("2천cc 차 자동차세 계산해줘", "calc_vehicle_tax")
    assert chat.slots["vehicle_displacement_cc"] == 2000  # from the request itself
    chat.say("자가용")
    assert chat.requested == "vehicle_first_registered"
    chat.say("작년 3월에 샀어요")
    assert chat.slots["vehicle_first_registered"] == "2025-03-01"
    chat.say('/inform{"tax_answer": "june"}', entities={"tax_answer": "june"})
    assert chat.requested == "vehicle_confirmed"

    fix = chat.say("/deny", "deny")
    assert chat.requested == "vehicle_confirmed"
    assert '/inform{"tax_field": "vehicle_displacement_cc"}' in payloads(fix)
    ask = chat.say(
        '/inform{"tax_field": "vehicle_displacement_cc"}',
        entities={"tax_field": "vehicle_displacement_cc"},
    )
    assert chat.requested == "vehicle_displacement_cc"
    assert "배기량" in ask["text"]
    confirm = chat.say("1,998 cc")
    assert chat.requested == "vehicle_confirmed"
    assert "1,998cc" in confirm["text"] and "6월 연납" in confirm["text"]

    # Typing the change at the summary works as well, and shows the summary again.
    again = chat.say("배기량 1,591cc로 고쳐 주세요")
    assert chat.slots["vehicle_displacement_cc"] == 1591
    assert "1,591cc" in again["text"] and "맞나요" in again["text"]


def test_unreadable_answer_is_asked_again_with_a_hint(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("자동차세 얼마예요", "calc_vehicle_tax")
    chat.say("승용차")
    chat.say("비영업용")
    assert chat.requested == "vehicle_displacement_cc"
    hint = chat.say("그냥 중형차예요", "nlu_fallback")
    assert SlotSet("vehicle_displacement_cc", None) in chat.events  # not a rejection
    assert chat.requested == "vehicle_displacement_cc"
    assert hint["text"].startswith("죄송합니다")
    assert "그만" in hint["text"]


def test_future_registration_is_refused(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("자동차세 얼마예요", "calc_vehicle_tax")
    chat.say("전기차예요")
    assert chat.slots["vehicle_type"] == "other_passenger"
    chat.say("영업용")
    assert chat.requested == "vehicle_first_registered"  # no displacement for an electric car
    reply = chat.say("2027년 2월")
    assert chat.requested == "vehicle_first_registered"
    assert "2026년보다 뒤" in reply["text"]


def test_car_registered_this_year_skips_annual_payment(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("자동차세 얼마예요", "calc_vehicle_tax")
    chat.say("1,598cc 하이브리드")
    chat.say("자가용")
    confirm = chat.say("올해 2월에 등록했어요")
    assert chat.requested == "vehicle_confirmed"
    assert "연납" not in confirm["text"]


def test_stop_rejects_the_form_and_the_stop_action_ends_it(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("자동차세 얼마 나와요?", "calc_vehicle_tax")
    chat.say("승용차")
    assert chat.say("그만", "stop") == {}
    assert chat.events == []  # nothing set: Rasa rejects the form and the stop rule runs

    chat.slots["active_loop"] = "vehicle_tax_form"
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("그만", "stop", slots=chat.slots)
    tracker.active_loop = {"name": "vehicle_tax_form"}
    events = ActionStopTaxForm().run(dispatcher, tracker, {})
    [reply] = [message["custom"] for message in dispatcher.messages]
    assert "계산을 멈췄습니다" in reply["text"]
    assert ActiveLoop(None) in events
    assert SlotSet("vehicle_type", None) in events
    assert SlotSet("requested_slot", None) in events


def test_stop_with_no_calculator_open_just_acknowledges(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    ActionStopTaxForm().run(
        dispatcher, make_tracker("cancel", "stop", slots={"language": "en"}), {}
    )
    [reply] = [message["custom"] for message in dispatcher.messages]
    assert reply["text"] == "All right. If there is anything else, just ask."
    assert reply["buttons"]


def test_a_button_request_starts_the_form_without_reading_the_payload(
    make_tracker: TrackerFactory,
) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("/calc_vehicle_tax", "calc_vehicle_tax")
    assert chat.requested == "vehicle_type"
    assert all(chat.slots[slot] is None for slot in VEHICLE_SLOTS)


def test_asking_for_a_person_mid_form_hands_off(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidatePropertyTaxForm())
    chat.say("재산세 계산해줘", "calc_property_tax")
    assert chat.say("상담사 연결해 주세요", "human_handoff") == {}
    dispatcher = CollectingDispatcher()
    events = ActionStopTaxForm().run(
        dispatcher, make_tracker("상담사 연결해 주세요", "human_handoff", slots=chat.slots), {}
    )
    assert dispatcher.messages[0]["custom"]["handoff"]["state"] == "requested"
    assert ActiveLoop(None) in events


def test_acquisition_second_home_in_an_adjusted_area(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateAcquisitionTaxForm())
    chat.say("8억 5천만원 아파트 취득세 계산해 주세요", "calc_acquisition_tax")
    assert chat.slots["acquisition_price"] == 850_000_000
    assert chat.requested == "acquisition_area_m2"
    chat.say("84.9㎡")
    houses = chat.say("2채요")
    assert chat.slots["acquisition_houses_after"] == 2
    assert "조정대상지역" in houses["text"]
    chat.say("네", "affirm")
    assert chat.requested == "acquisition_temporary_two_homes"
    confirm = chat.say("아니요", "deny")
    assert chat.requested == "acquisition_confirmed"
    assert "취득가액 850,000,000원" in confirm["text"] and "전용면적 84.9㎡" in confirm["text"]
    chat.say("네", "affirm")

    result = chat.run(ActionTaxResult(), "네", "affirm")
    expected = calculate_acquisition_tax(
        year=2026,
        price=850_000_000,
        area_m2=Decimal("84.9"),
        houses_after_acquisition=2,
        adjusted_area=True,
    )
    assert f"{expected.total:,}원" in result["text"]
    assert "8%" in result["text"]
    assert "지방세법 제13조의2제1항제2호" in result["card"]["body"]


def test_first_home_is_asked_only_for_a_single_home(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateAcquisitionTaxForm())
    chat.say("Calculate the acquisition tax for me", "calc_acquisition_tax")
    chat.say("450 million won")
    chat.say("59 square meters")
    first_home = chat.say('/inform{"tax_answer": "1"}', entities={"tax_answer": "1"})
    assert chat.requested == "acquisition_first_home"
    assert "first home" in first_home["text"]
    chat.say("yes", "affirm")
    chat.say("yes", "affirm")
    result = chat.run(ActionTaxResult(), "yes", "affirm")
    expected = calculate_acquisition_tax(
        year=2026,
        price=450_000_000,
        area_m2=Decimal("59"),
        houses_after_acquisition=1,
        adjusted_area=False,
        first_home=True,
    )
    assert f"{expected.total:,} won" in result["text"]
    assert "first-home relief" in result["text"]


def test_easy_mode_gives_the_short_result(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    easy = {"easy_mode": True}
    first = chat.say("자동차세 얼마 나와요?", "calc_vehicle_tax", metadata=easy)
    assert first["text"].startswith("자동차세를 계산할게요.")
    for text in ("승용차", "자가용", "1,998cc", "2019년 3월", "연납 안 해요"):
        chat.say(text, metadata=easy)
    chat.say("네", "affirm", metadata=easy)
    result = chat.run(ActionTaxResult(), "네", "affirm")
    assert "body" not in result["card"]
    assert len(result["text"]) < 200
    assert "https://etax.seoul.go.kr" in result["text"]


def test_result_without_a_confirmed_form_says_nothing(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    ActionTaxResult().run(dispatcher, make_tracker("네", "affirm"), {})
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2천cc", 2000),
        ("1,998cc", 1998),
        ("이천 씨씨", 2000),
        ("아 배기량 1600이에요", 1600),
        ("1.6리터", 1600),
        ("1.6", 1600),
        ("2019년에 샀고 1,998cc", 1998),
        ("모르겠어요", None),
        ("30", None),
    ],
)
def test_read_displacement(text: str, expected: int | None) -> None:
    assert read_displacement(text, unit_required=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5억 3천만원", 530_000_000),
        ("850,000,000원", 850_000_000),
        ("6억 2천", 620_000_000),
        ("12억", 1_200_000_000),
        ("530 million won", 530_000_000),
        ("1.2 billion won", 1_200_000_000),
        ("84.9㎡", None),
        ("3000", None),
    ],
)
def test_read_won(text: str, expected: int | None) -> None:
    assert read_won(text, unit_required=False) == expected


def test_other_readers() -> None:
    assert read_area("84.9㎡", unit_required=True) == Decimal("84.9")
    assert read_area("전용 59 제곱미터", unit_required=True) == Decimal("59")
    assert read_area("5억", unit_required=True) is None
    assert read_house_count("두 채요") == 2
    assert read_house_count("4채 이상") == 4
    assert read_house_count("three houses") == 3
    assert read_month_date("작년 3월에 샀어요", today=TODAY) == date(2025, 3, 1)
    assert read_month_date("March 2019", today=TODAY) == date(2019, 3, 1)
    assert read_month_date("2019-03-15", today=TODAY) == date(2019, 3, 15)
    assert read_annual_payment("연납 안 해요") == "none"
    assert read_annual_payment("9월에 한꺼번에 낼게요") == "september"
    assert read_annual_payment("January") == "january"
    assert read_yes_no("네 맞아요") is True
    assert read_yes_no("아니요") is False
    assert read_yes_no("No") is False
    assert read_yes_no("비영업용") is None
