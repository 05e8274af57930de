"""How people write amounts and dates, read once: "2천cc", "5억 3천만원", "작년 3월에 샀어요".

Everything returns Decimal or date; nothing here knows about Rasa or HTTP.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext

_DIGITS = {
    "영": 0,
    "공": 0,
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12}
_UNITS = {**_SMALL_UNITS, **_BIG_UNITS}
# An Arabic number: 1,998 / 850,000,000 / 84.9 / 1600.
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# No amount anyone writes reaches 10^24 (a million 경); past it a "number" is a run of digits,
# and refusing it keeps every figure exact in Decimal's default 28-digit context downstream.
AMOUNT_CEILING = Decimal(10) ** 24


class AmountParseError(ValueError):
    """The text holds no amount we can read."""


def _tokens(text: str) -> list[Decimal | str]:
    """Numbers and unit characters of the first amount in `text`, in order."""
    tokens: list[Decimal | str] = []
    index = 0
    started = False
    while index < len(text):
        char = text[index]
        match = _ARABIC.match(text, index)
        if match:
            if started and tokens and isinstance(tokens[-1], Decimal):
                break  # two bare numbers in a row: "1998 2000" is not one amount
            if started or _starts_amount(text, index):
                if index > 0 and text[index - 1] == "-" and not started:
                    raise AmountParseError("negative amounts are not accepted")
                tokens.append(Decimal(match.group().replace(",", "")))
                started = True
                index = match.end()
                continue
        elif char in _DIGITS and index + 1 < len(text) and text[index + 1] in _UNITS:
            tokens.append(Decimal(_DIGITS[char]))
            started = True
            index += 1
            continue
        elif char in _DIGITS and tokens and isinstance(tokens[-1], str) and _ends(text, index + 1):
            # The ones after a unit: "이십일원" is 21, "천오백오십오 cc" 1555.
            tokens.append(Decimal(_DIGITS[char]))
            index += 1
            continue
        elif char in _UNITS and (started or _unit_starts_amount(text, index)):
            tokens.append(char)
            started = True
            index += 1
            continue
        elif char == " " and started:
            index += 1
            continue
        elif started:
            break
        index += 1
    return tokens


def _ends(text: str, index: int) -> bool:
    """Whether an amount can end here: not inside a word ("2천이에요" is 2000, not 2002)."""
    if index >= len(text):
        return True
    char = text[index]
    return not ("가" <= char <= "힣") or char in "원평씨"


def _starts_amount(text: str, index: int) -> bool:
    return index == 0 or not text[index - 1].isdigit()


def _unit_starts_amount(text: str, index: int) -> bool:
    """A bare unit begins an amount ("천만원", "백만 원") only when more number follows."""
    rest = text[index + 1 : index + 3]
    if not rest:
        return False
    korean_digit_then_unit = rest[0] in _DIGITS and rest[1:2] in _UNITS and rest[1:2] != ""
    return (
        rest[0] in _UNITS
        or rest[0].isdigit()
        or korean_digit_then_unit
        or (rest[0] in _DIGITS and _ends(text, index + 2))  # "백일원" is 101
        or rest[0] == "원"
        or rest.startswith(" 원")
    )


def parse_amount(text: str) -> Decimal:
    """Read the first amount written in `text`: Arabic digits, Korean numerals or both.

    "2천cc" -> 2000, "1,998cc" -> 1998, "이천 씨씨" -> 2000, "5억 3천만원" -> 530000000,
    "850,000,000원" -> 850000000, "84.9㎡" -> 84.9, "1600" -> 1600.
    """
    tokens = _tokens(text.strip())
    if not tokens:
        raise AmountParseError(f"no amount in {text!r}")
    # Exact arithmetic whatever the digits (the default context rounds past 28 of them).
    with localcontext() as context:
        context.prec = 2 * max(len(text), 28)
        total = Decimal(0)
        section = Decimal(0)  # the part below the next 만/억/조
        current: Decimal | None = None
        for token in tokens:
            if isinstance(token, Decimal):
                current = token
            elif token in _SMALL_UNITS:
                section += (current if current is not None else Decimal(1)) * _SMALL_UNITS[token]
                current = None
            else:
                section += current if current is not None else Decimal(0)
                if section == 0:
                    section = Decimal(1)
                total += section * _BIG_UNITS[token]
                section = Decimal(0)
                current = None
        total += section + (current if current is not None else Decimal(0))
        if total >= AMOUNT_CEILING:
            raise AmountParseError("too large to be an amount")
        try:
            return total.normalize() if total != total.to_integral_value() else Decimal(int(total))
        except InvalidOperation as error:  # pragma: no cover - the arithmetic above is exact
            raise AmountParseError(str(error)) from error


class DateParseError(ValueError):
    """The text holds no date we can read, or one that does not exist."""


_FULL_DATE = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*일?")
_YEAR_MONTH = re.compile(r"(\d{4}|\d{2})\s*년\s*(\d{1,2})\s*월")
_YEAR_MONTH_NUMERIC = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})(?![\d.\-/])")
_RELATIVE_YEAR = {"재작년": -2, "지난해": -1, "작년": -1, "올해": 0, "금년": 0, "이번 해": 0}
_MONTH = re.compile(r"(\d{1,2})\s*월")
_YEARS_AGO = re.compile(r"(?<!\d)(\d{1,4})\s*년\s*전")


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError) as error:
        raise DateParseError(f"{year:04d}-{month:02d}-{day:02d} is not a real date") from error


def _full_year(two_or_four: str, today: date) -> int:
    year = int(two_or_four)
    if len(two_or_four) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def parse_date(text: str, *, today: date) -> date:
    """Read a date: "2019-03-15", "2019년 3월 15일", "2019.3", "작년 3월에 샀어요", "3년 전".

    A date given to the month only is taken as the first of that month, which is enough for
    the half-year rules the tax calculators need. Relative words count from `today`.
    """
    text = text.strip()
    if match := _FULL_DATE.search(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _YEAR_MONTH.search(text):
        return _make_date(_full_year(match[1], today), int(match[2]), 1)
    if match := _YEAR_MONTH_NUMERIC.search(text):
        return _make_date(int(match[1]), int(match[2]), 1)
    for word, offset in _RELATIVE_YEAR.items():
        if word in text:
            month = _MONTH.search(text)
            if month is None:
                return _make_date(today.year + offset, 1, 1)
            return _make_date(today.year + offset, int(month[1]), 1)
    if match := _YEARS_AGO.search(text):
        year = today.year - int(match[1])
        day = min(today.day, 28) if today.month == 2 else today.day
        return _make_date(year, today.month, day)
    raise DateParseError(f"no date in {text!r}")
