"""자동차세 (자동차 소유분) for passenger cars, with 차령 경감, 지방교육세 and 연납 공제.

지방세법 제127조 (세율, 차령 경감), 제128조 (납기, 연납, 10만원 이하 6월 일괄 부과),
제130조 (신규등록 일할),
제151조제1항제7호 (지방교육세); 지방세법 시행령 제122조제2항 (차령), 제125조 (연납),
제126조 (일할계산).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from civic.tax.common import (
    Line,
    TaxInputError,
    dec,
    parameters_for,
    percent,
    truncate_won,
    won,
)

VehicleType = Literal["passenger", "other_passenger"]
AnnualPayment = Literal["january", "march", "june", "september"]

ANNUAL_PAYMENT_MONTHS: tuple[AnnualPayment, ...] = ("january", "march", "june", "september")
_MONTH_KO = {"january": "1월", "march": "3월", "june": "6월", "september": "9월"}
_SECOND_HALF_DAYS = 184  # 7월 1일부터 12월 31일까지, 지방세법 제128조제3항 계산식의 분모


@dataclass(frozen=True)
class VehicleTaxResult:
    first_half_tax: int
    second_half_tax: int
    vehicle_tax: int
    annual_payment_deduction: int
    vehicle_tax_payable: int
    local_education_tax: int
    total_payable: int
    # 제128조제4항: an annual amount at or under the limit is billed whole with the June bill,
    # less 제2기분 세액 × the 시행령 제125조제6항 rate (the deduction below).
    billed_whole_in_june: bool
    june_bill_deduction: int
    breakdown: list[Line]


def band_rate(bands: list[dict[str, Any]], displacement_cc: int) -> Decimal:
    """The per-cc rate of the band the whole displacement falls in (지방세법 제127조제1항제1호)."""
    for band in bands:
        up_to = band["up_to_cc"]
        if up_to is None or displacement_cc <= int(up_to):
            return dec(band, "won_per_cc")
    raise ValueError("the last band must be open-ended")


def car_age(first_registered: date, year: int, half: Literal[1, 2]) -> int:
    """차령 of one half-year period (지방세법 시행령 제122조제2항).

    Registered January–June: 과세연도 − 등록연도 + 1 for both periods. Registered July–December:
    제1기분 과세연도 − 등록연도, 제2기분 과세연도 − 등록연도 + 1.
    """
    if first_registered.month <= 6 or half == 2:
        return year - first_registered.year + 1
    return year - first_registered.year


def reduction_rate(age: int, per_year: Decimal, cap_years: int) -> Decimal:
    """차령 경감: 5% × (n − 2) from the third year, n counted to 12 (지방세법 제127조제1항제2호)."""
    if age < 3:
        return Decimal(0)
    return per_year * (min(age, cap_years) - 2)


def _days_after(deadline: date) -> int:
    """Days from the day after a payment deadline to 31 December, both ends included."""
    return (date(deadline.year, 12, 31) - deadline).days


def _year_days(year: int) -> int:
    return (date(year, 12, 31) - date(year, 1, 1)).days + 1


def calculate_vehicle_tax(
    *,
    year: int,
    vehicle_type: VehicleType,
    business_use: bool,
    displacement_cc: int | None = None,
    first_registered: date | None = None,
    annual_payment: AnnualPayment | None = None,
) -> VehicleTaxResult:
    """The year's 자동차세 for one passenger car: two half-year bills or one annual payment."""
    params = parameters_for("vehicle", year)
    lines: list[Line] = []

    if vehicle_type == "passenger":
        if displacement_cc is None:
            raise TaxInputError(
                "displacement_cc",
                "승용자동차는 배기량(cc)이 필요합니다",
                "displacement_cc is required for a passenger car",
            )
        if displacement_cc <= 0:
            raise TaxInputError(
                "displacement_cc",
                "배기량은 0보다 커야 합니다",
                "displacement_cc must be greater than 0",
            )
        bands_key = "passenger_business_bands" if business_use else "passenger_non_business_bands"
        rate = band_rate(params[bands_key], displacement_cc)
        annual = Decimal(displacement_cc) * rate
        use_ko = "영업용" if business_use else "비영업용"
        lines.append(
            Line(
                f"연세액 ({use_ko} {displacement_cc:,}cc × cc당 {rate}원)",
                truncate_won(annual),
                "지방세법 제127조제1항제1호",
            )
        )
    elif vehicle_type == "other_passenger":
        if displacement_cc is not None:
            raise TaxInputError(
                "displacement_cc",
                "전기차 등 그 밖의 승용자동차는 정액으로 과세하므로 배기량을 받지 않습니다",
                "displacement_cc does not apply to other_passenger (electric and the like)",
            )
        flat = params["other_passenger_flat"]
        annual = dec(flat, "business" if business_use else "non_business")
        use_ko = "영업용" if business_use else "비영업용"
        lines.append(
            Line(
                f"연세액 (그 밖의 승용자동차 {use_ko} 정액)",
                truncate_won(annual),
                "지방세법 제127조제1항제3호, 시행령 제123조제2호",
            )
        )
    else:
        raise TaxInputError(
            "vehicle_type",
            "차종은 passenger 또는 other_passenger여야 합니다",
            "vehicle_type must be passenger or other_passenger",
        )

    if first_registered is not None and first_registered > date(year, 12, 31):
        raise TaxInputError(
            "first_registered",
            f"최초 등록일이 {year}년보다 뒤입니다. 그해에는 자동차세가 없습니다",
            f"first_registered is after {year}; no tax is due for that year",
        )
    registered_this_year = first_registered is not None and first_registered.year == year
    if registered_this_year and annual_payment is not None:
        raise TaxInputError(
            "annual_payment",
            "그해에 새로 등록한 차는 일할 계산하므로 이 계산기에서 연납을 계산하지 않습니다",
            "annual payment is not computed for a car first registered in the same year",
        )

    half = annual / 2
    # 차령 경감 applies to 비영업용 승용자동차 taxed by displacement (제127조제1항제2호).
    age_reduces = vehicle_type == "passenger" and not business_use
    halves: list[int] = []
    for period in (1, 2):
        period_tax = half
        label = f"제{period}기분 세액 ({'1~6월' if period == 1 else '7~12월'})"
        basis = "지방세법 제128조제1항"
        if age_reduces and first_registered is not None:
            age = car_age(first_registered, year, 1 if period == 1 else 2)
            cut = reduction_rate(
                age, dec(params, "age_reduction_per_year"), int(params["age_cap_years"])
            )
            period_tax = half - half * cut
            label += f", 차령 {max(age, 0)}년"
            if cut > 0:
                label += f" 경감 {percent(cut)}"
            basis = "지방세법 제127조제1항제2호, 지방세법 시행령 제122조제2항"
        if registered_this_year and first_registered is not None:
            period_start = date(year, 1, 1) if period == 1 else date(year, 7, 1)
            period_end = date(year, 6, 30) if period == 1 else date(year, 12, 31)
            if first_registered > period_end:
                period_tax = Decimal(0)
                label += ", 등록 전 기간이라 없음"
            elif first_registered > period_start:
                days = (period_end - first_registered).days + 1
                period_tax = annual * days / _year_days(year)
                label += f", 신규등록 일할 {days}일"
            basis += ", 지방세법 제130조제1항, 시행령 제126조"
        halves.append(truncate_won(period_tax))
        lines.append(Line(label, halves[-1], basis))

    first_half, second_half = halves
    vehicle_tax = first_half + second_half
    education_rate = dec(params, "education_tax_rate") if not business_use else Decimal(0)

    if annual_payment is not None and annual_payment not in ANNUAL_PAYMENT_MONTHS:
        raise TaxInputError(
            "annual_payment",
            "연납 시기는 january, march, june, september 중 하나여야 합니다",
            "annual_payment must be january, march, june or september",
        )
    # 제128조제4항: at or under 10만원 a year the whole year comes with the June bill, so only a
    # January or March 연납 (paid before June) or a June 연납 (the same amount) is left to
    # choose; a September 연납 has nothing left to pay in advance. A car first registered this
    # year is billed by days at registration (제128조제2항, 제130조) and is left out.
    june_limit = dec(params, "single_june_bill_limit")
    whole_in_june = (
        not registered_this_year
        and annual_payment in (None, "september")
        and vehicle_tax <= june_limit
    )

    # The bills the citizen actually pays: the vehicle tax on each notice.
    bills: list[int]
    deduction = 0
    june_deduction = 0
    if whole_in_june:
        # 시행령 제125조제6항 sets one rate for the formulas of both 제128조제3항 and 제4항.
        rate = dec(params, "annual_payment_rate")
        paid = truncate_won(Decimal(vehicle_tax) - Decimal(second_half) * rate)
        june_deduction = vehicle_tax - paid
        bills = [paid]
        label = (
            f"6월 한꺼번에 부과 (연세액 {won(june_limit)} 이하: "
            f"제2기분 세액 × {percent(rate)} 공제)"
        )
        if annual_payment == "september":
            label += ", 9월 연납 대상 아님"
        lines.append(
            Line(
                label,
                -june_deduction,
                "지방세법 제128조제4항, 지방세법 시행령 제125조제6항",
            )
        )
    elif annual_payment is None:
        bills = [first_half, second_half]
    else:
        rate = dec(params, "annual_payment_rate")
        deadline_text: str = params["annual_payment_deadlines"][annual_payment]
        month, day = (int(part) for part in deadline_text.split("-"))
        deadline = date(year, month, day)
        if annual_payment in ("january", "march"):
            raw = Decimal(vehicle_tax) * _days_after(deadline) / _year_days(year) * rate
            formula = f"연세액 × {_days_after(deadline)}/{_year_days(year)} × {percent(rate)}"
            paid = truncate_won(Decimal(vehicle_tax) - raw)
            bills = [paid]
            deduction = vehicle_tax - paid
        elif annual_payment == "june":
            raw = Decimal(second_half) * rate
            formula = f"제2기분 세액 × {percent(rate)}"
            paid = truncate_won(Decimal(vehicle_tax) - raw)
            bills = [paid]
            deduction = vehicle_tax - paid
        else:
            raw = Decimal(second_half) * _days_after(deadline) / _SECOND_HALF_DAYS * rate
            formula = (
                f"제2기분 세액 × {_days_after(deadline)}/{_SECOND_HALF_DAYS} × {percent(rate)}"
            )
            paid_second = truncate_won(Decimal(second_half) - raw)
            bills = [first_half, paid_second]
            deduction = second_half - paid_second
        lines.append(
            Line(
                f"연납 공제 ({_MONTH_KO[annual_payment]} 신고납부: {formula})",
                -deduction,
                "지방세법 제128조제3항, 지방세법 시행령 제125조제3항·제6항",
            )
        )

    payable = sum(bills)
    education = sum(truncate_won(Decimal(bill) * education_rate) for bill in bills)
    if payable != vehicle_tax:
        basis = "지방세법 제128조제4항" if whole_in_june else "지방세법 제128조제3항"
        lines.append(Line("납부할 자동차세", payable, basis))
    if education_rate > 0:
        lines.append(
            Line(
                f"지방교육세 (납부할 자동차세의 {percent(education_rate)})",
                education,
                "지방세법 제151조제1항제7호",
            )
        )
    total = payable + education
    lines.append(Line("납부할 세액 합계", total, "지방세법 제127조·제128조·제151조"))
    return VehicleTaxResult(
        first_half_tax=first_half,
        second_half_tax=second_half,
        vehicle_tax=vehicle_tax,
        annual_payment_deduction=deduction,
        vehicle_tax_payable=payable,
        local_education_tax=education,
        total_payable=total,
        billed_whole_in_june=whole_in_june,
        june_bill_deduction=june_deduction,
        breakdown=lines,
    )
