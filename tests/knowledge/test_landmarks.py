"""The ten landmarks as typed facts: the data file, open days, answers, the knowledge base copy."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from knowledge.curation import InvalidEntry, get_entry_by_external_id, update_entry
from knowledge.landmarks import read_landmarks
from knowledge.landmarks.answers import day_answer, directions_answer, fee_answer, topic
from knowledge.landmarks.questions import aspect_of, day_in, find_landmark, need_of
from knowledge.landmarks.schedule import day_status
from knowledge.landmarks.store import landmark_of, load_landmarks
from knowledge.seeding import seed_if_empty

LANDMARKS = tuple(read_landmarks())
BY_ID = {landmark.id: landmark for landmark in LANDMARKS}
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


def test_the_ten_landmarks_of_the_issue_are_there() -> None:
    names = {landmark.name.ko for landmark in LANDMARKS}
    assert len(LANDMARKS) == 10
    for expected in (
        "청와대",
        "경복궁",
        "덕수궁",
        "N서울타워",
        "북촌한옥마을",
        "서울숲",
        "한강공원",
    ):
        assert expected in names
    assert any("롯데월드타워" in name for name in names)
    assert any("DDP" in name for name in names)
    assert "광화문광장" in names


def test_every_fact_has_a_source_a_date_and_both_languages() -> None:
    for landmark in LANDMARKS:
        for group in landmark.fact_groups():
            source = landmark.source(group.source)
            assert source.url.startswith("https://")
            assert date(2026, 1, 1) <= group.checked <= date(2026, 12, 31)
            if group.needs_review:
                assert group.review_note, f"{landmark.id}: say what staff must check"
        assert landmark.description.text.ko and landmark.description.text.en
        assert landmark.directions.stations


def test_changing_values_are_marked_for_review() -> None:
    # Fees and seasonal hours change; staff confirm them (no network here to check).
    assert BY_ID["gyeongbokgung"].admission.needs_review
    assert BY_ID["n-seoul-tower"].admission.needs_review
    assert BY_ID["cheongwadae"].closures.suspended and BY_ID["cheongwadae"].closures.needs_review


def test_palaces_close_on_their_weekday() -> None:
    gyeongbokgung, deoksugung = BY_ID["gyeongbokgung"], BY_ID["deoksugung"]
    assert not day_status(gyeongbokgung, TUESDAY).open
    assert day_status(gyeongbokgung, MONDAY).open
    assert not day_status(deoksugung, MONDAY).open
    assert day_status(deoksugung, TUESDAY).open
    assert day_status(BY_ID["seoul-forest"], MONDAY).always_open


def test_day_answers_say_the_date_weekday_and_hours() -> None:
    closed = day_answer(BY_ID["gyeongbokgung"], TUESDAY, "ko", today=TUESDAY)
    assert closed.startswith("오늘 12월 1일(화) 경복궁은 쉽니다.")
    open_day = day_answer(BY_ID["deoksugung"], TUESDAY, "en", today=MONDAY)
    assert "Deoksugung Palace is open tomorrow, Tuesday 1 December" in open_day
    assert "09:00 to 21:00" in open_day
    winter = day_answer(BY_ID["gyeongbokgung"], date(2026, 12, 2), "ko", today=TUESDAY)
    assert "09:00~17:00에 엽니다(입장 마감 16:00)" in winter


def test_fee_and_directions_answers() -> None:
    fee = fee_answer(BY_ID["gyeongbokgung"], "ko")
    assert "3,000원" in fee and "만 65세 이상" in fee and "한복" in fee
    assert "royal.khs.go.kr" in fee  # needs review: the visitor is sent to the source
    tower = directions_answer(BY_ID["n-seoul-tower"], "en")
    assert "Myeongdong Station, Exit 3" in tower and "Cable Car" in tower
    assert "입장료가 없습니다" in fee_answer(BY_ID["seoul-forest"], "ko")


def test_korean_topic_particle_follows_the_last_syllable() -> None:
    assert topic("경복궁") == "경복궁은"
    assert topic("서울숲") == "서울숲은"
    assert topic("동대문디자인플라자(DDP)") == "동대문디자인플라자(DDP)는"


@pytest.mark.parametrize(
    ("text", "aspect", "day", "landmark"),
    [
        ("경복궁 입장료 얼마예요?", "fee", None, "gyeongbokgung"),
        ("오늘 덕수궁 열어요?", "day", MONDAY, "deoksugung"),
        ("Is Gyeongbokgung open on Tuesday?", "day", TUESDAY, "gyeongbokgung"),
        ("How do I get to N Seoul Tower?", "directions", None, "n-seoul-tower"),
        ("12월 25일에 경복궁 열어요?", "day", date(2026, 12, 25), "gyeongbokgung"),
        ("북촌 밤에 가도 돼요?", "rules", None, "bukchon"),
        ("Is Lotte World Tower open tomorrow?", "day", TUESDAY, "lotte-world-tower"),
    ],
)
def test_questions_are_read(text: str, aspect: str, day: date | None, landmark: str) -> None:
    assert aspect_of(text) == aspect
    assert day_in(text, today=MONDAY) == day
    found = find_landmark(LANDMARKS, entity=None, text=text)
    assert found is not None and found.id == landmark


def test_entity_values_and_needs() -> None:
    assert find_landmark(LANDMARKS, entity="동대문디자인플라자", text="")
    assert find_landmark(LANDMARKS, entity="여의도한강공원", text="") == BY_ID["hangang-parks"]
    assert find_landmark(LANDMARKS, entity="창덕궁", text="창덕궁") is None
    assert need_of("아이랑 갈 만한 곳") == "kids"
    assert need_of("무료로 볼 수 있는 곳") == "free"


def test_landmarks_load_into_the_knowledge_base_and_staff_edits_stay(
    sqlite_session: Session,
) -> None:
    seed_if_empty(sqlite_session)
    assert load_landmarks(sqlite_session) == 10
    entry = get_entry_by_external_id(sqlite_session, external_id="landmark-gyeongbokgung")
    assert entry is not None and entry.collection == "landmark" and entry.status == "published"
    assert entry.needs_review  # some of its facts wait for staff
    assert "3,000원" in entry.content["ko"]["answer"]
    facts = landmark_of(entry)
    assert facts is not None and facts.closures.weekdays == [1]

    # Staff change the fee in the typed data, as the console would.
    data = dict(entry.data or {})
    data["admission"] = {
        **data["admission"],
        "needs_review": False,
        "fees": [{"group": {"ko": "어른", "en": "Adults"}, "price_krw": 5000}],
    }
    update_entry(sqlite_session, external_id=entry.external_id, changed_by="staff", data=data)
    assert load_landmarks(sqlite_session) == 0  # a restart does not undo the edit
    edited = landmark_of(entry)
    assert edited is not None and edited.admission.fees[0].price_krw == 5000

    bad = dict(data)
    bad["closures"] = {**data["closures"], "weekdays": [9]}
    with pytest.raises(InvalidEntry, match="weekdays"):
        update_entry(sqlite_session, external_id=entry.external_id, changed_by="staff", data=bad)
    with pytest.raises(InvalidEntry, match="structured data"):
        update_entry(sqlite_session, external_id="service-landmarks", changed_by="staff", data=data)
