from __future__ import annotations

import pytest

from civic.privacy import mask_personal_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("주민번호 900101-1234567 입니다", "주민번호 ######-####### 입니다"),
        ("9001011234567로 조회", "######-#######로 조회"),
        ("연락처 010-1234-5678", "연락처 ***-****-****"),
        ("01012345678 로 전화", "***-****-**** 로 전화"),
        ("사무실 02-123-4567", "사무실 ***-****-****"),
        ("+82 10-9876-5432 please", "***-****-**** please"),
        ("카드 1234-5678-9012-3456 결제", "카드 ####-####-####-#### 결제"),
    ],
)
def test_personal_numbers_are_masked(text: str, expected: str) -> None:
    assert mask_personal_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    ["자동차세 1,998cc 얼마", "공시가격 850000000원", "120번으로 전화", "2026년 6월 16일"],
)
def test_amounts_dates_and_120_are_left_alone(text: str) -> None:
    assert mask_personal_numbers(text) == text


def test_registration_numbers_alone_can_be_masked() -> None:
    from civic.privacy import mask_registration_numbers

    text = "주민번호 900101-1990017, 전화 010-1234-5678"
    assert mask_registration_numbers(text) == "주민번호 ######-#######, 전화 010-1234-5678"
