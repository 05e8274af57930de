"""Tax Square conversations through POST /api/v1/chat with Rasa, the actions and the gateway."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from actions.tax_forms import seoul_today
from civic.tax import (
    calculate_acquisition_tax,
    calculate_property_tax,
    calculate_vehicle_tax,
    tax_year,
)
from tests.e2e.test_conversations import all_text, new_session, say
from tests.stack import RunningStack

pytestmark = pytest.mark.e2e


def test_korean_vehicle_tax_conversation(stack: RunningStack) -> None:
    session = new_session()
    start = say(stack, session, "자동차세 얼마 나와요?")
    assert "자동차세를 계산해 드리겠습니다" in all_text(start), start
    assert start["messages"][-1]["buttons"]

    assert "영업용" in all_text(say(stack, session, "2천cc"))
    assert "등록" in all_text(say(stack, session, "비영업용"))
    assert "연납" in all_text(say(stack, session, "2019년 3월"))
    confirm = say(stack, session, "연납 안 해요")
    text = all_text(confirm)
    assert "배기량 2,000cc" in text and "2019년 3월 등록" in text and "맞나요" in text, text

    result = say(stack, session, "네")
    expected = calculate_vehicle_tax(
        year=tax_year("vehicle", seoul_today()),
        vehicle_type="passenger",
        business_use=False,
        displacement_cc=2000,
        first_registered=date(2019, 3, 1),
    )
    [message] = result["messages"]
    assert f"{expected.total_payable:,}원" in message["text"], message
    assert "https://etax.seoul.go.kr" in message["text"]
    assert "https://www.wetax.go.kr" in message["text"]
    assert "지방세법 제127조제1항제1호" in message["card"]["body"]

    # The calculator is finished: a due-date question goes to the knowledge base again.
    faq = say(stack, session, "자동차세 언제 내요?")
    assert "6월" in all_text(faq) and "12월" in all_text(faq)


def test_english_property_tax_conversation(stack: RunningStack) -> None:
    session = new_session()
    start = say(stack, session, "Calculate my property tax")
    assert start["language"] == "en"
    assert "published price" in all_text(start)
    say(stack, session, "530 million won")
    say(stack, session, "yes")
    say(stack, session, "I don't know")
    confirm = say(stack, session, "yes")
    assert "published price 530,000,000 won" in all_text(confirm), confirm
    result = say(stack, session, "yes")
    expected = calculate_property_tax(
        year=tax_year("property", seoul_today()), published_price=530_000_000, one_house=True
    )
    assert result["language"] == "en"
    [message] = result["messages"]
    assert f"{expected.total:,} won" in message["text"], message
    assert "estimate" in message["text"]
    assert "Published price" in message["card"]["body"]


def test_korean_acquisition_tax_conversation(stack: RunningStack) -> None:
    session = new_session()
    start = say(stack, session, "아파트 사면 취득세 얼마예요?")
    assert start["language"] == "ko"
    say(stack, session, "8억 5천만원")
    say(stack, session, "84.9㎡")
    say(stack, session, "1채요")
    confirm = say(stack, session, "아니요")  # not a first home
    assert "맞나요" in all_text(confirm), confirm
    result = say(stack, session, "네")
    expected = calculate_acquisition_tax(
        year=tax_year("acquisition", seoul_today()),
        price=850_000_000,
        area_m2=Decimal("84.9"),
        houses_after_acquisition=1,
        adjusted_area=False,
    )
    [message] = result["messages"]
    assert f"{expected.total:,}원" in message["text"], message
    assert "지방세법 제11조" in message["card"]["body"]


def test_english_vehicle_tax_conversation(stack: RunningStack) -> None:
    session = new_session()
    start = say(stack, session, "How much is my car tax?")
    assert start["language"] == "en"
    say(stack, session, "a normal passenger car")
    say(stack, session, "private use")
    say(stack, session, "1,998cc")
    say(stack, session, "March 2019")
    confirm = say(stack, session, "no")  # no annual payment
    assert "1,998cc" in all_text(confirm), confirm
    result = say(stack, session, "yes")
    expected = calculate_vehicle_tax(
        year=tax_year("vehicle", seoul_today()),
        vehicle_type="passenger",
        business_use=False,
        displacement_cc=1998,
        first_registered=date(2019, 3, 1),
    )
    assert result["language"] == "en"
    [message] = result["messages"]
    assert f"{expected.total_payable:,} won" in message["text"], message


def test_a_correction_while_another_question_is_asked(stack: RunningStack) -> None:
    session = new_session()
    say(stack, session, "자동차세 계산해 주세요")
    say(stack, session, "승용차예요")
    say(stack, session, "2,000cc")
    say(stack, session, "자가용이에요")
    corrected = say(stack, session, "아 배기량 1600이에요")
    text = all_text(corrected)
    assert "1,600cc" in text and "처음 등록한" in text, text
    say(stack, session, "2021년 7월")
    confirm = say(stack, session, "연납 안 해요")
    assert "배기량 1,600cc" in all_text(confirm)


@pytest.mark.parametrize(
    ("request_text", "stop_text", "stopped"),
    [
        ("취득세 계산해 주세요", "그만", "계산을 멈췄습니다"),
        ("Calculate the acquisition tax for me", "cancel", "stopped the tax calculation"),
    ],
)
def test_cancelling_a_calculator(
    stack: RunningStack, request_text: str, stop_text: str, stopped: str
) -> None:
    session = new_session()
    say(stack, session, request_text)
    say(stack, session, "5억 3천만원" if stop_text == "그만" else "530 million won")
    body = say(stack, session, stop_text)
    assert stopped in all_text(body), body
    assert body["messages"][-1]["buttons"]  # the main menu
    # The form is gone: a new question is answered as usual.
    faq = say(stack, session, "자동차세 언제 내요?")
    assert "6월" in all_text(faq)


def test_korean_refusal_of_the_annual_payment_and_a_question_mid_form(
    stack: RunningStack,
) -> None:
    session = new_session()
    say(stack, session, "자동차세 얼마 나와요?")
    say(stack, session, "2천cc")
    say(stack, session, "비영업용")
    assert "연납" in all_text(say(stack, session, "2019년 3월"))

    # A question in the middle is answered from the knowledge base, then asked again.
    answered = say(stack, session, "연납 기한이 언제예요?")
    text = all_text(answered)
    assert "이어서 계산에 필요한 것을 여쭙겠습니다" in text, answered
    assert any(message.get("card") for message in answered["messages"]), answered
    assert "연납을 하실 건가요" in answered["messages"][-1]["text"]

    # "아니요" with the ordinary June and December bills is no annual payment.
    confirm = say(stack, session, "아니요 그냥 6월이랑 12월에 낼게요")
    text = all_text(confirm)
    assert "연납 안 함" in text and "6월 연납" not in text and "맞나요" in text, text

    result = say(stack, session, "네")
    expected = calculate_vehicle_tax(
        year=tax_year("vehicle", seoul_today()),
        vehicle_type="passenger",
        business_use=False,
        displacement_cc=2000,
        first_registered=date(2019, 3, 1),
    )
    [message] = result["messages"]
    assert f"{expected.total_payable:,}원" in message["text"], message
    assert "연납 공제" not in message["card"]["body"]


def test_switching_calculators_mid_form(stack: RunningStack) -> None:
    session = new_session()
    say(stack, session, "자동차세 얼마 나와요?")
    say(stack, session, "승용차예요")
    switched = say(stack, session, "아 그냥 재산세 계산해줘")
    text = all_text(switched)
    assert "자동차세 계산은 여기서 멈추겠습니다" in text and "공시가격" in text, switched
    confirm_price = say(stack, session, "5억 3천만원")
    assert "1세대 1주택" in all_text(confirm_price)
