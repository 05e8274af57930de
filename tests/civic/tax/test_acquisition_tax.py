"""취득세 (주택 유상취득) worked cases, each computed by hand from the articles in its docstring."""

from __future__ import annotations

from decimal import Decimal

import pytest

from civic.tax import TaxInputError, calculate_acquisition_tax
from civic.tax.acquisition_tax import AcquisitionTaxResult

EOK = 100_000_000


def buy(
    price: int,
    area: str = "84.9",
    *,
    houses: int = 1,
    adjusted: bool = False,
    temporary: bool = False,
    first_home: bool = False,
    corporation: bool = False,
) -> AcquisitionTaxResult:
    return calculate_acquisition_tax(
        year=2026,
        price=price,
        area_m2=Decimal(area),
        houses_after_acquisition=houses,
        adjusted_area=adjusted,
        temporary_two_homes=temporary,
        first_home=first_home,
        corporation=corporation,
    )


def figures(result: AcquisitionTaxResult) -> tuple[Decimal, int, int, int, int, int]:
    return (
        result.rate,
        result.acquisition_tax,
        result.local_education_tax,
        result.rural_special_tax,
        result.first_home_relief,
        result.total,
    )


# --- 1~3% (지방세법 제11조제1항제8호), 지방교육세 (제151조제1항제1호), 농어촌특별세 ---


def test_600_million_is_1_percent() -> None:
    """§11①8가: 6억 × 1% = 6,000,000; 교육세 6억 × 1% × 1/2 × 20% = 600,000;

    84.9㎡ 농특세 비과세.
    """
    assert figures(buy(6 * EOK)) == (Decimal("0.01"), 6_000_000, 600_000, 0, 0, 6_600_000)


def test_just_over_600_million_uses_the_formula() -> None:
    """§11①8나: (6.1억 × 2/3억 − 3) / 100 = 0.0106666… → 0.0107 (다섯째자리 반올림).

    6.1억 × 1.07% = 6,527,000; 교육세 6.1억 × 1.07% × 1/2 × 20% = 652,700.
    """
    assert figures(buy(610_000_000, "85")) == (
        Decimal("0.0107"),
        6_527_000,
        652_700,
        0,
        0,
        7_179_700,
    )


def test_rate_rounds_half_up_at_the_fifth_decimal() -> None:
    """§11①8나: 600,750,000 × 2/3억 − 3 = 1.005 → 0.01005 → 0.0101 (반올림).

    600,750,000 × 1.01% = 6,067,575 → 6,067,570; 교육세 606,757.5 → 606,750.
    """
    assert figures(buy(600_750_000, "59")) == (
        Decimal("0.0101"),
        6_067_570,
        606_750,
        0,
        0,
        6_674_320,
    )


def test_700_million_with_rural_special_tax_above_85m2() -> None:
    """§11①8나: (7억 × 2/3억 − 3)/100 = 0.016666… → 0.0167: 11,690,000; 교육세 1,169,000.

    102㎡ > 85㎡ → 농어촌특별세법 §5①6: 7억 × 2% × 10% = 1,400,000.
    """
    assert figures(buy(7 * EOK, "102")) == (
        Decimal("0.0167"),
        11_690_000,
        1_169_000,
        1_400_000,
        0,
        14_259_000,
    )


def test_800_million_is_2_33_percent() -> None:
    """§11①8나: (8억 × 2/3억 − 3)/100 = 0.023333… → 0.0233: 18,640,000; 교육세 1,864,000."""
    assert figures(buy(8 * EOK)) == (Decimal("0.0233"), 18_640_000, 1_864_000, 0, 0, 20_504_000)


def test_900_million_is_3_percent_by_the_formula() -> None:
    """§11①8나 (9억 이하): (9억 × 2/3억 − 3)/100 = 0.03: 27,000,000;

    85㎡ 이하 비과세 (농특세법 §4).
    """
    result = buy(9 * EOK, "85")
    assert figures(result) == (Decimal("0.0300"), 27_000_000, 2_700_000, 0, 0, 29_700_000)
    assert "나목" in result.breakdown[0].basis


def test_above_900_million_is_3_percent_and_85_01m2_pays_rural_tax() -> None:
    """§11①8다: 10억 × 3% = 30,000,000; 교육세 3,000,000;

    85.01㎡ > 85㎡ → 농특세 0.2% = 2,000,000.
    """
    result = buy(10 * EOK, "85.01")
    assert figures(result) == (Decimal("0.03"), 30_000_000, 3_000_000, 2_000_000, 0, 35_000_000)
    assert "다목" in result.breakdown[0].basis


# --- 중과 (지방세법 제13조의2제1항), 지방교육세 0.4% (§151①1나), 농특세 0.6%/1.0% ---


def test_adjusted_area_second_house_is_8_percent() -> None:
    """§13의2①2: 조정대상지역 2주택 4% + 2% × 200% = 8%: 5억 → 40,000,000;

    교육세 (4% − 2%) × 20%.
    """
    assert figures(buy(5 * EOK, houses=2, adjusted=True)) == (
        Decimal("0.08"),
        40_000_000,
        2_000_000,
        0,
        0,
        42_000_000,
    )


def test_adjusted_area_second_house_above_85m2_pays_0_6_percent_rural_tax() -> None:
    """농어촌특별세법 §5①6: 표준세율을 2%로 보면 2% + 4% = 6% × 10% = 0.6%: 5억 → 3,000,000."""
    assert buy(5 * EOK, "110", houses=2, adjusted=True).total == 45_000_000


def test_temporary_two_homes_take_the_general_rate() -> None:
    """§13의2①2 괄호 (일시적 2주택 제외, 시행령 §28의5): 5억 → 1%: 5,000,000 + 500,000."""
    result = buy(5 * EOK, houses=2, adjusted=True, temporary=True)
    assert figures(result) == (Decimal("0.01"), 5_000_000, 500_000, 0, 0, 5_500_000)


def test_second_house_outside_adjusted_areas_takes_the_general_rate() -> None:
    """§13의2①2 covers only 조정대상지역 2주택: 비조정 2주택 5억 → 1%."""
    assert buy(5 * EOK, houses=2, adjusted=False).total == 5_500_000


def test_adjusted_area_third_house_is_12_percent() -> None:
    """§13의2①3: 조정대상지역 3주택 4% + 2% × 400% = 12%: 60,000,000 + 교육세 2,000,000."""
    assert figures(buy(5 * EOK, houses=3, adjusted=True)) == (
        Decimal("0.12"),
        60_000_000,
        2_000_000,
        0,
        0,
        62_000_000,
    )


def test_third_house_outside_adjusted_areas_is_8_percent() -> None:
    """§13의2①2: 조정대상지역 외 3주택 8%:

    40,000,000 + 2,000,000 + 농특세 0.6% 3,000,000 (120㎡).
    """
    assert figures(buy(5 * EOK, "120", houses=3)) == (
        Decimal("0.08"),
        40_000_000,
        2_000_000,
        3_000_000,
        0,
        45_000_000,
    )


def test_fourth_house_outside_adjusted_areas_is_12_percent() -> None:
    """§13의2①3: 조정대상지역 외 4주택 12%; 농특세 (2% + 8%) × 10% = 1.0%: 5,000,000 (120㎡)."""
    assert figures(buy(5 * EOK, "120", houses=4)) == (
        Decimal("0.12"),
        60_000_000,
        2_000_000,
        5_000_000,
        0,
        67_000_000,
    )


def test_corporation_pays_12_percent_on_its_first_house() -> None:
    """§13의2①1: 법인 12%: 5억 → 60,000,000 + 교육세 2,000,000."""
    assert buy(5 * EOK, corporation=True).total == 62_000_000


# --- 생애최초 감면 (지방세특례제한법 제36조의3) ---


def test_first_home_300_million() -> None:
    """§36의3①2: 산출세액 3,000,000 > 200만원 → 200만원 공제 → 1,000,000.

    교육세 300,000을 감면 비율(1/3 남음)만큼: 100,000 (지방세법 §151①1다1).
    """
    assert figures(buy(3 * EOK, "59", first_home=True)) == (
        Decimal("0.01"),
        1_000_000,
        100_000,
        0,
        2_000_000,
        1_100_000,
    )


def test_first_home_with_tax_under_the_cap_is_exempt() -> None:
    """§36의3①2: 1.5억 × 1% = 1,500,000 ≤ 200만원 → 면제; 교육세도 전액 감면."""
    assert figures(buy(150_000_000, "49", first_home=True)) == (
        Decimal("0.01"),
        0,
        0,
        0,
        1_500_000,
        0,
    )


def test_first_home_above_85m2_pays_rural_tax_on_the_relief() -> None:
    """5억 101㎡: 5,000,000 − 2,000,000 = 3,000,000; 교육세 500,000 × 3/5 = 300,000.

    농특세 §5①6 0.2% = 1,000,000 + §5①1 감면세액 × 20% = 400,000.
    """
    assert figures(buy(5 * EOK, "101", first_home=True)) == (
        Decimal("0.01"),
        3_000_000,
        300_000,
        1_400_000,
        2_000_000,
        4_700_000,
    )


def test_first_home_at_the_1_2_billion_limit() -> None:
    """§36의3① 12억원 이하: 36,000,000 − 2,000,000 = 34,000,000; 교육세 3,600,000 × 34/36."""
    assert figures(buy(12 * EOK, first_home=True)) == (
        Decimal("0.03"),
        34_000_000,
        3_400_000,
        0,
        2_000_000,
        37_400_000,
    )


def test_first_home_above_the_limit_gets_no_relief() -> None:
    """§36의3① 12억원 초과: 12.1억 × 3% = 36,300,000; 교육세 3,630,000; 감면 없음."""
    result = buy(1_210_000_000, first_home=True)
    assert figures(result) == (Decimal("0.03"), 36_300_000, 3_630_000, 0, 0, 39_930_000)


def test_first_home_switches_off_the_surcharge() -> None:
    """§36의3① 괄호: 감면 대상이면 §13의2를 적용하지 않는다 (부모 집이 있는 세대의 무주택 자녀)."""
    result = buy(5 * EOK, houses=2, adjusted=True, first_home=True)
    assert result.rate_case == "general"
    assert result.total == 3_300_000


# --- inputs the law cannot be applied to ---


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"price": 0}, "price"),
        ({"area": "0"}, "area_m2"),
        ({"houses": 0}, "houses_after_acquisition"),
        ({"houses": 3, "temporary": True}, "temporary_two_homes"),
        ({"first_home": True, "corporation": True}, "first_home"),
    ],
)
def test_bad_inputs_name_their_field(kwargs: dict[str, object], field: str) -> None:
    """§13의2① 일시적 2주택 is a 2-house case; §36의3 relief is for individuals only."""
    price = kwargs.pop("price", 5 * EOK)
    with pytest.raises(TaxInputError) as raised:
        buy(price, **kwargs)  # type: ignore[arg-type]
    assert raised.value.field == field
