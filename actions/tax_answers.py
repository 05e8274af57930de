"""Reading one answer of a tax form from free text: "2천cc", "5억 3천만원", "작년 3월", "네".

Numbers and dates go through civic/numbers.py; this module adds only what a conversation needs
on top: which unit says which question the number answers, yes/no and choices in Korean and
English, "모르겠어요", and English scale words ("530 million won"). Every reader returns None
when the text does not answer, so the form can ask again politely.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from civic.numbers import AmountParseError, DateParseError, parse_amount, parse_date

# Korean and English words, matched on the text lower-cased with spaces kept.
_YES = re.compile(
    r"^(네|넵|넹|예|응|웅|ㅇㅇ|맞아요|맞아|맞습니다|맞음|그래요|그렇습니다|좋아요|yes|yeah|yep|"
    r"yup|y|sure|correct|right|that's right|ok|okay)\b|^(네|예)\s"
)
_NO = re.compile(
    r"^(아니요|아뇨|아니|아니에요|아닙니다|아니오|ㄴㄴ|no|nope|nah|n|not really)\b|"
    r"(아니에요|아닙니다|아니요|아닌데요|아닌데|아니던데요|아닌 것 같아요|아닐 거예요|않아요|"
    r"않습니다)$|"
    r"그렇지 않|i don't think so|\bit's not\b|\bit isn't\b|\bis not\b|\bisn't\b|\bwon't be\b"
)
# A negated claim inside a longer answer: "영업용 아니에요", "not an electric car".
_NEGATION = re.compile(r"아니|아닌|않|\bnot\b|n't\b|\bno\b|\bnever\b")
# "X 아니고 Y", "X 말고 Y", "not X but Y": what follows is what the citizen means.
_INSTEAD = re.compile(r"아니고|아니라|말고|\bbut\b|\binstead\b|\brather\b")
_UNKNOWN = re.compile(
    r"모르|몰라|모름|잘 몰|기억.*안|건너뛰|넘어가|skip|don't know|dont know|not sure|no idea|"
    r"unknown|can't remember"
)
# Turning an offer down: "됐어요", "괜찮아요", "안 해요", "그냥 넘어갈게요", "no thanks".
_DECLINE = re.compile(
    r"됐어|됐습니다|됐고|괜찮아|괜찮습니다|필요\s*없|안\s*(해|하|함|할)|안 낼|안낼|하지 않|"
    r"^그냥(요|\s*(넘어|패스|pass))?$|no thanks|no, thanks|i'm good|i'm fine|not needed|no need|"
    r"don't need|rather not"
)

_CC_UNIT = re.compile(r"(cc|씨씨|시시|㏄)", re.IGNORECASE)
_LITRE_UNIT = re.compile(r"(리터|ℓ|litre|liter|\d\s*l\b)", re.IGNORECASE)
_AREA_UNIT = re.compile(r"(㎡|m2|m²|제곱미터|평방미터|square met|sqm|sq m)", re.IGNORECASE)
_MONEY_UNIT = re.compile(r"(억|만|원|won|million|billion|krw)", re.IGNORECASE)
_ENGLISH_SCALE = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(thousand|million|billion|mil|bn)\b", re.IGNORECASE
)
_SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "mil": 10**6,
    "billion": 10**9,
    "bn": 10**9,
}
# What a number written before a unit is made of ("1,998", "이천 ", "84.9").
_NUMBER_CHARS = frozenset(",.일이삼사오육칠팔구십백천")

_ENGLISH_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ENGLISH_MONTH = re.compile(
    r"\b(" + "|".join(sorted(_ENGLISH_MONTHS, key=len, reverse=True)) + r")\b"
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")

_NATIVE_COUNTS = {
    "한": 1,
    "하나": 1,
    "두": 2,
    "둘": 2,
    "세": 3,
    "셋": 3,
    "네": 4,
    "넷": 4,
    "다섯": 5,
    "여섯": 6,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
}
_COUNT = re.compile(
    r"(\d+)\s*(채|주택|houses?|homes?|개)?|"
    r"(한|하나|두|둘|세|셋|네|넷|다섯|여섯)\s*(채|개|주택)|"
    r"\b(one|two|three|four|five|six)\b",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    return " ".join(text.strip().lower().split())


def read_yes_no(text: str) -> bool | None:
    """네 / yes → True, 아니요 / no → False, anything else → None."""
    normal = _normal(text).rstrip(".!?~ ")
    if _NO.search(normal):
        return False
    if _YES.search(normal):
        return True
    return None


def says_unknown(text: str) -> bool:
    """ "모르겠어요", "skip", "I don't know": the citizen cannot answer an optional question."""
    return bool(_UNKNOWN.search(_normal(text)))


def read_yes_no_or_unknown(text: str, *, unknown: bool) -> bool | None:
    """Yes or no, where "모르겠어요" counts as `unknown`; None if neither."""
    return unknown if says_unknown(text) else read_yes_no(text)


def says_decline(text: str) -> bool:
    """ "됐어요", "괜찮아요", "안 해요", "no thanks": the citizen turns an offer down."""
    return bool(_DECLINE.search(_normal(text).rstrip(".!?~ ")))


def meant_part(text: str) -> str:
    """What a reply means once it corrects itself: "전기차 아니고 하이브리드" → "하이브리드"."""
    normal = _normal(text)
    last = None
    for last in _INSTEAD.finditer(normal):  # noqa: B007 - the last one counts
        continue
    if last is None or not normal[last.end() :].strip(" ,."):
        return normal
    return normal[last.end() :]


def is_negated(text: str) -> bool:
    """Whether a reply denies what it names: "조정대상지역 아니에요", "not my first home"."""
    return bool(_NEGATION.search(_normal(text)))


def _amount(text: str) -> Decimal | None:
    try:
        value = parse_amount(text)
    except AmountParseError:
        return None
    return value if value > 0 else None


def _amount_before(text: str, unit: re.Pattern[str]) -> Decimal | None:
    """The number written right before a unit: "2019년에 샀고 1,998cc" → 1998."""
    for match in unit.finditer(text):
        # Scanned back from the unit: a regex anchored at the end of the text before it
        # backtracks over every start, seconds per message for long runs of digits.
        start = match.start()
        while start > 0 and (
            text[start - 1] in _NUMBER_CHARS
            or text[start - 1].isdecimal()
            or text[start - 1].isspace()
        ):
            start -= 1
        run = text[start : match.start()]
        if run.strip():
            value = _amount(run)
            if value is not None:
                return value
    return None


def read_displacement(text: str, *, unit_required: bool) -> int | None:
    """Engine size in cc: "2천cc", "이천 씨씨", "1,998", "1.6리터"; None if not one.

    Without a unit (`unit_required=False`, when the question asked for the displacement)
    a bare number counts too; a number under 10 is read as litres.
    """
    value = _amount_before(text, _CC_UNIT)
    if value is None and _LITRE_UNIT.search(text):
        litres = _amount(text)
        value = litres * 1000 if litres is not None and litres < 10 else None
    if value is None and not unit_required:
        value = _amount(text)
        if value is not None and value < 10:
            value = value * 1000  # "1.6" after "몇 cc인가요?" is 1.6 litres
    if value is None or value != value.to_integral_value() or not 50 <= value <= 20_000:
        return None
    return int(value)


def read_won(text: str, *, unit_required: bool) -> int | None:
    """An amount of money in won: "5억 3천만원", "850,000,000원", "530 million won".

    "6억 2천" is 6억 2천만원, as people say it. Without a unit (`unit_required=False`) a bare
    number counts when it is large enough to be a house price in won.
    """
    normal = _normal(text)
    scale = _ENGLISH_SCALE.search(normal)
    if scale:
        number = Decimal(scale.group(1).replace(",", "")) * _SCALES[scale.group(2).lower()]
        return int(number) if number >= 1_000_000 else None
    if _AREA_UNIT.search(text) or _CC_UNIT.search(text):
        return None
    if unit_required and not _MONEY_UNIT.search(normal):
        return None
    value = _amount(text)
    if value is None:
        return None
    below_eok = value % 10**8
    if "억" in text and "만" not in text and 0 < below_eok < 10**4:
        value = value - below_eok + below_eok * 10**4
    if value != value.to_integral_value() or value < 1_000_000:
        return None
    return int(value)


def read_area(text: str, *, unit_required: bool) -> Decimal | None:
    """전용면적 in ㎡: "84.9㎡", "84.9 제곱미터", "84.9" (two decimals at most)."""
    value = _amount_before(text, _AREA_UNIT)
    if value is None and not unit_required and not _MONEY_UNIT.search(_normal(text)):
        value = _amount(text)
    if value is None or not Decimal("1") <= value <= Decimal("10000"):
        return None
    return value.quantize(Decimal("0.01")).normalize()


def read_house_count(text: str) -> int | None:
    """How many houses after buying: "2채", "두 채요", "1", "two", "4채 이상"."""
    match = _COUNT.search(_normal(text))
    if match is None:
        return None
    if match.group(1):
        count = int(match.group(1))
    else:
        count = _NATIVE_COUNTS[(match.group(3) or match.group(5)).lower()]
    return count if 1 <= count <= 1000 else None


def read_month_date(text: str, *, today: date) -> date | None:
    """A date to the month: "2019년 3월", "2019-03-15", "작년 3월에 샀어요", "March 2019"."""
    try:
        found = parse_date(text, today=today)
    except DateParseError:
        found = None
    if found is None:
        normal = _normal(text)
        month = _ENGLISH_MONTH.search(normal)
        year = _YEAR.search(normal)
        if month and year:
            found = date(int(year.group()), _ENGLISH_MONTHS[month.group()], 1)
        elif month and "last year" in normal:
            found = date(today.year - 1, _ENGLISH_MONTHS[month.group()], 1)
        elif month and "this year" in normal:
            found = date(today.year, _ENGLISH_MONTHS[month.group()], 1)
    if found is None or found.year < 1950:
        return None
    return found


_NO_ENGINE = re.compile(r"전기|수소|electric|hydrogen|\bev\b|fuel cell")
_ENGINE = re.compile(
    r"승용|휘발유|가솔린|경유|디젤|lpg|하이브리드|내연|세단|suv|경차|petrol|gasoline|diesel|"
    r"hybrid|engine|passenger|\bcar\b|sedan"
)


def read_vehicle_type(text: str) -> str | None:
    """ "passenger" (an engine) or "other_passenger" (electric, hydrogen); None if unsaid.

    "전기차 아니에요" / "not electric" is a car with an engine; "전기차 아니고 하이브리드" is
    read from what follows the correction.
    """
    normal = meant_part(text)
    negated = is_negated(normal)
    if _NO_ENGINE.search(normal):
        return "passenger" if negated else "other_passenger"
    if _ENGINE.search(normal) and not negated:
        return "passenger"
    return None


def read_business_use(text: str) -> bool | None:
    """영업용 (taxi, rental) → True; 비영업용 (자가용, private) → False; None if unsaid."""
    normal = meant_part(text)
    if re.search(r"비영업|자가용|개인|출퇴근|private|personal|non-business|non business", normal):
        return False
    if re.search(r"영업|택시|렌터카|렌트카|사업용|business|commercial|taxi|rental", normal):
        return is_negated(normal) is False  # "영업용 아니에요" is a private car
    return None


_PAYMENT_MONTHS = {
    "january": re.compile(r"\b1\s*월|일월|january|\bjan\b"),
    "march": re.compile(r"\b3\s*월|삼월|march|\bmar\b"),
    "june": re.compile(r"\b6\s*월|유월|june|\bjun\b"),
    "september": re.compile(r"\b9\s*월|구월|september|\bsept?\b"),
}


# Paying the two ordinary bills (June and December) is choosing no annual payment.
_REGULAR_BILLS = re.compile(
    r"(6\s*월|유월|june).*(12\s*월|십이월|december)|나눠|두 번|평소|원래대로|"
    r"고지서\s*(대로|나오는)|"
    r"twice|two bills|both bills|in two|instal+ments?|as usual|as billed|normally"
)
_ADVANCE = re.compile(
    r"연납\s*(할|하|신청)|미리|한꺼번에|한 번에|한번에|in advance|annual|at once|upfront"
)


def read_annual_payment(text: str) -> str | None:
    """연납: "none", or the month it is paid in ("january", ...); None if unsaid.

    "아니요 그냥 6월이랑 12월에 낼게요" is no annual payment although it names June: the
    refusal and the two ordinary bills say so. A month with 연납 itself ("1월에 연납할게요")
    is that month.
    """
    normal = _normal(text)
    months = [month for month, pattern in _PAYMENT_MONTHS.items() if pattern.search(normal)]
    refused = says_decline(normal) or read_yes_no(normal) is False or is_negated(normal)
    if _REGULAR_BILLS.search(normal):
        return "none"
    if months and _ADVANCE.search(normal) and not refused:
        return months[0]
    if refused or re.search(r"none|nope|그냥\s*(낼|내|납부)", normal):
        return "none"
    return months[0] if months else None
