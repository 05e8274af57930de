"""재산세 (주택) worked cases, each computed by hand from the statute.

지방세법 제110조~제115조·제151조, 지방세법 시행령 제109조·제109조의2.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from civic.tax import TaxInputError, calculate_property_tax
from civic.tax.property_tax import PropertyTaxResult


def house(
    price: int,
    *,
    one_house: bool = False,
    prior: int | None = None,
    urban: bool = True,
    year: int = 2026,
) -> PropertyTaxResult:
    return calculate_property_tax(
        year=year,
        published_price=price,
        one_house=one_house,
        prior_year_published_price=prior,
        urban_area=urban,
    )


def figures(result: PropertyTaxResult) -> tuple[int, int, int, int, int, int, int]:
    return (
        result.taxable_base,
        result.property_tax,
        result.urban_area_tax,
        result.local_education_tax,
        result.total,
        result.july_installment,
        result.september_installment,
    )


# --- 표준세율 구간 (지방세법 제111조제1항제3호나목; 과세표준 = 공시가격 × 60%, 시행령 §109①2) ---


def test_taxable_base_at_60_million_is_taxed_at_0_1_percent() -> None:
    """1억 × 60% = 6천만 → 6천만 × 0.1% = 60,000; 도시지역분 §112 0.14% = 84,000; 교육세 §151①6 20%.

    재산세 + 도시지역분 144,000 ≤ 20만원 → 7월에 한꺼번에 (§115①3 단서).
    """
    assert figures(house(100_000_000)) == (
        60_000_000,
        60_000,
        84_000,
        12_000,
        156_000,
        156_000,
        0,
    )


def test_taxable_base_in_the_second_band() -> None:
    """2억 × 60% = 1.2억 → 60,000 + 6천만 × 0.15% = 150,000; 도시지역분 168,000; 교육세 30,000.

    §115①3: 318,000 > 20만원 → 절반씩: 9월 75,000 + 84,000 + 15,000 = 174,000.
    """
    assert figures(house(200_000_000)) == (
        120_000_000,
        150_000,
        168_000,
        30_000,
        348_000,
        174_000,
        174_000,
    )


def test_taxable_base_at_150_million() -> None:
    """2.5억 × 60% = 1.5억 → 60,000 + 9천만 × 0.15% = 195,000; 도시지역분 210,000; 교육세 39,000."""
    assert figures(house(250_000_000)) == (
        150_000_000,
        195_000,
        210_000,
        39_000,
        444_000,
        222_000,
        222_000,
    )


def test_taxable_base_at_300_million() -> None:
    """5억 × 60% = 3억 → 195,000 + 1.5억 × 0.25% = 570,000; 도시지역분 420,000; 교육세 114,000."""
    assert figures(house(500_000_000))[:5] == (300_000_000, 570_000, 420_000, 114_000, 1_104_000)


def test_taxable_base_above_300_million() -> None:
    """6억 × 60% = 3.6억 → 570,000 + 6천만 × 0.4% = 810,000; 도시지역분 504,000; 교육세 162,000."""
    assert figures(house(600_000_000))[:5] == (360_000_000, 810_000, 504_000, 162_000, 1_476_000)


# --- 1세대1주택: 공정시장가액비율 43/44/45% (시행령 §109①2) and 특례세율 (§111의2) ---


def test_one_house_at_300_million_uses_43_percent_and_the_special_rates() -> None:
    """3억 × 43% = 1.29억 → §111의2: 30,000 + 6,900만 × 0.1% = 99,000; 도시지역분 180,600.

    교육세 19,800; 합계 299,400; 279,600 > 20만원 → 9월 49,500 + 90,300 + 9,900 = 149,700.
    """
    result = house(300_000_000, one_house=True)
    assert result.fair_market_ratio == Decimal("0.43")
    assert result.special_rate_applied
    assert figures(result) == (129_000_000, 99_000, 180_600, 19_800, 299_400, 149_700, 149_700)


def test_one_house_between_300_and_600_million_uses_44_percent() -> None:
    """4억 × 44% = 1.76억 → 120,000 + 2,600만 × 0.2% = 172,000; 도시지역분 246,400;

    교육세 34,400.
    """
    result = house(400_000_000, one_house=True)
    assert result.fair_market_ratio == Decimal("0.44")
    assert figures(result)[:5] == (176_000_000, 172_000, 246_400, 34_400, 452_800)


def test_one_house_at_600_million_still_uses_44_percent() -> None:
    """6억 × 44% = 2.64억 → 120,000 + 1.14억 × 0.2% = 348,000; 도시지역분 369,600; 교육세 69,600."""
    result = house(600_000_000, one_house=True)
    assert result.fair_market_ratio == Decimal("0.44")
    assert figures(result)[:5] == (264_000_000, 348_000, 369_600, 69_600, 787_200)


def test_one_house_above_600_million_uses_45_percent() -> None:
    """7억 × 45% = 3.15억 → 420,000 + 1,500만 × 0.35% = 472,500; 도시지역분 441,000;

    교육세 94,500.
    """
    result = house(700_000_000, one_house=True)
    assert result.fair_market_ratio == Decimal("0.45")
    assert figures(result)[:5] == (315_000_000, 472_500, 441_000, 94_500, 1_008_000)


def test_one_house_at_900_million_keeps_the_special_rates() -> None:
    """§111의2① 시가표준액 9억 이하: 9억 × 45% = 4.05억 → 420,000 + 1.05억 × 0.35% = 787,500."""
    result = house(900_000_000, one_house=True)
    assert result.special_rate_applied
    assert figures(result)[:5] == (405_000_000, 787_500, 567_000, 157_500, 1_512_000)


def test_one_house_above_900_million_takes_the_standard_rates_at_45_percent() -> None:
    """10억 × 45% = 4.5억, §111의2 밖 → §111①3나: 570,000 + 1.5억 × 0.4% = 1,170,000."""
    result = house(1_000_000_000, one_house=True)
    assert not result.special_rate_applied
    assert result.fair_market_ratio == Decimal("0.45")
    assert figures(result)[:5] == (450_000_000, 1_170_000, 630_000, 234_000, 2_034_000)


# --- 과세표준상한 (§110③, 시행령 §109의2: 직전 연도 시가표준액 × 올해 비율 + 과세표준 × 5%) ---


def test_taxable_base_cap_binds_when_the_price_jumps() -> None:
    """5억(44%) → 2.2억;
    상한 4.5억 × 44% + 2.2억 × 5% = 1.98억 + 1,100만 = 2.09억 → 과세표준 2.09억.

    §111의2: 120,000 + 5,900만 × 0.2% = 238,000; 도시지역분 292,600; 교육세 47,600.
    """
    result = house(500_000_000, one_house=True, prior=450_000_000)
    assert figures(result) == (209_000_000, 238_000, 292_600, 47_600, 578_200, 289_100, 289_100)
    assert any("과세표준상한" in line.label for line in result.breakdown)


def test_taxable_base_cap_does_not_bind_when_the_price_is_flat() -> None:
    """상한 5억 × 44% + 2.2억 × 5% = 2.31억 > 2.2억 → 과세표준 2.2억:

    120,000 + 7천만 × 0.2% = 260,000.
    """
    result = house(500_000_000, one_house=True, prior=500_000_000)
    assert figures(result)[:5] == (220_000_000, 260_000, 308_000, 52_000, 620_000)


# --- 7월·9월 (§115①3) ---


def test_tax_of_exactly_200000_is_billed_once_in_july() -> None:
    """253,333,340 × 60% = 152,000,004 → 195,000 + 2,000,004 × 0.25% = 200,000.01 → 200,000.

    도시지역분 없음; 20만원 이하 → 7월 240,000 한꺼번에 (§115①3 단서).
    """
    assert figures(house(253_333_340, urban=False)) == (
        152_000_004,
        200_000,
        0,
        40_000,
        240_000,
        240_000,
        0,
    )


def test_tax_just_over_200000_is_split() -> None:
    """253,340,000 × 60% = 152,004,000 → 195,000 + 4,000,000 × 0.25% = 200,010 > 20만원.

    9월: 200,010/2 = 100,005 → 100,000 + 교육세 40,000/2 = 20,000 → 120,000; 7월 120,010.
    """
    assert figures(house(253_340_000, urban=False)) == (
        152_004_000,
        200_010,
        0,
        40_000,
        240_010,
        120_010,
        120_000,
    )


# --- years ---


def test_2024_uses_the_same_rules() -> None:
    """2024 (§110③ 시행 2024.1.1, 시행령 §109①2): 3억 1세대1주택 → 1.29억 → 99,000 as in 2026."""
    assert figures(house(300_000_000, one_house=True, year=2024))[1] == 99_000


def test_unknown_year_is_refused() -> None:
    """No 2027 block: §111의2 특례 ends with 2026 liabilities (법률 제17769호 부칙 제2조)."""
    with pytest.raises(TaxInputError) as raised:
        house(300_000_000, year=2027)
    assert raised.value.field == "year"


@pytest.mark.parametrize(
    ("price", "prior", "field"),
    [
        (0, None, "published_price"),
        (-5, None, "published_price"),
        (10, -1, "prior_year_published_price"),
    ],
)
def test_non_positive_prices_are_refused(price: int, prior: int | None, field: str) -> None:
    """지방세법 제4조: 시가표준액 is a positive amount."""
    with pytest.raises(TaxInputError) as raised:
        house(price, prior=prior)
    assert raised.value.field == field
