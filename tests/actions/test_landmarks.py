"""Landmark questions through the action, on days chosen by an injected Seoul clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.landmarks
from actions.landmarks import ActionLandmarkInfo
from knowledge.landmarks.schedule import SEOUL
from tests.actions.conftest import TrackerFactory

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=SEOUL)
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=SEOUL)


@pytest.fixture
def on_day() -> Iterator[Any]:
    def set_day(moment: datetime) -> None:
        actions.landmarks.set_clock(lambda: moment)

    yield set_day
    actions.landmarks.set_clock(None)


def ask(
    make_tracker: TrackerFactory,
    text: str,
    intent: str = "landmark_info",
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    ActionLandmarkInfo().run(dispatcher, make_tracker(text, intent, entities=entities), {})
    [message] = dispatcher.messages
    custom: dict[str, Any] = message["custom"]
    return custom


def landmark(value: str) -> list[dict[str, Any]]:
    return [{"entity": "landmark", "value": value}]


def test_the_fee_of_gyeongbokgung(make_tracker: TrackerFactory, on_day: Any) -> None:
    on_day(MONDAY)
    reply = ask(make_tracker, "경복궁 입장료 얼마예요?", entities=landmark("경복궁"))
    assert reply["language"] == "ko"
    assert "3,000원" in reply["text"] and "무료" in reply["text"]
    assert reply["card"]["title"] == "경복궁"
    assert reply["card"]["url"] == "https://royal.khs.go.kr"
    assert "2026-11-30" in reply["card"]["source"]  # the date the fact was checked
    assert reply["card"]["needs_review"] is True
    titles = [button["title"] for button in reply["buttons"]]
    assert "입장료" not in titles and "가는 길" in titles


def test_deoksugung_today_closed_on_monday_open_on_tuesday(
    make_tracker: TrackerFactory, on_day: Any
) -> None:
    on_day(MONDAY)
    closed = ask(make_tracker, "오늘 덕수궁 열어요?", entities=landmark("덕수궁"))
    assert closed["text"].startswith("오늘 11월 30일(월) 덕수궁은 쉽니다.")
    on_day(TUESDAY)
    opened = ask(make_tracker, "오늘 덕수궁 열어요?", entities=landmark("덕수궁"))
    assert opened["text"].startswith("오늘 12월 1일(화) 덕수궁은 09:00~21:00에 엽니다")


def test_gyeongbokgung_on_tuesday_in_english(make_tracker: TrackerFactory, on_day: Any) -> None:
    on_day(MONDAY)
    reply = ask(make_tracker, "Is Gyeongbokgung open on Tuesday?", entities=landmark("경복궁"))
    assert reply["language"] == "en"
    assert reply["text"].startswith("Gyeongbokgung Palace is closed tomorrow, Tuesday 1 December.")
    # Wednesday it opens, with winter hours.
    reply = ask(make_tracker, "Is Gyeongbokgung open on Wednesday?", entities=landmark("경복궁"))
    assert "open on Wednesday 2 December: open 09:00 to 17:00 (last entry 16:00)" in reply["text"]


def test_directions_to_n_seoul_tower(make_tracker: TrackerFactory, on_day: Any) -> None:
    on_day(MONDAY)
    reply = ask(make_tracker, "How do I get to N Seoul Tower?", entities=landmark("N서울타워"))
    assert "105 Namsangongwon-gil" in reply["text"]
    assert "Subway Line 4, Myeongdong Station, Exit 3" in reply["text"]


def test_the_landmark_is_found_without_an_entity(make_tracker: TrackerFactory, on_day: Any) -> None:
    on_day(MONDAY)
    reply = ask(make_tracker, "How do I get to N Seoul Tower?")
    assert "Myeongdong" in reply["text"]


def test_places_for_children(make_tracker: TrackerFactory, on_day: Any) -> None:
    on_day(MONDAY)
    reply = ask(make_tracker, "아이랑 갈 만한 곳", intent="landmark_recommend")
    assert reply["text"].startswith("아이와 함께 가기 좋은 곳입니다.")
    assert "서울숲" in reply["text"]
    assert "덕수궁" not in reply["text"]  # closed on Mondays, and not a children's pick
    payloads = [button["payload"] for button in reply["buttons"]]
    assert '/landmark_info{"landmark": "seoul-forest"}' in payloads


def test_free_places_leave_out_the_closed_ones(make_tracker: TrackerFactory, on_day: Any) -> None:
    on_day(TUESDAY)
    reply = ask(make_tracker, "무료로 볼 수 있는 곳", intent="landmark_recommend")
    assert reply["text"].startswith("입장료 없이 둘러볼 수 있는 곳입니다.")
    assert "북촌한옥마을" in reply["text"] and "광화문광장" in reply["text"]
    assert "경복궁" not in reply["text"]  # closed on Tuesdays
    assert "청와대" not in reply["text"]  # visits suspended
    assert "12월 1일(화)" in reply["text"]


def test_a_button_names_the_landmark_and_the_fact(
    make_tracker: TrackerFactory, on_day: Any
) -> None:
    on_day(TUESDAY)
    reply = ask(
        make_tracker,
        '/landmark_info{"landmark": "bukchon", "landmark_aspect": "fee"}',
        entities=[
            {"entity": "landmark", "value": "bukchon"},
            {"entity": "landmark_aspect", "value": "fee"},
        ],
    )
    assert "북촌한옥마을은 입장료가 없습니다." in reply["text"]


def test_a_landmark_without_facts_keeps_its_entry(make_tracker: TrackerFactory) -> None:
    reply = ask(make_tracker, "창덕궁은 어떤 곳이에요", entities=landmark("창덕궁"))
    assert "창덕궁" in reply["text"]
