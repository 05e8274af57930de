"""What a landmark question asks: which landmark, which fact, which day, what kind of outing.

Read from the citizen's words with plain patterns after the NLU has said the topic is a
landmark: the aspects are few and their words are unambiguous, and a day ("화요일", "on
Tuesday", "12월 25일") is arithmetic on today's date that no classifier should guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from knowledge.landmarks.facts import Landmark, Suitability

Aspect = Literal[
    "fee", "day", "hours", "directions", "reservation", "accessibility", "rules", "overview"
]
ASPECTS: tuple[Aspect, ...] = (
    "fee",
    "day",
    "hours",
    "directions",
    "reservation",
    "accessibility",
    "rules",
    "overview",
)


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.I)


# Checked in this order: "입장료 무료예요?" is a fee question, "몇 시에 닫아요" a day question.
_ASPECT_PATTERNS: tuple[tuple[Aspect, re.Pattern[str]], ...] = (
    (
        "fee",
        _any(
            r"입장료|관람료|요금|얼마|가격|티켓|표\s*값|무료|공짜",
            r"fee|price|cost|ticket|how much|admission|free",
        ),
    ),
    ("reservation", _any(r"예약|예매|신청", r"reserv|book")),
    (
        "accessibility",
        _any(r"휠체어|장애|유모차|엘리베이터", r"wheelchair|accessib|stroller|disab|lift|elevator"),
    ),
    (
        "rules",
        _any(
            r"규칙|금지|제한|통행|조용|레드존|과태료|가도\s*(돼|되)",
            r"rule|allowed|restrict|quiet|fine\b|red zone|can i (go|visit)",
        ),
    ),
    (
        "directions",
        _any(
            r"가는\s*(법|길|방법)|어떻게\s*가|가려면|가요\?|찾아가|길\s*알려|몇\s*번\s*출구|출구",
            r"지하철|버스|역에서|주소|어디에\s*있",
            r"get to|how (do|can) i (get|go)|directions|station|subway|metro|exit|address|where is",
        ),
    ),
    (
        "day",
        _any(
            r"열어|여나|열려|열었|여는|문\s*(열|닫)|닫아|닫나|쉬어|쉬나|쉬는|휴무|휴일|휴궁|휴관",
            r"개방|운영\s*해|\bopen\b|\bclosed?\b",
        ),
    ),
    ("hours", _any(r"몇\s*시|시간|마감", r"hours|what time|until when|last entry")),
)

_WEEKDAY_WORDS: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (index, re.compile(pattern, re.I))
    for index, pattern in enumerate(
        (
            r"월요일|월욜|monday|\bmon\b",
            r"화요일|화욜|tuesday|\btue\b",
            r"수요일|수욜|wednesday|\bwed\b",
            r"목요일|목욜|thursday|\bthu\b",
            r"금요일|금욜|friday|\bfri\b",
            r"토요일|토욜|saturday|\bsat\b",
            r"일요일|일욜|sunday|\bsun\b",
        )
    )
)
_MONTHS_EN = (
    "january february march april may june july august september october november december"
).split()
_KO_DATE = re.compile(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})\b")
_EN_DATE = re.compile(
    r"\b("
    + "|".join(_MONTHS_EN)
    + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+("
    + "|".join(_MONTHS_EN)
    + r")\b",
    re.I,
)

_NEEDS: tuple[tuple[Suitability, re.Pattern[str]], ...] = (
    (
        "kids",
        re.compile(r"아이|애들|애랑|어린이|아기|유아|가족|키즈|kid|child|family|toddler", re.I),
    ),
    ("free", re.compile(r"무료|공짜|돈\s*안|free|no charge|without paying", re.I)),
    ("night", re.compile(r"야경|밤|저녁|야간|night|evening", re.I)),
    ("rain", re.compile(r"비\s*(오|와)|실내|rain|indoor", re.I)),
    (
        "elderly",
        re.compile(r"어르신|부모님|노인|할머니|할아버지|elderly|senior|grandparent|parents", re.I),
    ),
)


def aspect_of(text: str) -> Aspect:
    for aspect, pattern in _ASPECT_PATTERNS:
        if pattern.search(text):
            return aspect
    return "day" if day_in(text, today=date(2000, 1, 3)) is not None else "overview"


def _this_or_next_year(month: int, day: int, today: date) -> date | None:
    try:
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def day_in(text: str, *, today: date) -> date | None:
    """The day a question is about, or None when it names none."""
    if re.search(r"모레|day after tomorrow", text, re.I):
        return today + timedelta(days=2)
    if re.search(r"내일|tomorrow", text, re.I):
        return today + timedelta(days=1)
    if re.search(r"오늘|지금|today|now|tonight", text, re.I):
        return today
    if match := _KO_DATE.search(text):
        return _this_or_next_year(int(match[1]), int(match[2]), today)
    if match := _EN_DATE.search(text):
        month_name = match[1] or match[4]
        day_number = match[2] or match[3]
        return _this_or_next_year(_MONTHS_EN.index(month_name.lower()) + 1, int(day_number), today)
    if match := _SLASH_DATE.search(text):
        return _this_or_next_year(int(match[1]), int(match[2]), today)
    for weekday, pattern in _WEEKDAY_WORDS:
        if pattern.search(text):
            ahead = (weekday - today.weekday()) % 7
            if re.search(r"다음\s*주|next week", text, re.I) and ahead == 0:
                ahead = 7
            return today + timedelta(days=ahead)
    return None


def need_of(text: str) -> Suitability | None:
    for need, pattern in _NEEDS:
        if pattern.search(text):
            return need
    return None


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def find_landmark(
    landmarks: tuple[Landmark, ...], *, entity: str | None, text: str
) -> Landmark | None:
    """The landmark an entity value or the text names: by id, name or alias."""
    wanted = [_normal(entity)] if entity else []
    for landmark in landmarks:
        names = {_normal(name) for name in (landmark.id, landmark.name.ko, landmark.name.en)}
        names |= {_normal(alias) for alias in landmark.aliases}
        if any(value in names for value in wanted):
            return landmark
    normal_text = _normal(text)
    # Longest alias first, so "여의도한강공원" is not read as some shorter name inside it.
    candidates = sorted(
        ((alias, landmark) for landmark in landmarks for alias in landmark.aliases),
        key=lambda pair: -len(pair[0]),
    )
    for alias, landmark in candidates:
        if len(alias) >= 2 and _normal(alias) in normal_text:
            return landmark
    return None
