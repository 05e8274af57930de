"""Forms that listen: refusals, questions in the middle, switching calculators, corrections.

Each test plays the turns against the real form actions; where Rasa would take over (the form
rejects a message), the test checks that the form gave no event, then plays what the rules do
next: the knowledge answer, the form coming back, or the other calculator starting.
"""

from __future__ import annotations

from datetime import date

import pytest
from rasa_sdk.events import SlotSet

import actions.tax_forms
from actions.tax_acquisition_form import ValidateAcquisitionTaxForm
from actions.tax_answers import (
    read_annual_payment,
    read_business_use,
    read_vehicle_type,
    read_yes_no,
    says_decline,
)
from actions.tax_form_questions import ActionAnswerInTaxForm, question_in_context
from actions.tax_property_form import ValidatePropertyTaxForm
from actions.tax_slots import VEHICLE_SLOTS
from actions.tax_turns import came_back, looks_like_question, other_calculator
from actions.tax_vehicle_form import ValidateVehicleTaxForm
from tests.actions.conftest import TrackerFactory
from tests.actions.tax_chat import Chat, payloads

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions.tax_forms, "seoul_today", lambda: TODAY)


def vehicle_chat_at_annual_payment(make_tracker: TrackerFactory, language: str = "ko") -> Chat:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    if language == "ko":
        turns = ["자동차세 얼마 나와요?", "2천cc", "비영업용", "2019년 3월"]
    else:
        turns = ["How much is my car tax?", "a petrol car", "private use", "1,998cc", "March 2019"]
    chat.say(turns[0], "calc_vehicle_tax")
    for text in turns[1:]:
        chat.say(text)
    assert chat.requested == "vehicle_annual_payment"
    return chat


# Refusals: "아니요", "그냥", "됐어요", "안 해요", "괜찮아요".


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("아니요 그냥 6월이랑 12월에 낼게요", "deny"),
        ("아니요 그냥 6월이랑 12월에 낼게요", "inform"),
        ("그냥 낼게요", "inform"),
        ("됐어요", "deny"),
        ("됐어요", "stop"),  # read as stop by the NLU, but it answers the offer
        ("괜찮아요", "deny"),
        ("안 해요", "deny"),
    ],
)
def test_korean_refusal_of_the_annual_payment(
    make_tracker: TrackerFactory, text: str, intent: str
) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    confirm = chat.say(text, intent)
    assert chat.slots["vehicle_annual_payment"] == "none"
    assert chat.requested == "vehicle_confirmed"
    assert "연납 안 함" in confirm["text"] and "6월 연납" not in confirm["text"]


def test_english_refusal_of_the_annual_payment(make_tracker: TrackerFactory) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker, "en")
    confirm = chat.say("no, I'll pay in June and December", "deny")
    assert chat.slots["vehicle_annual_payment"] == "none"
    assert "no annual payment" in confirm["text"]


def test_a_month_with_the_annual_payment_is_still_that_month(
    make_tracker: TrackerFactory,
) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    confirm = chat.say("네 1월에 연납할게요", "affirm")
    assert chat.slots["vehicle_annual_payment"] == "january"
    assert "1월 연납" in confirm["text"]


def test_stop_words_still_stop_whatever_is_asked(make_tracker: TrackerFactory) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    assert chat.say("됐어요 취소할게요", "stop") == {}
    assert chat.events == []  # rejected: the stop rule runs
    assert chat.say("/stop", "stop") == {}


def test_refusing_an_optional_question_skips_it(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidatePropertyTaxForm())
    chat.say("재산세 계산해줘", "calc_property_tax")
    chat.say("5억 3천만원")
    chat.say("네", "affirm")
    assert chat.requested == "property_prior_price"
    urban = chat.say("됐어요", "deny")
    assert chat.slots["property_prior_price"] == "unknown"
    assert chat.requested == "property_urban_area"
    assert "도시지역" in urban["text"]


def test_a_refusal_that_answers_nothing_leaves_the_form(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidatePropertyTaxForm())
    chat.say("재산세 계산해줘", "calc_property_tax")
    chat.say("5억 3천만원")
    assert chat.requested == "property_one_house"
    assert chat.say("안 할래요", "stop") == {}  # not an answer to "1세대 1주택인가요?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("아니요 그냥 6월이랑 12월에 낼게요", "none"),
        ("no, I'll pay in June and December", "none"),
        ("아니요 6월에 낼게요", "none"),
        ("연납 말고 그냥 나눠서 낼게요", "none"),
        ("괜찮아요", "none"),
        ("됐어요", "none"),
        ("안 할래요", "none"),
        ("no thanks", "none"),
        ("1월에 연납할게요", "january"),
        ("네 6월에 할게요", "june"),
        ("9월에 한꺼번에 낼게요", "september"),
        ("I'll pay annually in January", "january"),
        ("in June", "june"),
        ("연납 기한이 언제예요?", None),
    ],
)
def test_read_annual_payment(text: str, expected: str | None) -> None:
    assert read_annual_payment(text) == expected


def test_negated_answers() -> None:
    assert read_business_use("영업용 아니에요") is False
    assert read_business_use("영업용 아니고 자가용이에요") is False
    assert read_business_use("it's not a business car") is False
    assert read_business_use("택시예요") is True
    assert read_vehicle_type("전기차 아니에요") == "passenger"
    assert read_vehicle_type("전기차 아니고 하이브리드예요") == "passenger"
    assert read_vehicle_type("it's not electric") == "passenger"
    assert read_vehicle_type("수소차예요") == "other_passenger"
    assert read_yes_no("아닌데요") is False
    assert read_yes_no("그렇지 않아요") is False
    assert read_yes_no("it is not my first home") is False
    assert read_yes_no("not sure") is None
    assert says_decline("괜찮습니다") and says_decline("그냥요") and not says_decline("그냥 승용차")


# A knowledge question in the middle: answered, then the same question again.


def test_korean_question_mid_form_is_answered_then_asked_again(
    make_tracker: TrackerFactory,
) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    before = dict(chat.slots)
    assert chat.say("연납 기한이 언제예요?", "tax_question") == {}
    assert chat.events == []  # rejected: the rule answers from the knowledge base

    # The question names no tax: it is searched as a 자동차세 question.
    answer = chat.run(
        ActionAnswerInTaxForm(),
        "연납 기한이 언제예요?",
        "tax_question",
        open_form="vehicle_tax_form",
    )
    assert (
        "연납" in answer["text"]
        and answer["card"]["title"] == "자동차세를 미리 한 번에 내면 할인되나요?"
    )

    again = chat.say(
        "연납 기한이 언제예요?", "tax_question", actions_after=("action_answer_in_tax_form",)
    )
    assert "이어서 계산에 필요한 것을 여쭙겠습니다" in again["text"]
    assert "연납을 하실 건가요" in again["text"]
    assert '/inform{"tax_answer": "none"}' in payloads(again)
    assert SlotSet("pending_offer", None) in chat.events
    assert {slot: chat.slots[slot] for slot in VEHICLE_SLOTS} == {
        slot: before[slot] for slot in VEHICLE_SLOTS
    }
    assert chat.requested == "vehicle_annual_payment"

    chat.say("연납 안 해요")
    assert chat.slots["vehicle_annual_payment"] == "none"
    assert chat.requested == "vehicle_confirmed"


def test_english_question_mid_form_is_answered_then_asked_again(
    make_tracker: TrackerFactory,
) -> None:
    chat = Chat(make_tracker, ValidatePropertyTaxForm())
    chat.say("Calculate my property tax", "calc_property_tax")
    question = "when is it due?"
    assert chat.say(question, "tax_question") == {}
    answer = chat.run(
        ActionAnswerInTaxForm(), question, "tax_question", open_form="property_tax_form"
    )
    # Whatever the search decides (an entry, entries to pick, a counsellor), no yes/no offer:
    # a "yes" now answers the calculator.
    assert answer["language"] == "en" and answer["text"], answer
    assert "/affirm" not in payloads(answer)
    again = chat.say(question, "tax_question", actions_after=("action_answer_in_tax_form",))
    assert again["text"].startswith("Now, back to your calculation.")
    assert "published price" in again["text"]
    assert chat.requested == "property_published_price"


def test_a_question_at_the_summary_shows_the_summary_again(
    make_tracker: TrackerFactory,
) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    chat.say("연납 안 해요")
    assert chat.say("자동차세 어디서 내요?", "tax_question") == {}
    again = chat.say(
        "자동차세 어디서 내요?", "tax_question", actions_after=("action_answer_in_tax_form",)
    )
    assert "맞나요" in again["text"] and chat.requested == "vehicle_confirmed"


def test_a_question_the_knowledge_base_cannot_answer_offers_a_counsellor_button(
    make_tracker: TrackerFactory,
) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    reply = chat.run(
        ActionAnswerInTaxForm(),
        "자동차세 어디서 내요?",
        "tax_question",
        open_form="vehicle_tax_form",
    )
    assert "정확한 답을 찾지 못했습니다" in reply["text"]
    # Only a counsellor button: a yes/no offer would answer the calculator's question.
    assert payloads(reply) == ["/human_handoff"]
    assert not any(event.get("name") == "pending_offer" for event in chat.events)


def test_question_in_context() -> None:
    assert question_in_context("연납 기한이 언제예요?", "vehicle_tax_form", "ko") == (
        "자동차세 연납 기한이 언제예요?"
    )
    assert question_in_context("재산세 언제 내요?", "vehicle_tax_form", "ko") == "재산세 언제 내요?"
    assert question_in_context("when is it due?", "property_tax_form", "en") == (
        "property tax when is it due?"
    )


def test_an_answer_the_nlu_took_for_a_question_is_still_read(
    make_tracker: TrackerFactory,
) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    chat.say("1월에 연납할게요", "tax_question")
    assert chat.slots["vehicle_annual_payment"] == "january"


def test_a_faq_button_mid_form_goes_to_the_knowledge_base(make_tracker: TrackerFactory) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    reply = chat.say(
        '/faq{"entry_id": "tax-vehicle-annual-payment"}',
        "faq",
        entities={"entry_id": "tax-vehicle-annual-payment"},
    )
    assert reply == {} and chat.events == []


# Switching calculators.


def test_korean_switch_to_the_property_tax(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("자동차세 얼마 나와요?", "calc_vehicle_tax")
    chat.say("승용차예요")
    assert chat.say("아 그냥 재산세 계산해줘", "calc_property_tax") == {}
    assert chat.events == []  # rejected: the rule starts the property tax form

    chat.form = ValidatePropertyTaxForm()
    start = chat.say("아 그냥 재산세 계산해줘", "calc_property_tax", open_form="vehicle_tax_form")
    assert start["text"].startswith("자동차세 계산은 여기서 멈추겠습니다.")
    assert "재산세를 계산해 드리겠습니다" in start["text"] and "공시가격" in start["text"]
    assert chat.slots["vehicle_type"] is None  # the stopped calculation is forgotten
    assert chat.requested == "property_published_price"


def test_english_switch_to_the_property_tax(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateAcquisitionTaxForm())
    chat.say("Calculate the acquisition tax for me", "calc_acquisition_tax")
    chat.say("530 million won")
    assert chat.say("actually, the property tax", "calc_property_tax") == {}
    chat.form = ValidatePropertyTaxForm()
    start = chat.say(
        "actually, the property tax", "calc_property_tax", open_form="acquisition_tax_form"
    )
    assert start["text"].startswith("I've stopped the acquisition tax calculation.")
    assert "property tax" in start["text"]
    assert chat.slots["acquisition_price"] is None


def test_an_answer_taken_for_another_calculator_stays_an_answer(
    make_tracker: TrackerFactory,
) -> None:
    chat = Chat(make_tracker, ValidateAcquisitionTaxForm())
    chat.say("취득세 계산해 주세요", "calc_acquisition_tax")
    chat.say("5억이요", "calc_property_tax")  # names no tax: not a switch
    assert chat.slots["acquisition_price"] == 500_000_000


def test_other_calculator() -> None:
    assert other_calculator("calc_property_tax", "아 그냥 재산세 계산해줘", "vehicle_tax_form")
    assert other_calculator("calc_property_tax", "/calc_property_tax", "vehicle_tax_form")
    assert other_calculator("calc_vehicle_tax", "자동차세 계산", "vehicle_tax_form") is None
    assert other_calculator("calc_property_tax", "5억이요", "acquisition_tax_form") is None
    assert looks_like_question("연납 기한이 언제예요?")
    assert not looks_like_question("연납 안 해요")


def test_came_back_only_after_another_action(make_tracker: TrackerFactory) -> None:
    tracker = make_tracker("연납 기한이 언제예요?", "tax_question")
    tracker.events.append({"event": "action", "name": "action_extract_slots"})
    tracker.events.append({"event": "action", "name": "vehicle_tax_form"})
    assert not came_back(tracker, "vehicle_tax_form")
    tracker.events.insert(-1, {"event": "action", "name": "action_answer_in_tax_form"})
    assert came_back(tracker, "vehicle_tax_form")


# Corrections of any earlier answer.


def test_korean_correction_of_a_yes_no_answer_at_the_summary(
    make_tracker: TrackerFactory,
) -> None:
    chat = Chat(make_tracker, ValidatePropertyTaxForm())
    chat.say("재산세 얼마 나올까요?", "calc_property_tax")
    chat.say("공시가격 5억 3천만원이에요")
    chat.say("네", "affirm")
    chat.say("모르겠어요")
    confirm = chat.say("네", "affirm")
    assert "1세대 1주택," in confirm["text"]
    again = chat.say("아 1주택이 아니에요")
    assert chat.slots["property_one_house"] is False
    assert "고쳐서 반영했습니다: 1세대 1주택 아님" in again["text"]
    assert "맞나요" in again["text"] and chat.requested == "property_confirmed"


def test_english_correction_of_the_price_while_another_question_is_asked(
    make_tracker: TrackerFactory,
) -> None:
    chat = Chat(make_tracker, ValidateAcquisitionTaxForm())
    chat.say("Calculate the acquisition tax for me", "calc_acquisition_tax")
    chat.say("450 million won")
    chat.say("59 square meters")
    assert chat.requested == "acquisition_houses_after"
    reply = chat.say("wait, the price was 500 million won")
    assert chat.slots["acquisition_price"] == 500_000_000
    assert "I've changed that: price 500,000,000 won" in reply["text"]
    assert chat.requested == "acquisition_houses_after"  # "500" is not a number of homes
    chat.say("wait, the price was 5억")  # Korean units in English work too
    assert chat.slots["acquisition_price"] == 500_000_000
    assert chat.requested == "acquisition_houses_after"


def test_correcting_a_relief_answer_changes_what_is_asked(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateAcquisitionTaxForm())
    chat.say("취득세 계산해 주세요", "calc_acquisition_tax")
    chat.say("8억 5천만원")
    chat.say("84.9㎡")
    chat.say("2채요")
    chat.say("네", "affirm")  # 조정대상지역
    assert chat.requested == "acquisition_temporary_two_homes"
    confirm = chat.say("아 조정대상지역 아니에요")
    assert chat.slots["acquisition_adjusted_area"] is False
    # Outside an adjusted area the temporary two-home question no longer matters.
    assert chat.requested == "acquisition_confirmed"
    assert "조정대상지역 아님" in confirm["text"]


def test_english_correction_of_the_use_of_the_car(make_tracker: TrackerFactory) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker, "en")
    assert chat.slots["vehicle_business_use"] is False
    reply = chat.say("oh wait, it's for business use, it's a taxi")
    assert chat.slots["vehicle_business_use"] is True
    assert "I've changed that" in reply["text"]
    assert chat.requested == "vehicle_annual_payment"


def test_a_question_the_nlu_missed_is_answered_in_the_form(make_tracker: TrackerFactory) -> None:
    chat = vehicle_chat_at_annual_payment(make_tracker)
    chat.say("연납 기한이 언제예요?", "nlu_fallback")
    texts = [reply["text"] for reply in chat.replies]
    assert len(texts) == 2 and "연납" in texts[0], texts
    assert texts[1].startswith("이어서 계산에 필요한 것을 여쭙겠습니다")
    assert "죄송합니다" not in texts[1]
    assert chat.requested == "vehicle_annual_payment"


def test_a_switch_is_seen_from_the_rejected_form(make_tracker: TrackerFactory) -> None:
    chat = Chat(make_tracker, ValidateVehicleTaxForm())
    chat.say("자동차세 얼마 나와요?", "calc_vehicle_tax")
    chat.form = ValidatePropertyTaxForm()
    start = chat.say(
        "아 그냥 재산세 계산해줘",
        "calc_property_tax",
        open_form="property_tax_form",
        rejected="vehicle_tax_form",
    )
    assert start["text"].startswith("자동차세 계산은 여기서 멈추겠습니다.")
