"""A document office on a throwaway SQLite file and data folder, shared by a module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from civic.documents.office import DocumentOffice
from civic.documents.settings import DocumentSettings
from knowledge.database import make_engine

KIM = ("김해치", date(1990, 1, 1))
LEE = ("이서울", date(1991, 5, 5))


def make_office(folder: Path) -> DocumentOffice:
    settings = DocumentSettings(data_dir=folder, public_url="http://127.0.0.1:8000")
    return DocumentOffice(make_engine(f"sqlite:///{folder / 'haechi.db'}"), settings)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocumentOffice]:
    yield make_office(tmp_path_factory.mktemp("documents"))


def verified(office: DocumentOffice, holder: str, who: tuple[str, date] = KIM) -> str:
    """Prove identity with the demo code; returns the resident id."""
    sent = office.identity.start(holder=holder, name=who[0], birth_date=who[1])
    return office.identity.confirm(holder=holder, code=sent.code).resident_id
