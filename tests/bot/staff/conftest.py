"""A gateway with a fresh database and one staff account per role, for the staff API tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings
from knowledge.database import make_engine, make_session_factory, migrate
from knowledge.embeddings import get_embedding_settings
from knowledge.staff_accounts import create_account, issue_token
from tests.conftest import share_embedding_cache

PASSWORD = "해치-staff-password-1"
ROLES = ("editor", "reviewer", "counsellor", "admin")


@dataclass
class StaffApp:
    client: TestClient
    data_dir: Path
    tokens: dict[str, str]

    def session(self) -> Session:
        engine = make_engine(f"sqlite:///{self.data_dir / 'haechi.db'}")
        return make_session_factory(engine)()

    def as_role(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def _no_rasa(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503)


@pytest.fixture(scope="session")
def staff_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A migrated database with the four accounts, made once (argon2 is slow on purpose) and
    copied for each test."""
    folder = tmp_path_factory.mktemp("staff-template")
    url = f"sqlite:///{folder / 'haechi.db'}"
    migrate(url)
    engine = make_engine(url)
    tokens: dict[str, str] = {}
    with make_session_factory(engine)() as session:
        for role in ROLES:
            email = f"{role}@seoul.go.kr"
            create_account(session, email=email, role=role, password=PASSWORD, actor="test")
            tokens[role] = issue_token(session, email=email, name="test", actor="test")[1]
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return folder / "haechi.db", tokens


@pytest.fixture
def staff_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pytestconfig: pytest.Config,
    staff_template: tuple[Path, dict[str, str]],
) -> Iterator[StaffApp]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HAECHI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    get_embedding_settings.cache_clear()
    share_embedding_cache(tmp_path, pytestconfig)
    template, tokens = staff_template
    shutil.copyfile(template, tmp_path / "haechi.db")
    rasa = RasaClient(
        "http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(_no_rasa)
    )
    with TestClient(create_app(rasa=rasa)) as client:
        yield StaffApp(client=client, data_dir=tmp_path, tokens=tokens)
    get_settings.cache_clear()
    get_embedding_settings.cache_clear()
