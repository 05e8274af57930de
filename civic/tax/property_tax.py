"""재산세 on a house: 과세표준, 표준세율 or 1세대1주택 특례세율, 도시지역분, 지방교육세, 납기.

지방세법 제110조 (과세표준, 과세표준상한), 제111조제1항제3호 (주택 세율), 제111조의2 (1세대
1주택 특례), 제112조 (도시지역분), 제115조제1항제3호 (납기), 제151조제1항제6호 (지방교육세);
지방세법 시행령 제109조 (공정시장가액비율), 제109조의2 (과세표준상한액).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from civic.tax.common import (
    Line,
    TaxInputError,
    dec,
    floor_won,
    parameters_for,
    percent,
    truncate_won,
    won,
)


@dataclass(frozen=True)
class PropertyTaxResult:
    fair_market_ratio: Decimal
    taxable_base: int
    property_tax: int
    special_rate_applied: bool
    urban_area_tax: int
    local_education_tax: int
    total: int
    july_installment: int
    september_installment: int
    breakdown: list[Line]


def fair_market_ratio(params: dict[str, Any], published_price: Decimal, one_house: bool) -> Decimal:
    """공정시장가액비율: 60%, or 43/44/45% by price for a 1세대1주택 (시행령 제109조제1항제2호)."""
    if not one_house:
        return dec(params, "fair_market_ratio")
    for band in params["one_house_ratio_bands"]:
        if band["up_to"] is None or published_price <= Decimal(band["up_to"]):
            return dec(band, "ratio")
    raise ValueError("the last ratio band must be open-ended")


def progressive_tax(bands: list[dict[str, Any]], taxable_base: Decimal) -> Decimal:
    """base + (과세표준 − over) × rate for the band the taxable base falls in."""
    for band in bands:
        if band["up_to"] is None or taxable_base <= Decimal(band["up_to"]):
            return dec(band, "base") + (taxable_base - dec(band, "over")) * dec(band, "rate")
    raise ValueError("the last rate band must be open-ended")


def _half(amount: int) -> int:
    return truncate_won(Decimal(amount) / 2)


def calculate_property_tax(
    *,
    year: int,
    published_price: int,
    one_house: bool,
    prior_year_published_price: int | None = None,
    urban_area: bool = True,
) -> PropertyTaxResult:
    """The year's 재산세 on one house from its 공시가격 (시가표준액)."""
    params = parameters_for("property", year)
    if published_price <= 0:
        raise TaxInputError(
            "published_price", "공시가격은 0보다 커야 합니다", "published_price must be positive"
        )
    if prior_year_published_price is not None and prior_year_published_price <= 0:
        raise TaxInputError(
            "prior_year_published_price",
            "직전 연도 공시가격은 0보다 커야 합니다",
            "prior_year_published_price must be positive",
        )
    price = Decimal(published_price)
    ratio = fair_market_ratio(params, price, one_house)
    base = floor_won(price * ratio)
    lines = [
        Line("공시가격 (시가표준액)", published_price, "지방세법 제4조제1항"),
        Line(
            f"과세표준 (공시가격 × 공정시장가액비율 {percent(ratio)})",
            int(base),
            "지방세법 제110조제1항, 지방세법 시행령 제109조제1항제2호",
        ),
    ]

    if prior_year_published_price is not None:
        # 과세표준상한액 = 직전 연도 시가표준액 × 올해 공정시장가액비율
        #                 + 올해 과세표준 × 과세표준상한율 (시행령 제109조의2)
        cap_rate = dec(params, "taxable_base_cap_rate")
        cap = floor_won(Decimal(prior_year_published_price) * ratio + base * cap_rate)
        if base > cap:
            lines.append(
                Line(
                    f"과세표준상한액 적용 (직전 연도 {won(prior_year_published_price)} × "
                    f"{percent(ratio)} + 과세표준 × {percent(cap_rate)})",
                    int(cap),
                    "지방세법 제110조제3항, 지방세법 시행령 제109조의2",
                )
            )
            base = cap

    special = one_house and price <= dec(params, "one_house_special_price_limit")
    if special:
        raw_tax = progressive_tax(params["one_house_special_bands"], base)
        label, basis = "재산세 (1세대1주택 특례세율)", "지방세법 제111조의2제1항"
    else:
        raw_tax = progressive_tax(params["standard_bands"], base)
        label, basis = "재산세 (표준세율)", "지방세법 제111조제1항제3호나목"
    property_tax = truncate_won(raw_tax)
    lines.append(Line(label, property_tax, basis))

    urban_rate = dec(params, "urban_area_rate")
    urban_tax = truncate_won(base * urban_rate) if urban_area else 0
    if urban_area:
        lines.append(
            Line(
                f"재산세 도시지역분 (과세표준의 {percent(urban_rate)})",
                urban_tax,
                "지방세법 제112조제1항제2호",
            )
        )

    education_rate = dec(params, "education_tax_rate")
    education = truncate_won(Decimal(property_tax) * education_rate)
    lines.append(
        Line(
            f"지방교육세 (재산세의 {percent(education_rate)}, 도시지역분 제외)",
            education,
            "지방세법 제151조제1항제6호",
        )
    )
    total = property_tax + urban_tax + education
    lines.append(Line("합계", total, "지방세법 제111조·제112조·제151조"))

    # 제115조제1항제3호: half in July and half in September; at or under 20만원 of 재산세
    # (도시지역분 included, 제112조) the whole year may be billed in July.
    if property_tax + urban_tax <= dec(params, "single_july_installment_limit"):
        july, september = total, 0
        lines.append(
            Line("7월 한꺼번에 납부 (재산세 20만원 이하)", july, "지방세법 제115조제1항제3호 단서")
        )
    else:
        september = _half(property_tax) + _half(urban_tax) + _half(education)
        july = total - september
        lines.append(Line("7월 납부분 (2분의 1)", july, "지방세법 제115조제1항제3호"))
        lines.append(Line("9월 납부분 (2분의 1)", september, "지방세법 제115조제1항제3호"))

    return PropertyTaxResult(
        fair_market_ratio=ratio,
        taxable_base=int(base),
        property_tax=property_tax,
        special_rate_applied=special,
        urban_area_tax=urban_tax,
        local_education_tax=education,
        total=total,
        july_installment=july,
        september_installment=september,
        breakdown=lines,
    )
