"""Property tests for the readers of amounts and dates as people write them (civic/numbers.py)
and the tax form's readers built on them (money, displacement, area, house count, month).

Any text up to a chat message's length is either read or refused with the reader's own error;
numbers written the usual ways read back to themselves; readers are monotonic where the
meaning is; none takes noticeably long, whatever the text.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from actions.tax_answers import (
    read_area,
    read_displacement,
    read_house_count,
    read_month_date,
    read_won,
)
from civic.numbers import AmountParseError, DateParseError, parse_amount, parse_date

MAX_CHARS = 2000  # the longest chat message (AgentSettings.max_message_chars)
KOREAN_DIGITS = "영일이삼사오육칠팔구"
# Characters the readers care about, so generated text hits their branches, not just misses.
NUMBER_ALPHABET = (
    "0123456789,.- 원만억조천백십" + KOREAN_DIGITS + "공년월일전작올해재금㎡cc씨리터l평/"
    "٣３²¹"  # Arabic-Indic and full-width digits, superscripts
)
number_text = st.text(alphabet=NUMBER_ALPHABET, max_size=60)
any_text = st.text(max_size=MAX_CHARS)
today = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


def _korean_section(n: int, *, words: bool) -> str:
    """0 < n < 10000 as people write it: "3천5백" / "삼천오백" ("천" for 1000, not "일천")."""
    parts = []
    for unit_value, unit in ((1000, "천"), (100, "백"), (10, "십")):
        digit, n = divmod(n, unit_value)
        if digit:
            lead = "" if digit == 1 else (KOREAN_DIGITS[digit] if words else str(digit))
            parts.append(lead + unit)
    if n:
        parts.append(KOREAN_DIGITS[n] if words else str(n))
    return "".join(parts)


def korean_amount(n: int, *, words: bool, spaced: bool) -> str:
    """A positive integer below 10^16 in 조/억/만 sections: "5억 3천만", "오억삼천만"."""
    sections = []
    for unit_value, unit in ((10**12, "조"), (10**8, "억"), (10**4, "만"), (1, "")):
        value, n = divmod(n, unit_value)
        if value:
            sections.append(_korean_section(value, words=words) + unit)
    return (" " if spaced else "").join(sections)


# --- civic.numbers.parse_amount -----------------------------------------------------------


@given(any_text)
def test_any_text_is_read_or_refused_with_an_amount_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except AmountParseError:
        return
    assert value.is_finite() and value >= 0


@given(number_text)
def test_number_like_text_is_read_or_refused_with_an_amount_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except AmountParseError:
        return
    assert value.is_finite() and value >= 0


UNITS = st.sampled_from(["", "원", " 원", "cc", "㎡"])


@given(st.integers(min_value=0, max_value=10**24 - 1), UNITS)
def test_arabic_numbers_with_and_without_commas_read_back(n: int, unit: str) -> None:
    assert parse_amount(f"{n}{unit}") == n
    assert parse_amount(f"{n:,}{unit}") == n
    assert parse_amount(f"약 {n:,}{unit}이에요") == n


@given(st.integers(min_value=10**24, max_value=10**200), UNITS)
def test_runs_of_digits_past_any_amount_are_refused_not_rounded(n: int, unit: str) -> None:
    # Decimal's default context rounded these to 28 digits, and read_won's `% 10**8` raised.
    with pytest.raises(AmountParseError):
        parse_amount(f"{n}{unit}")
    assert read_won(f"{n}원", unit_required=True) is None


@given(st.integers(min_value=10**12, max_value=10**40))
def test_korean_units_past_the_ceiling_are_refused(n: int) -> None:
    with pytest.raises(AmountParseError):
        parse_amount(f"{n:,}조 원")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_decimals_read_back_exactly(value: Decimal) -> None:
    assert parse_amount(f"{value}㎡") == value
    assert parse_amount(f"{value:,}㎡") == value


@given(
    st.integers(min_value=1, max_value=10**16 - 1),
    st.booleans(),
    st.booleans(),
)
def test_korean_amounts_read_back(n: int, words: bool, spaced: bool) -> None:
    text = korean_amount(n, words=words, spaced=spaced)
    # A lone Korean digit is a word ("이원" could be a name), read only after a unit.
    assume(not (words and n < 10))
    assert parse_amount(text + "원") == n, text


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=10**12))
def test_korean_amounts_keep_their_order(a: int, b: int) -> None:
    assume(a != b)
    low, high = sorted((a, b))
    read_low = parse_amount(korean_amount(low, words=False, spaced=True) + "원")
    read_high = parse_amount(korean_amount(high, words=False, spaced=True) + "원")
    assert read_low < read_high


@given(st.integers(min_value=1, max_value=10**15))
def test_a_minus_sign_is_refused_not_read_as_positive(n: int) -> None:
    with pytest.raises(AmountParseError):
        parse_amount(f"-{n:,}원")


# --- civic.numbers.parse_date -------------------------------------------------------------


@given(any_text, today)
def test_any_text_is_a_date_or_refused_with_a_date_error(text: str, day: date) -> None:
    try:
        parse_date(text, today=day)
    except DateParseError:
        pass


@given(st.text(alphabet="0123456789 -./년월일전작올해재지난금이번" + "٣３", max_size=40), today)
def test_date_like_text_is_a_date_or_refused_with_a_date_error(text: str, day: date) -> None:
    try:
        parse_date(text, today=day)
    except DateParseError:
        pass


@given(st.dates(min_value=date(1000, 1, 1)), today)
def test_written_dates_read_back(written: date, day: date) -> None:
    y, m, d = written.year, written.month, written.day
    for text in (
        written.isoformat(),
        f"{y}.{m}.{d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}년 {m}월 {d}일에 등록했어요",
    ):
        assert parse_date(text, today=day) == written, text
    assert parse_date(f"{y}년 {m}월", today=day) == date(y, m, 1)


@given(st.integers(min_value=1, max_value=12), today)
def test_relative_years_count_from_today(month: int, day: date) -> None:
    assert parse_date(f"작년 {month}월에 샀어요", today=day) == date(day.year - 1, month, 1)
    assert parse_date(f"재작년 {month}월", today=day) == date(day.year - 2, month, 1)
    assert parse_date(f"올해 {month}월", today=day) == date(day.year, month, 1)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6), today)
def test_more_years_ago_is_never_later(a: int, b: int, day: date) -> None:
    def ago(years: int) -> date | None:
        try:
            return parse_date(f"{years}년 전에 샀어요", today=day)
        except DateParseError:
            return None

    low, high = sorted((a, b))
    recent, older = ago(low), ago(high)
    if recent is not None and older is not None:
        assert older <= recent
    if older is not None:
        assert recent is not None  # fewer years ago than a readable date is readable too


# --- the tax form's readers (actions/tax_answers.py) --------------------------------------

READERS = (
    lambda text: read_won(text, unit_required=True),
    lambda text: read_won(text, unit_required=False),
    lambda text: read_displacement(text, unit_required=True),
    lambda text: read_displacement(text, unit_required=False),
    lambda text: read_area(text, unit_required=True),
    lambda text: read_area(text, unit_required=False),
    read_house_count,
    lambda text: read_month_date(text, today=date(2026, 11, 30)),
)


@given(st.one_of(any_text, number_text))
def test_form_readers_answer_none_or_a_value_for_any_text(text: str) -> None:
    for read in READERS:
        read(text)  # no exception, whatever the citizen wrote


@given(st.integers(min_value=50, max_value=20_000), st.integers(min_value=50, max_value=20_000))
def test_displacement_keeps_its_order(a: int, b: int) -> None:
    low, high = sorted((a, b))
    read_low = read_displacement(f"{low:,}cc", unit_required=True)
    read_high = read_displacement(f"{high:,}cc", unit_required=True)
    assert (read_low, read_high) == (low, high)


@given(st.integers(min_value=1_000_000, max_value=10**15))
def test_won_reads_back_in_digits_and_in_korean(n: int) -> None:
    assert read_won(f"{n:,}원", unit_required=True) == n
    assert read_won(korean_amount(n, words=False, spaced=True) + "원", unit_required=True) == n


@given(st.decimals(min_value=1, max_value=10_000, places=2))
def test_area_reads_back(value: Decimal) -> None:
    assert read_area(f"{value}㎡", unit_required=True) == value.normalize()


# Texts built to make a backtracking reader slow: long runs of the characters it collects,
# each broken just before a unit, repeated across a whole message.
SLOW_TEXTS = [
    ("1" * 1000 + "xcc" * 400)[:MAX_CHARS],
    ("1 " * 600 + "x" + "cc" * 400)[:MAX_CHARS],
    ("1" * 1000 + "x㎡" * 500)[:MAX_CHARS],
    ("일이삼" * 400 + "x" + "m2" * 400)[:MAX_CHARS],
    ("," * 1990 + "cc" * 5)[:MAX_CHARS],
    ("9" * 1999 + "년")[:MAX_CHARS],
    ("1" * 1990 + "년 전")[:MAX_CHARS],
    ("천" * MAX_CHARS),
    ("1억" * 1000),
]


@pytest.mark.parametrize("text", SLOW_TEXTS, ids=range(len(SLOW_TEXTS)))
def test_no_reader_is_slow_on_a_long_message(text: str) -> None:
    started = time.process_time()
    for read in READERS:
        read(text)
    for parse in (parse_amount, lambda t: parse_date(t, today=date(2026, 11, 30))):
        try:
            parse(text)
        except ValueError:
            pass
    # CPU time, generous for a loaded machine: the backtracking reader took 10 s and more.
    assert time.process_time() - started < 2.0
