"""Masking personal numbers before text reaches a log, analytics or the unanswered-question list."""

from __future__ import annotations

import re

# 주민등록번호 / 외국인등록번호: six digits (birth date), a hyphen or space, seven digits.
_RESIDENT_REGISTRATION = re.compile(r"(?<!\d)(\d{6})[\s-]?([1-8]\d{6})(?!\d)")
# Mobile and landline numbers: 010-1234-5678, 02 123 4567, 01012345678, +82 10-1234-5678.
_PHONE = re.compile(
    r"(?<!\d)(?:\+82[\s-]?|0)(?:1[016789]|2|[3-6][1-5]|70)[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)"
)
# Card numbers: four groups of four digits.
_CARD = re.compile(r"(?<!\d)\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}(?!\d)")


def mask_registration_numbers(text: str) -> str:
    """Replace resident (and alien) registration numbers only, leaving phone numbers a
    conversation may need (a booking's contact) as they are."""
    return _RESIDENT_REGISTRATION.sub("######-#######", text)


def mask_personal_numbers(text: str) -> str:
    """Replace resident registration, card and phone numbers with fixed masks."""
    masked = _RESIDENT_REGISTRATION.sub("######-#######", text)
    masked = _CARD.sub("####-####-####-####", masked)
    return _PHONE.sub("***-****-****", masked)
