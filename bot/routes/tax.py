"""POST /api/v1/tax/{vehicle,property,acquisition}: the Tax Square calculators over HTTP.

Amounts are integers in won; rates are strings so no float ever rounds them. A request the law
cannot be applied to gets a 422 that names the field and says why in Korean and English.
Numbers and yes/no answers are taken as JSON gives them: `true` is not a price of 1 won, and a
price past MAX_WON (no single property comes near it) is refused rather than taxed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from bot.rate_limits import rate_limit
from bot.schemas import REFUSALS
from civic.tax import (
    Line,
    TaxInputError,
    calculate_acquisition_tax,
    calculate_property_tax,
    calculate_vehicle_tax,
    tax_year,
)

SEOUL = ZoneInfo("Asia/Seoul")
# 1,000조 원: far above any one property's price, and every tax on it stays an exact integer in
# a JavaScript client (below 2^53).
MAX_WON = 10**15
_DETAIL = "invalid request / 요청 형식이 올바르지 않습니다"

# Korean for the validation errors these models can raise, keyed by pydantic's error type.
_KOREAN_REASONS = {
    "missing": "필수 항목입니다",
    "extra_forbidden": "알 수 없는 항목입니다",
    "int_type": "정수여야 합니다",
    "int_parsing": "정수여야 합니다",
    "int_from_float": "소수점 없는 정수여야 합니다",
    "bool_type": "true 또는 false여야 합니다",
    "bool_parsing": "true 또는 false여야 합니다",
    "decimal_type": "숫자여야 합니다",
    "decimal_parsing": "숫자여야 합니다",
    "date_type": "YYYY-MM-DD 형식의 날짜여야 합니다",
    "date_parsing": "YYYY-MM-DD 형식의 날짜여야 합니다",
    "date_from_datetime_parsing": "YYYY-MM-DD 형식의 실제 있는 날짜여야 합니다",
    "date_from_datetime_inexact": "시각 없이 날짜만 적어야 합니다",
    "literal_error": "허용된 값이 아닙니다",
    "greater_than": "0보다 커야 합니다",
    "greater_than_equal": "허용된 최솟값보다 작습니다",
    "less_than_equal": "허용된 최댓값보다 큽니다",
    "json_invalid": "JSON 형식이 올바르지 않습니다",
    "model_attributes_type": "JSON 객체여야 합니다",
    "dict_type": "JSON 객체여야 합니다",
}


def _field(location: tuple[Any, ...]) -> str:
    parts = location[1:] if location and location[0] == "body" else location
    return ".".join(str(part) for part in parts) or "body"


def _problem(field: str, reason_ko: str, reason_en: str) -> dict[str, str]:
    return {
        "field": field,
        "reason": f"{reason_ko} / {reason_en}",
        "reason_ko": reason_ko,
        "reason_en": reason_en,
    }


def _unprocessable(problems: list[dict[str, str]]) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": _DETAIL, "errors": problems})


class TaxRoute(APIRoute):
    """Answers bad input on these routes with bilingual reasons instead of the app-wide handler."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def bilingual_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                problems = []
                for item in error.errors():
                    reason_ko = _KOREAN_REASONS.get(str(item.get("type")), "값이 올바르지 않습니다")
                    if item.get("type") == "literal_error":
                        expected = (item.get("ctx") or {}).get("expected", "")
                        reason_ko = f"{reason_ko} (가능한 값: {expected})"
                    problems.append(_problem(_field(tuple(item["loc"])), reason_ko, item["msg"]))
                return _unprocessable(problems)
            except TaxInputError as error:
                return _unprocessable([_problem(error.field, error.reason_ko, error.reason_en)])

        return bilingual_handler


router = APIRouter(
    prefix="/api/v1/tax",
    tags=["tax"],
    route_class=TaxRoute,
    dependencies=[Depends(rate_limit("tax"))],
    responses=REFUSALS,
)


class BreakdownLine(BaseModel):
    label: str
    amount: int
    basis: str


def _lines(lines: list[Line]) -> list[BreakdownLine]:
    return [BreakdownLine(label=line.label, amount=line.amount, basis=line.basis) for line in lines]


class VehicleTaxRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: StrictInt
    vehicle_type: Literal["passenger", "other_passenger"]
    business_use: StrictBool
    displacement_cc: StrictInt | None = Field(default=None, gt=0, le=100_000)
    first_registered: date | None = None
    annual_payment: Literal["january", "march", "june", "september"] | None = None


class VehicleTaxResponse(BaseModel):
    first_half_tax: int
    second_half_tax: int
    vehicle_tax: int
    annual_payment_deduction: int
    vehicle_tax_payable: int
    local_education_tax: int
    total_payable: int
    # 지방세법 제128조제4항: an annual tax of 10만원 or less comes whole with the June bill.
    billed_whole_in_june: bool
    june_bill_deduction: int
    breakdown: list[BreakdownLine]


class PropertyTaxRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: StrictInt
    published_price: StrictInt = Field(gt=0, le=MAX_WON)
    one_house: StrictBool
    prior_year_published_price: StrictInt | None = Field(default=None, gt=0, le=MAX_WON)
    urban_area: StrictBool = True


class PropertyTaxResponse(BaseModel):
    fair_market_ratio: str
    taxable_base: int
    property_tax: int
    special_rate_applied: bool
    urban_area_tax: int
    local_education_tax: int
    total: int
    july_installment: int
    september_installment: int
    breakdown: list[BreakdownLine]


class AcquisitionTaxRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: StrictInt = Field(gt=0, le=MAX_WON)
    area_m2: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    houses_after_acquisition: StrictInt = Field(ge=1, le=1000)
    adjusted_area: StrictBool
    temporary_two_homes: StrictBool = False
    first_home: StrictBool = False
    corporation: StrictBool = False
    # Not in the original contract: the law year, defaulting to the latest year on file that
    # has started (취득세 has no tax year of its own; the rules in force on the day apply).
    year: StrictInt | None = None


class AcquisitionTaxResponse(BaseModel):
    rate: str
    acquisition_tax: int
    local_education_tax: int
    rural_special_tax: int
    first_home_relief: int
    total: int
    breakdown: list[BreakdownLine]


def _rate_text(rate: Decimal, places: str) -> str:
    return str(rate.quantize(Decimal(places)))


@router.post("/vehicle", response_model=VehicleTaxResponse)
async def vehicle(body: VehicleTaxRequest) -> VehicleTaxResponse:
    result = calculate_vehicle_tax(
        year=body.year,
        vehicle_type=body.vehicle_type,
        business_use=body.business_use,
        displacement_cc=body.displacement_cc,
        first_registered=body.first_registered,
        annual_payment=body.annual_payment,
    )
    return VehicleTaxResponse(
        first_half_tax=result.first_half_tax,
        second_half_tax=result.second_half_tax,
        vehicle_tax=result.vehicle_tax,
        annual_payment_deduction=result.annual_payment_deduction,
        vehicle_tax_payable=result.vehicle_tax_payable,
        local_education_tax=result.local_education_tax,
        total_payable=result.total_payable,
        billed_whole_in_june=result.billed_whole_in_june,
        june_bill_deduction=result.june_bill_deduction,
        breakdown=_lines(result.breakdown),
    )


@router.post("/property", response_model=PropertyTaxResponse)
async def property_(body: PropertyTaxRequest) -> PropertyTaxResponse:
    result = calculate_property_tax(
        year=body.year,
        published_price=body.published_price,
        one_house=body.one_house,
        prior_year_published_price=body.prior_year_published_price,
        urban_area=body.urban_area,
    )
    return PropertyTaxResponse(
        fair_market_ratio=_rate_text(result.fair_market_ratio, "0.01"),
        taxable_base=result.taxable_base,
        property_tax=result.property_tax,
        special_rate_applied=result.special_rate_applied,
        urban_area_tax=result.urban_area_tax,
        local_education_tax=result.local_education_tax,
        total=result.total,
        july_installment=result.july_installment,
        september_installment=result.september_installment,
        breakdown=_lines(result.breakdown),
    )


@router.post("/acquisition", response_model=AcquisitionTaxResponse)
async def acquisition(body: AcquisitionTaxRequest) -> AcquisitionTaxResponse:
    year = (
        body.year if body.year is not None else tax_year("acquisition", datetime.now(SEOUL).date())
    )
    result = calculate_acquisition_tax(
        year=year,
        price=body.price,
        area_m2=body.area_m2,
        houses_after_acquisition=body.houses_after_acquisition,
        adjusted_area=body.adjusted_area,
        temporary_two_homes=body.temporary_two_homes,
        first_home=body.first_home,
        corporation=body.corporation,
    )
    return AcquisitionTaxResponse(
        rate=_rate_text(result.rate, "0.0001"),
        acquisition_tax=result.acquisition_tax,
        local_education_tax=result.local_education_tax,
        rural_special_tax=result.rural_special_tax,
        first_home_relief=result.first_home_relief,
        total=result.total,
        breakdown=_lines(result.breakdown),
    )
