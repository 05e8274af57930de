"""The Tax Square calculators over HTTP, with a stand-in Rasa that is never called."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings


def _no_rasa(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"the tax API must not call Rasa: {request.url}")


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[TestClient]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    rasa = RasaClient(
        "http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(_no_rasa)
    )
    with TestClient(create_app(rasa=rasa)) as test_client:
        yield test_client
    get_settings.cache_clear()


def _error_fields(response: Any) -> dict[str, dict[str, str]]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"] == "invalid request / 요청 형식이 올바르지 않습니다"
    return {problem["field"]: problem for problem in body["errors"]}


def _assert_bilingual(problem: dict[str, str]) -> None:
    assert problem["reason_ko"] and problem["reason_en"]
    assert problem["reason"] == f"{problem['reason_ko']} / {problem['reason_en']}"
    assert any("\uac00" <= char <= "\ud7a3" for char in problem["reason_ko"])


# --- POST /api/v1/tax/vehicle ---


def test_vehicle_tax_with_age_reduction_and_january_payment(client: TestClient) -> None:
    """지방세법 §127①2 (n = 6, 20%) and §128③ (1월): 319,680 → 305,050; 교육세 91,510."""
    response = client.post(
        "/api/v1/tax/vehicle",
        json={
            "year": 2026,
            "vehicle_type": "passenger",
            "business_use": False,
            "displacement_cc": 1998,
            "first_registered": "2021-03-10",
            "annual_payment": "january",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: value for key, value in body.items() if key != "breakdown"} == {
        "first_half_tax": 159_840,
        "second_half_tax": 159_840,
        "vehicle_tax": 319_680,
        "annual_payment_deduction": 14_630,
        "vehicle_tax_payable": 305_050,
        "local_education_tax": 91_510,
        "total_payable": 396_560,
        "billed_whole_in_june": False,
        "june_bill_deduction": 0,
    }
    assert all(set(line) == {"label", "amount", "basis"} for line in body["breakdown"])
    assert any(line["basis"].startswith("지방세법 제127조") for line in body["breakdown"])


def test_electric_car_needs_no_displacement(client: TestClient) -> None:
    """§127①3: 그 밖의 승용 비영업용 100,000, billed whole in June (§128④):

    100,000 − 50,000 × 5% = 97,500 + 교육세 29,250 = 126,750.
    """
    response = client.post(
        "/api/v1/tax/vehicle",
        json={"year": 2025, "vehicle_type": "other_passenger", "business_use": False},
    )
    assert response.status_code == 200
    assert response.json()["total_payable"] == 126_750


def test_a_small_vehicle_tax_says_it_is_billed_whole_in_june(client: TestClient) -> None:
    """지방세법 제128조제4항, 시행령 제125조제6항: 1,000cc (2025-03-01 등록),
    연세액 80,000 ≤ 100,000.

    One June bill: 80,000 − 제2기분 40,000 × 5% = 78,000; 교육세 23,400; 합계 101,400.
    """
    response = client.post(
        "/api/v1/tax/vehicle",
        json={
            "year": 2026,
            "vehicle_type": "passenger",
            "business_use": False,
            "displacement_cc": 1000,
            "first_registered": "2025-03-01",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["billed_whole_in_june"] is True
    assert body["june_bill_deduction"] == 2_000
    assert body["annual_payment_deduction"] == 0
    assert (body["vehicle_tax_payable"], body["total_payable"]) == (78_000, 101_400)
    june = [line for line in body["breakdown"] if line["label"].startswith("6월 한꺼번에")]
    assert june == [
        {
            "label": "6월 한꺼번에 부과 (연세액 100,000원 이하: 제2기분 세액 × 5% 공제)",
            "amount": -2_000,
            "basis": "지방세법 제128조제4항, 지방세법 시행령 제125조제6항",
        }
    ]


def test_a_vehicle_tax_over_the_limit_keeps_two_bills(client: TestClient) -> None:
    """§128①: 1,998cc 399,600 > 100,000 → 제1기분·제2기분 199,800 each, no June-only bill."""
    response = client.post(
        "/api/v1/tax/vehicle",
        json={
            "year": 2026,
            "vehicle_type": "passenger",
            "business_use": False,
            "displacement_cc": 1998,
        },
    )
    body = response.json()
    assert (body["billed_whole_in_june"], body["june_bill_deduction"]) == (False, 0)
    assert body["vehicle_tax_payable"] == 399_600


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 2023}, "year"),
        ({"displacement_cc": -1600}, "displacement_cc"),
        ({"displacement_cc": None}, "displacement_cc"),
        ({"first_registered": "2019-02-30"}, "first_registered"),
        ({"first_registered": "2027-01-01"}, "first_registered"),
        ({"annual_payment": "april"}, "annual_payment"),
        ({"vehicle_type": "truck"}, "vehicle_type"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_vehicle_bad_input_gets_a_bilingual_422(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    body: dict[str, Any] = {
        "year": 2026,
        "vehicle_type": "passenger",
        "business_use": False,
        "displacement_cc": 1998,
    }
    body.update(change)
    problems = _error_fields(client.post("/api/v1/tax/vehicle", json=body))
    assert field in problems
    _assert_bilingual(problems[field])


def test_vehicle_missing_fields_are_each_named(client: TestClient) -> None:
    problems = _error_fields(client.post("/api/v1/tax/vehicle", json={"year": 2026}))
    assert {"vehicle_type", "business_use"} <= set(problems)
    assert problems["business_use"]["reason_ko"] == "필수 항목입니다"


# --- POST /api/v1/tax/property ---


def test_property_tax_for_one_house_with_the_cap(client: TestClient) -> None:
    """§110③ 과세표준상한 2.09억, §111의2 238,000, §112 292,600, §151①6 47,600, §115 halves."""
    response = client.post(
        "/api/v1/tax/property",
        json={
            "year": 2026,
            "published_price": 500_000_000,
            "one_house": True,
            "prior_year_published_price": 450_000_000,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: value for key, value in body.items() if key != "breakdown"} == {
        "fair_market_ratio": "0.44",
        "taxable_base": 209_000_000,
        "property_tax": 238_000,
        "special_rate_applied": True,
        "urban_area_tax": 292_600,
        "local_education_tax": 47_600,
        "total": 578_200,
        "july_installment": 289_100,
        "september_installment": 289_100,
    }


def test_property_tax_standard_ratio_is_written_0_60(client: TestClient) -> None:
    """시행령 §109①2: 60% → "0.60"; 1억 → 과세표준 6천만 → 60,000; 7월 한꺼번에 156,000."""
    response = client.post(
        "/api/v1/tax/property",
        json={"year": 2024, "published_price": 100_000_000, "one_house": False},
    )
    body = response.json()
    assert body["fair_market_ratio"] == "0.60"
    assert (body["july_installment"], body["september_installment"]) == (156_000, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 2030}, "year"),
        ({"published_price": -1}, "published_price"),
        ({"published_price": "많이"}, "published_price"),
        ({"prior_year_published_price": 0}, "prior_year_published_price"),
        ({"one_house": "maybe"}, "one_house"),
    ],
)
def test_property_bad_input_gets_a_bilingual_422(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    body: dict[str, Any] = {"year": 2026, "published_price": 300_000_000, "one_house": True}
    body.update(change)
    problems = _error_fields(client.post("/api/v1/tax/property", json=body))
    assert field in problems
    _assert_bilingual(problems[field])


# --- POST /api/v1/tax/acquisition ---


def test_acquisition_tax_rate_is_a_four_place_string(client: TestClient) -> None:
    """§11①8나: 8억 → 0.0233 → 18,640,000; 교육세 1,864,000; 84.9㎡ 농특세 비과세."""
    response = client.post(
        "/api/v1/tax/acquisition",
        json={
            "price": 800_000_000,
            "area_m2": 84.9,
            "houses_after_acquisition": 1,
            "adjusted_area": True,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: value for key, value in body.items() if key != "breakdown"} == {
        "rate": "0.0233",
        "acquisition_tax": 18_640_000,
        "local_education_tax": 1_864_000,
        "rural_special_tax": 0,
        "first_home_relief": 0,
        "total": 20_504_000,
    }


def test_acquisition_first_home_relief(client: TestClient) -> None:
    """지방세특례제한법 §36의3①2: 3억 → 3,000,000 − 2,000,000; 교육세 100,000."""
    response = client.post(
        "/api/v1/tax/acquisition",
        json={
            "price": 300_000_000,
            "area_m2": "59.9",
            "houses_after_acquisition": 1,
            "adjusted_area": False,
            "first_home": True,
            "year": 2026,
        },
    )
    body = response.json()
    assert (body["rate"], body["first_home_relief"], body["total"]) == (
        "0.0100",
        2_000_000,
        1_100_000,
    )


def test_acquisition_surcharge_rate(client: TestClient) -> None:
    """§13의2①3: 조정대상지역 3주택 12% → "0.1200"."""
    response = client.post(
        "/api/v1/tax/acquisition",
        json={
            "price": 500_000_000,
            "area_m2": 84,
            "houses_after_acquisition": 3,
            "adjusted_area": True,
        },
    )
    assert response.json()["rate"] == "0.1200"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": -500_000_000}, "price"),
        ({"price": None}, "price"),
        ({"area_m2": 0}, "area_m2"),
        ({"houses_after_acquisition": 0}, "houses_after_acquisition"),
        ({"temporary_two_homes": True}, "temporary_two_homes"),
        ({"first_home": True, "corporation": True}, "first_home"),
        ({"year": 2019}, "year"),
    ],
)
def test_acquisition_bad_input_gets_a_bilingual_422(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    body: dict[str, Any] = {
        "price": 500_000_000,
        "area_m2": 84.9,
        "houses_after_acquisition": 3,
        "adjusted_area": True,
    }
    body.update(change)
    problems = _error_fields(client.post("/api/v1/tax/acquisition", json=body))
    assert field in problems
    _assert_bilingual(problems[field])


def test_a_body_that_is_not_json_gets_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/tax/acquisition",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
