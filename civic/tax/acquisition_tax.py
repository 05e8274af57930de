"""취득세 on buying a house (유상거래), with 중과, 지방교육세, 농어촌특별세 and 생애최초 감면.

지방세법 제11조제1항제8호 (1~3%), 제13조의2제1항 (8%·12% 중과), 제151조제1항제1호
(지방교육세); 농어촌특별세법 제4조제9호·제11호 (서민주택 비과세), 제5조제1항제1호·제6호;
지방세특례제한법 제36조의3 (생애최초 주택 구입 감면).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from civic.tax.common import Line, TaxInputError, dec, parameters_for, percent, truncate_won, won

RateCase = Literal["general", "surcharge_8", "surcharge_12"]

_FOUR_PLACES = Decimal("0.0001")
_THREE_HUNDRED_MILLION = Decimal(300_000_000)


@dataclass(frozen=True)
class AcquisitionTaxResult:
    rate: Decimal
    rate_case: RateCase
    acquisition_tax: int
    local_education_tax: int
    rural_special_tax: int
    first_home_relief: int
    total: int
    breakdown: list[Line]


def general_rate(params: dict[str, Any], price: Decimal) -> tuple[Decimal, str]:
    """1% to 6억, (가액 × 2/3억원 − 3) × 1/100 to 9억, 3% above (지방세법 제11조제1항제8호)."""
    if price <= dec(params, "general_low_limit"):
        return dec(params, "general_low_rate"), "지방세법 제11조제1항제8호가목"
    if price <= dec(params, "general_high_limit"):
        raw = (price * 2 / _THREE_HUNDRED_MILLION - 3) / 100
        # "소수점이하 다섯째자리에서 반올림하여 소수점 넷째자리까지 계산한다" (같은 호 나목).
        return raw.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP), "지방세법 제11조제1항제8호나목"
    return dec(params, "general_high_rate"), "지방세법 제11조제1항제8호다목"


def rate_case(
    *,
    houses_after_acquisition: int,
    adjusted_area: bool,
    temporary_two_homes: bool,
    corporation: bool,
) -> tuple[RateCase, str]:
    """Which rate the purchase takes under 지방세법 제13조의2제1항, and the provision."""
    if corporation:
        return "surcharge_12", "지방세법 제13조의2제1항제1호 (법인)"
    houses = houses_after_acquisition
    if adjusted_area:
        if houses == 2:
            if temporary_two_homes:
                return (
                    "general",
                    ("지방세법 제13조의2제1항제2호 괄호 (일시적 2주택, 시행령 제28조의5)"),
                )
            return "surcharge_8", "지방세법 제13조의2제1항제2호 (조정대상지역 2주택)"
        if houses >= 3:
            return "surcharge_12", "지방세법 제13조의2제1항제3호 (조정대상지역 3주택 이상)"
    else:
        if houses == 3:
            return "surcharge_8", "지방세법 제13조의2제1항제2호 (조정대상지역 외 3주택)"
        if houses >= 4:
            return "surcharge_12", "지방세법 제13조의2제1항제3호 (조정대상지역 외 4주택 이상)"
    return "general", "지방세법 제11조제1항제8호"


def calculate_acquisition_tax(
    *,
    year: int,
    price: int,
    area_m2: Decimal,
    houses_after_acquisition: int,
    adjusted_area: bool,
    temporary_two_homes: bool = False,
    first_home: bool = False,
    corporation: bool = False,
) -> AcquisitionTaxResult:
    """취득세 and the taxes that ride on it for buying one house at `price` won."""
    params = parameters_for("acquisition", year)
    if price <= 0:
        raise TaxInputError("price", "취득가액은 0보다 커야 합니다", "price must be positive")
    if area_m2 <= 0:
        raise TaxInputError(
            "area_m2", "전용면적은 0보다 커야 합니다", "area_m2 must be greater than 0"
        )
    if houses_after_acquisition < 1:
        raise TaxInputError(
            "houses_after_acquisition",
            "취득 후 주택 수는 이번에 사는 집을 포함해 1 이상이어야 합니다",
            "houses_after_acquisition counts the house being bought, so it is at least 1",
        )
    if temporary_two_homes and houses_after_acquisition != 2:
        raise TaxInputError(
            "temporary_two_homes",
            "일시적 2주택은 취득 후 주택 수가 2일 때만 해당합니다",
            "temporary_two_homes applies only when houses_after_acquisition is 2",
        )
    if first_home and corporation:
        raise TaxInputError(
            "first_home",
            "생애최초 감면은 개인(대한민국 국민)에게만 해당하고 법인은 받을 수 없습니다",
            "first_home relief is for individuals, not corporations",
        )

    amount = Decimal(price)
    lines: list[Line] = []
    first_home_limit = dec(params, "first_home_price_limit")
    first_home_eligible = first_home and amount <= first_home_limit

    if first_home_eligible:
        # 제36조의3제1항: 감면받는 생애최초 취득에는 제13조의2의 세율을 적용하지 않는다.
        case: RateCase = "general"
        case_basis = "지방세특례제한법 제36조의3제1항 (중과세율 적용 제외)"
    else:
        case, case_basis = rate_case(
            houses_after_acquisition=houses_after_acquisition,
            adjusted_area=adjusted_area,
            temporary_two_homes=temporary_two_homes,
            corporation=corporation,
        )

    if case == "general":
        rate, rate_basis = general_rate(params, amount)
        if case_basis != "지방세법 제11조제1항제8호":
            rate_basis = f"{rate_basis}, {case_basis}"
    else:
        rate = dec(params, "surcharge_rate_8" if case == "surcharge_8" else "surcharge_rate_12")
        rate_basis = case_basis

    computed_tax = truncate_won(amount * rate)
    lines.append(
        Line(f"취득세 산출세액 ({won(price)} × {percent(rate)})", computed_tax, rate_basis)
    )

    # 지방교육세 (제151조제1항제1호): 주택 유상취득은 세율의 2분의 1로 산출한 금액의 20%,
    # 제13조의2 중과는 (4% − 중과기준세율 2%) × 20% = 과세표준의 0.4%.
    if case == "general":
        education_raw = (
            amount * rate * dec(params, "education_half_factor") * dec(params, "education_rate")
        )
        education_label = f"지방교육세 (취득세율 {percent(rate)}의 2분의 1로 산출한 세액의 20%)"
        education_basis = "지방세법 제151조제1항제1호"
    else:
        education_raw = amount * dec(params, "surcharge_education_rate")
        education_label = "지방교육세 (중과: 과세표준의 0.4%)"
        education_basis = "지방세법 제151조제1항제1호나목"

    relief = 0
    if first_home and not first_home_eligible:
        lines.append(
            Line(
                f"생애최초 감면 해당 없음 (취득가액 {won(first_home_limit)} 초과)",
                0,
                "지방세특례제한법 제36조의3제1항",
            )
        )
    if first_home_eligible:
        cap = int(dec(params, "first_home_cap"))
        relief = min(computed_tax, cap)
        lines.append(
            Line(
                f"생애최초 주택 구입 감면 (산출세액 {won(cap)} 이하 면제, 넘으면 {won(cap)} 공제)",
                -relief,
                "지방세특례제한법 제36조의3제1항제2호",
            )
        )
    acquisition_tax = computed_tax - relief
    if relief:
        lines.append(Line("납부할 취득세", acquisition_tax, "지방세특례제한법 제36조의3"))
        # 제151조제1항제1호다목1): 취득세를 감면하면 지방교육세도 같은 비율로 감면한다.
        education_raw = (
            education_raw * acquisition_tax / computed_tax if computed_tax else Decimal(0)
        )
        education_label += ", 취득세 감면 비율만큼 감면"
        education_basis += "다목1)"
    education = truncate_won(education_raw)
    lines.append(Line(education_label, education, education_basis))

    exempt_area = dec(params, "rural_exempt_area_m2")
    if area_m2 <= exempt_area:
        rural = 0
        lines.append(
            Line(
                f"농어촌특별세 비과세 (전용면적 {area_m2}㎡, 국민주택규모 {exempt_area}㎡ 이하)",
                0,
                "농어촌특별세법 제4조제9호·제11호, 같은 법 시행령 제4조",
            )
        )
    else:
        rural_rate = {
            "general": dec(params, "rural_rate_general"),
            "surcharge_8": dec(params, "rural_rate_8"),
            "surcharge_12": dec(params, "rural_rate_12"),
        }[case]
        rural = truncate_won(amount * rural_rate)
        lines.append(
            Line(
                f"농어촌특별세 (표준세율을 2%로 본 취득세의 10%: 과세표준의 {percent(rural_rate)})",
                rural,
                "농어촌특별세법 제5조제1항제6호",
            )
        )
        if relief:
            on_relief_rate = dec(params, "rural_rate_on_relief")
            on_relief = truncate_won(Decimal(relief) * on_relief_rate)
            rural += on_relief
            lines.append(
                Line(
                    f"농어촌특별세 (감면받은 취득세의 {percent(on_relief_rate)})",
                    on_relief,
                    "농어촌특별세법 제5조제1항제1호",
                )
            )

    total = acquisition_tax + education + rural
    lines.append(Line("합계", total, "지방세법 제11조·제151조, 농어촌특별세법 제5조"))
    return AcquisitionTaxResult(
        rate=rate,
        rate_case=case,
        acquisition_tax=acquisition_tax,
        local_education_tax=education,
        rural_special_tax=rural,
        first_home_relief=relief,
        total=total,
        breakdown=lines,
    )
