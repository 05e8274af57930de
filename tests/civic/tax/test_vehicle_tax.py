"""자동차세 worked cases, each computed by hand from 지방세법 제127조·제128조·제151조 and 시행령."""

from __future__ import annotations

from datetime import date

import pytest

from civic.tax import TaxInputError, calculate_vehicle_tax
from civic.tax.vehicle_tax import VehicleTaxResult


def car(
    cc: int | None,
    *,
    year: int = 2026,
    business: bool = False,
    registered: date | None = None,
    annual: str | None = None,
    kind: str = "passenger",
) -> VehicleTaxResult:
    return calculate_vehicle_tax(
        year=year,
        vehicle_type=kind,  # type: ignore[arg-type]
        business_use=business,
        displacement_cc=cc,
        first_registered=registered,
        annual_payment=annual,  # type: ignore[arg-type]
    )


def amounts(result: VehicleTaxResult) -> tuple[int, int, int, int, int, int, int]:
    return (
        result.first_half_tax,
        result.second_half_tax,
        result.vehicle_tax,
        result.annual_payment_deduction,
        result.vehicle_tax_payable,
        result.local_education_tax,
        result.total_payable,
    )


# --- 배기량 구간 (지방세법 제127조제1항제1호: the band rate applies to the whole displacement) ---


def test_1000cc_is_80_won_per_cc() -> None:
    """§127①1 비영업용 1,000cc 이하 80원: 80,000; halves 40,000.

    연세액 10만원 이하라 6월에 한꺼번에 (§128④): 80,000 − 40,000 × 5% = 78,000;
    교육세 §151①7 30% = 23,400.
    """
    assert amounts(car(1000)) == (40_000, 40_000, 80_000, 0, 78_000, 23_400, 101_400)


def test_1001cc_takes_140_won_on_the_whole_displacement() -> None:
    """§127①1: 1,001 × 140 = 140,140; halves 70,070;

    교육세 21,021 → 21,020 (10원 미만 버림) each.
    """
    assert amounts(car(1001)) == (70_070, 70_070, 140_140, 0, 140_140, 42_040, 182_180)


def test_1600cc_is_140_won_per_cc() -> None:
    """§127①1: 1,600 × 140 = 224,000; halves 112,000; 교육세 33,600 each (§151①7)."""
    assert amounts(car(1600)) == (112_000, 112_000, 224_000, 0, 224_000, 67_200, 291_200)


def test_1601cc_takes_200_won_on_the_whole_displacement() -> None:
    """§127①1: 1,601 × 200 = 320,200; halves 160,100; 교육세 48,030 each."""
    assert amounts(car(1601)) == (160_100, 160_100, 320_200, 0, 320_200, 96_060, 416_260)


def test_business_1000cc_is_18_won_and_has_no_education_tax() -> None:
    """§127①1 영업용 1,000cc 이하 18원: 18,000; 지방교육세는 비영업용만 (§150제7호).

    §128④ 6월 한꺼번에: 18,000 − 9,000 × 5% = 17,550.
    """
    assert amounts(car(1000, business=True)) == (9_000, 9_000, 18_000, 0, 17_550, 0, 17_550)


def test_business_2000cc_is_19_won() -> None:
    """§127①1 영업용 2,000cc 이하 19원: 2,000 × 19 = 38,000; halves 19,000."""
    assert amounts(car(2000, business=True))[:3] == (19_000, 19_000, 38_000)


def test_business_2001cc_is_still_19_won_and_halves_are_truncated() -> None:
    """§127①1 2,500cc 이하 19원: 2,001 × 19 = 38,019; half 19,009.5 → 19,000 (지방세기본법 §59)."""
    assert amounts(car(2001, business=True))[:3] == (19_000, 19_000, 38_000)


def test_business_2501cc_is_24_won() -> None:
    """§127①1 영업용 2,500cc 초과 24원: 2,501 × 24 = 60,024; half 30,012 → 30,010."""
    assert amounts(car(2501, business=True))[:3] == (30_010, 30_010, 60_020)


def test_electric_car_non_business_is_flat_100000_plus_education_tax() -> None:
    """§127①3 그 밖의 승용 비영업용 100,000원; halves 50,000.

    10만원 '이하'라 6월에 한꺼번에 (§128④): 100,000 − 50,000 × 5% = 97,500; 교육세 29,250.
    """
    result = car(None, kind="other_passenger")
    assert amounts(result) == (50_000, 50_000, 100_000, 0, 97_500, 29_250, 126_750)
    assert result.billed_whole_in_june


def test_electric_car_business_is_flat_20000() -> None:
    """§127①3 그 밖의 승용 영업용 20,000원, 지방교육세 없음; §128④ 20,000 − 500 = 19,500."""
    result = car(None, kind="other_passenger", business=True)
    assert amounts(result) == (10_000, 10_000, 20_000, 0, 19_500, 0, 19_500)


# --- 차령 경감 (§127①2: 기분세액 = A/2 − (A/2 × 5/100)(n − 2); 차령은 시행령 §122②) ---


def test_age_2_gets_no_reduction() -> None:
    """시행령 §122②1: 2025-01-05 등록, 2026년 n = 2026 − 2025 + 1 = 2 → 경감 없음: 199,800 each."""
    result = car(1998, registered=date(2025, 1, 5))
    assert (result.first_half_tax, result.second_half_tax) == (199_800, 199_800)


def test_age_3_registered_in_first_half_gets_5_percent_both_halves() -> None:
    """§122②1: 2024-03-10 등록 → n = 3; A = 399,600; 199,800 − 9,990 = 189,810 each;

    교육세 56,940.
    """
    result = car(1998, registered=date(2024, 3, 10))
    assert amounts(result) == (189_810, 189_810, 379_620, 0, 379_620, 113_880, 493_500)


def test_age_changes_between_half_years_when_registered_in_second_half() -> None:
    """§122②2: 2024-08-20 등록 → 제1기분 n = 2 (199,800), 제2기분 n = 3 (189,810)."""
    result = car(1998, registered=date(2024, 8, 20))
    assert amounts(result) == (199_800, 189_810, 389_610, 0, 389_610, 116_880, 506_490)


def test_age_11_gets_45_percent() -> None:
    """§127①2: 2016-05-01 등록 → n = 11; 199,800 × (1 − 0.45) = 109,890 each."""
    assert car(1998, registered=date(2016, 5, 1)).vehicle_tax == 219_780


def test_age_12_gets_the_50_percent_cap() -> None:
    """§127①2: 2015-02-01 등록 → n = 12; 199,800 × 0.5 = 99,900 each."""
    assert car(1998, registered=date(2015, 2, 1)).first_half_tax == 99_900


def test_age_over_12_counts_as_12() -> None:
    """§127①2 후단 (차령 12년 초과는 12년으로 본다): 2010-01-01 등록 → n = 17 → 50%: 99,900."""
    assert car(1998, registered=date(2010, 1, 1)).second_half_tax == 99_900


def test_reaching_12_across_the_half_years() -> None:
    """§122②2: 2015-09-01 등록 → 제1기분 n = 11 (45%: 109,890), 제2기분 n = 12 (50%: 99,900)."""
    result = car(1998, registered=date(2015, 9, 1))
    assert (result.first_half_tax, result.second_half_tax) == (109_890, 99_900)


def test_business_cars_get_no_age_reduction() -> None:
    """§127①2 applies to 비영업용 only: 영업용 1,998 × 19 = 37,962; half 18,981 → 18,980."""
    result = car(1998, business=True, registered=date(2010, 1, 1))
    assert (result.first_half_tax, result.second_half_tax) == (18_980, 18_980)


def test_age_reduction_truncates_each_half_below_10_won() -> None:
    """§127①2: 1,598 × 140 = 223,720; half 111,860;

    n = 5 (2022-01-01): − 5,593 × 3 = 95,081 → 95,080.
    """
    assert car(1598, registered=date(2022, 1, 1)).first_half_tax == 95_080


# --- 연납 공제 (§128③, 시행령 §125③·⑥: 이자율 5%) ---


def test_january_annual_payment_2026() -> None:
    """§128③ 1월: 400,000 × 334/365 × 5% = 18,301.37; 400,000 − 18,301.37 = 381,698.63 → 381,690.

    공제액 = 400,000 − 381,690 = 18,310; 교육세 381,690 × 30% = 114,507 → 114,500 (§151①7).
    """
    result = car(2000, registered=date(2025, 3, 1), annual="january")
    assert amounts(result) == (200_000, 200_000, 400_000, 18_310, 381_690, 114_500, 496_190)


def test_january_annual_payment_in_a_leap_year_counts_335_of_366_days() -> None:
    """§128③ (윤년 366): 2024-01-31 다음 날부터 335일;

    400,000 × 335/366 × 5% = 18,306.01 → 381,690.
    """
    result = car(2000, year=2024, registered=date(2023, 3, 1), annual="january")
    assert result.vehicle_tax_payable == 381_690
    assert "335/366" in result.breakdown[3].label


def test_march_annual_payment() -> None:
    """§128③ 3월: 400,000 × 275/365 × 5% = 15,068.49 → 384,931.51 → 384,930;

    교육세 115,479 → 115,470.
    """
    result = car(2000, registered=date(2025, 3, 1), annual="march")
    assert amounts(result)[3:] == (15_070, 384_930, 115_470, 500_400)


def test_june_annual_payment() -> None:
    """§128③ 6월: 제2기분 200,000 × 5% = 10,000 → 390,000; 교육세 117,000."""
    result = car(2000, registered=date(2025, 3, 1), annual="june")
    assert amounts(result)[3:] == (10_000, 390_000, 117_000, 507_000)


def test_september_annual_payment() -> None:
    """§128③ 9월: 제1기분 200,000 (교육세 60,000) + 제2기분 200,000 − 200,000 × 92/184 × 5%.

    = 200,000 + 195,000 = 395,000; 교육세 60,000 + 58,500 = 118,500.
    """
    result = car(2000, registered=date(2025, 3, 1), annual="september")
    assert amounts(result)[3:] == (5_000, 395_000, 118_500, 513_500)


def test_january_annual_payment_with_age_reduction() -> None:
    """§127①2 + §128③: n = 6 (2021-03-10) → 159,840 × 2 = 319,680; × 334/365 × 5% = 14,626.4.

    319,680 − 14,626.4 = 305,053.6 → 305,050; 교육세 91,515 → 91,510.
    """
    result = car(1998, registered=date(2021, 3, 10), annual="january")
    assert amounts(result) == (159_840, 159_840, 319_680, 14_630, 305_050, 91_510, 396_560)


def test_electric_car_january_annual_payment() -> None:
    """§127①3 + §128③: 100,000 × 334/365 × 5% = 4,575.34 → 95,420; 교육세 28,626 → 28,620."""
    result = car(None, kind="other_passenger", annual="january")
    assert amounts(result)[3:] == (4_580, 95_420, 28_620, 124_040)


# --- 연세액 10만원 이하: 6월에 한꺼번에 (§128④, 시행령 §125⑥: 제2기분 세액 × 5% 공제) ---


def test_small_annual_tax_is_billed_whole_in_june() -> None:
    """Worked case, 지방세법 제128조제4항 and 시행령 제125조제6항.

    1,000cc 비영업용, 2025-03-01 등록 → 2026년 차령 2 (시행령 §122②1), 경감 없음.
    연세액 1,000 × 80 = 80,000 (§127①1) ≤ 100,000, so the June bill carries the whole year:
    80,000 − 제2기분 40,000 × 5% (2,000) = 78,000; 지방교육세 78,000 × 30% = 23,400 (§151①7);
    6월에 모두 101,400원, 12월 고지 없음.
    """
    result = car(1000, registered=date(2025, 3, 1))
    assert result.billed_whole_in_june
    assert result.june_bill_deduction == 2_000
    assert amounts(result) == (40_000, 40_000, 80_000, 0, 78_000, 23_400, 101_400)
    june = next(line for line in result.breakdown if line.label.startswith("6월 한꺼번에"))
    assert june.amount == -2_000
    assert june.basis == "지방세법 제128조제4항, 지방세법 시행령 제125조제6항"
    assert "100,000원 이하" in june.label and "5%" in june.label


def test_the_limit_counts_the_annual_tax_after_the_age_reduction() -> None:
    """§127①2 makes the 기분세액 sum the year's 연세액, and §128④ looks at that 연세액.

    1,598cc, 2015-02-01 등록 → n = 12 → 50%: 223,720 / 2 = 111,860 × 0.5 = 55,930 each →
    연세액 111,860 > 100,000: two bills. 1,400cc → 196,000 → 49,000 each → 98,000 ≤ 100,000:
    98,000 − 49,000 × 5% = 95,550 in June.
    """
    over = car(1598, registered=date(2015, 2, 1))
    assert (over.vehicle_tax, over.billed_whole_in_june) == (111_860, False)
    assert over.vehicle_tax_payable == 111_860
    under = car(1400, registered=date(2015, 2, 1))
    assert (under.vehicle_tax, under.billed_whole_in_june) == (98_000, True)
    assert under.vehicle_tax_payable == 95_550


def test_over_the_limit_keeps_two_bills() -> None:
    """§128①: 1,001cc → 140,140 > 100,000: June and December bills, no §128④ line."""
    result = car(1001)
    assert not result.billed_whole_in_june and result.june_bill_deduction == 0
    assert not any(line.label.startswith("6월 한꺼번에") for line in result.breakdown)


def test_small_tax_paid_in_january_is_still_an_annual_payment() -> None:
    """§128③ 1월 연납 comes before the June bill: 80,000 × 334/365 × 5% = 3,660.27 → 76,330."""
    result = car(1000, registered=date(2025, 3, 1), annual="january")
    assert not result.billed_whole_in_june
    assert (result.annual_payment_deduction, result.vehicle_tax_payable) == (3_670, 76_330)


def test_small_tax_has_no_september_annual_payment_left() -> None:
    """§128④ bills the whole year in June, so a September 연납 has nothing left to prepay."""
    result = car(1000, registered=date(2025, 3, 1), annual="september")
    assert result.billed_whole_in_june and result.annual_payment_deduction == 0
    assert result.vehicle_tax_payable == 78_000
    assert any("9월 연납 대상 아님" in line.label for line in result.breakdown)


def test_a_car_registered_this_year_is_not_billed_whole_in_june() -> None:
    """§130①: 2026-03-15 등록 1,000cc → 80,000 × 108/365 = 23,671 → 23,670,
    plus 40,000 in December."""
    result = car(1000, registered=date(2026, 3, 15))
    assert not result.billed_whole_in_june
    assert (result.first_half_tax, result.second_half_tax) == (23_670, 40_000)


# --- 신규등록 일할 (§130①, 시행령 §126: 연세액 × 과세대상기간 일수 / 해당 연도 일수) ---


def test_car_registered_during_the_first_half_pays_a_day_share() -> None:
    """§130①: 2026-03-15 등록, 6-30까지 108일: 400,000 × 108/365 = 118,356.16 → 118,350."""
    result = car(2000, registered=date(2026, 3, 15))
    assert amounts(result) == (118_350, 200_000, 318_350, 0, 318_350, 95_500, 413_850)


def test_car_registered_in_the_second_half_owes_no_first_half() -> None:
    """§130①: 2026-08-01 등록 → 제1기분 없음; 8-1~12-31 153일: 400,000 × 153/365 = 167,671.23."""
    result = car(2000, registered=date(2026, 8, 1))
    assert (result.first_half_tax, result.second_half_tax) == (0, 167_670)


# --- inputs the law cannot be applied to ---


def test_unknown_year_names_the_field() -> None:
    """The parameters file has no 2023 block, so the year is refused rather than guessed."""
    with pytest.raises(TaxInputError) as raised:
        car(2000, year=2023)
    assert raised.value.field == "year"
    assert "2026" in raised.value.reason_ko


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cc": None}, "displacement_cc"),
        ({"cc": 0}, "displacement_cc"),
        ({"cc": 1500, "kind": "other_passenger"}, "displacement_cc"),
        ({"cc": 1500, "registered": date(2027, 1, 1)}, "first_registered"),
        ({"cc": 1500, "registered": date(2026, 2, 1), "annual": "june"}, "annual_payment"),
    ],
)
def test_bad_inputs_name_their_field(kwargs: dict[str, object], field: str) -> None:
    """§127①1 needs a displacement; a car registered after the year owes nothing that year."""
    cc = kwargs.pop("cc")
    with pytest.raises(TaxInputError) as raised:
        car(cc, **kwargs)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert raised.value.reason_ko and raised.value.reason_en


def test_every_line_cites_an_article() -> None:
    """Each breakdown line carries the statute it comes from."""
    for line in car(1998, registered=date(2021, 3, 10), annual="september").breakdown:
        assert "법" in line.basis
