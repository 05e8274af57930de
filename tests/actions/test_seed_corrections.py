"""The nine seed corrections of issue 16, asked the way a citizen would ask them.

Each question goes through the real knowledge search over the curated seed (the session's
`seeded_knowledge_base`) and the answer action; the reply must state the corrected rule and name
its article. The English texts are checked through the entry buttons, which answer one entry.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_answers import ActionAnswerQuestion
from tests.actions.conftest import TrackerFactory


def ask(make_tracker: TrackerFactory, question: str, intent: str = "faq") -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    ActionAnswerQuestion().run(dispatcher, make_tracker(question, intent), {})
    [message] = dispatcher.messages
    reply: dict[str, Any] = message["custom"]
    assert reply.get("card"), f"no answer card for {question!r}: {reply}"
    return reply


def entry_reply(make_tracker: TrackerFactory, entry_id: str, language: str) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        f'/faq{{"entry_id": "{entry_id}"}}',
        "faq",
        entities=[{"entity": "entry_id", "value": entry_id}],
        slots={"language": language},
    )
    ActionAnswerQuestion().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    reply: dict[str, Any] = message["custom"]
    return reply


def test_birth_report_goes_to_the_district_office_or_your_own_dong(
    make_tracker: TrackerFactory,
) -> None:
    """가족관계등록법 §20①, §21: any 구청; a 동 주민센터 only for the 주민등록지 동."""
    text = ask(make_tracker, "출생신고 어디서 해요?")["text"]
    assert "출생신고" in text
    assert "구청(시·구·읍·면 사무소)" in text
    assert "주민등록지" in text and "동일 때에만" in text
    assert "제21조" in text
    assert "가까운 주민센터나 구청" not in text
    assert "참여하는 병원" in text  # the online route is limited


def test_marriage_report_goes_to_the_district_office_not_the_dong(
    make_tracker: TrackerFactory,
) -> None:
    """§21 covers births and deaths only: a paper marriage report goes to a 구청."""
    text = ask(make_tracker, "혼인신고 주민센터에서 할 수 있나요?")["text"]
    assert "혼인신고" in text
    assert "주민센터가 아니라 구청" in text
    assert "제21조" in text and "민법 제812조" in text


def test_death_report_at_a_dong_only_for_the_deceased_s_own_dong(
    make_tracker: TrackerFactory,
) -> None:
    text = ask(make_tracker, "아버지가 돌아가셨는데 사망신고 어디서 해요?")["text"]
    assert "사망신고" in text
    assert "돌아가신 분의 주민등록지" in text and "동일 때에만" in text
    assert "제21조" in text and "제84조" in text


def test_climate_card_days_run_from_the_chosen_start_date(make_tracker: TrackerFactory) -> None:
    reply = ask(make_tracker, "기후동행카드 30일은 충전한 날부터 세나요?")
    text = reply["text"]
    assert "사용개시일" in text and "5일 안에" in text
    assert "충전한 날부터 30일" not in text
    assert "후불" in text and "2024년 11월 30일" in text
    assert "만 19세부터 39세" in text
    assert reply["card"]["needs_review"] is True  # a city notice, not a legal text


def test_acquisition_tax_nine_months_when_any_heir_lives_abroad(
    make_tracker: TrackerFactory,
) -> None:
    """지방세법 §20①: 9 months for every heir when any heir has an address abroad; 실종 too."""
    reply = ask(
        make_tracker, "상속받은 집 취득세는 언제까지 신고해요? 형이 외국에 살아요", "tax_question"
    )
    text = reply["text"]
    assert "외국에 주소를 둔 사람이 있으면 상속인 모두 9개월" in text
    assert "실종" in text and "6개월" in text
    assert "지방세법 제20조제1항" in text
    assert reply["card"]["needs_review"] is False


def test_licence_tax_due_date_is_set_by_the_district_ordinance(
    make_tracker: TrackerFactory,
) -> None:
    """지방세법 §35②: 조례로 정하는 납기; in Seoul 등록면허세 is a 구세 (지방세기본법 §8③)."""
    text = ask(make_tracker, "1월에 나오는 면허세 납기는 누가 정해요?", "tax_question")["text"]
    assert "등록면허세" in text
    assert "조례" in text and "구세" in text
    assert "지방세법 제35조제2항" in text and "지방세기본법 제8조제3항" in text


def test_small_vehicle_tax_comes_whole_in_june(make_tracker: TrackerFactory) -> None:
    """지방세법 §128④: 연세액 10만원 이하 may be billed whole in June, less 5% of the 2nd half."""
    reply = ask(make_tracker, "경차라 자동차세가 10만원도 안 되는데 언제 내요?", "tax_question")
    text = reply["text"]
    assert "10만원 이하" in text and "6월에 1년 치를 한꺼번에" in text
    assert "제128조제1항" in text and "제4항" in text
    assert reply["card"]["needs_review"] is False


def test_annual_payment_rate_is_five_percent_with_its_article(
    make_tracker: TrackerFactory,
) -> None:
    """지방세법 시행령 §125⑥ (2024.12.31 개정): 5% for 2025 and 2026; the formula is §128③."""
    reply = ask(make_tracker, "자동차세 연납 공제율 몇 퍼센트예요?", "tax_question")
    text = reply["text"]
    assert "5%" in text and "2025년과 2026년" in text
    assert "시행령 제125조제6항" in text and "제128조제3항" in text
    assert reply["card"]["needs_review"] is False


def test_seniors_bus_fares_point_to_district_support(make_tracker: TrackerFactory) -> None:
    text = ask(make_tracker, "65세 넘으면 버스도 공짜예요?")["text"]
    assert "일반 요금" in text
    assert "자치구" in text and "구청" in text


@pytest.mark.parametrize(
    ("entry_id", "phrases"),
    [
        ("faq-birth-registration", ["district office", "Article 21", "resident registration"]),
        ("faq-marriage-registration", ["not the community service centre", "Article 812"]),
        ("faq-death-report-inheritance", ["the deceased's resident registration", "Article 21"]),
        ("faq-climate-card", ["start date you choose", "5 days", "30 November 2024", "19 to 39"]),
        ("tax-acquisition-due", ["nine months for every heir", "disappearance", "Article 20(1)"]),
        ("tax-registration-license-tax", ["local ordinance", "Article 35(2)", "Article 8(3)"]),
        ("tax-vehicle-due-dates", ["100,000 won or less", "Article 128(4)", "Article 125(6)"]),
        ("tax-vehicle-annual-payment", ["5% for both 2025 and 2026", "Article 125(6)"]),
        ("faq-senior-free-transit", ["Some districts", "district office"]),
    ],
)
def test_the_english_text_carries_the_same_correction(
    make_tracker: TrackerFactory, entry_id: str, phrases: list[str]
) -> None:
    reply = entry_reply(make_tracker, entry_id, "en")
    assert reply["language"] == "en"
    for phrase in phrases:
        assert phrase in reply["text"], (entry_id, phrase)
