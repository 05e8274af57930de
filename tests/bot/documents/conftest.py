"""The gateway with staff accounts (tests/bot/staff) and its document office."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from civic.documents.settings import get_document_settings
from tests.bot.staff.conftest import StaffApp, staff_app, staff_template

__all__ = ["StaffApp", "staff_app", "staff_template"]


@pytest.fixture(autouse=True)
def _document_settings() -> Iterator[None]:
    get_document_settings.cache_clear()
    yield
    get_document_settings.cache_clear()
