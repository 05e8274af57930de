"""Fresh migrated databases for store tests: a SQLite file, and a throwaway PostgreSQL database."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from knowledge.database import make_engine, make_session_factory, migrate, normalise_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
SEOUL_120_CSV = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "seoul-120"
    / "seoul-120-text.csv"
)


PARAPHRASES = Path(__file__).resolve().parents[1] / "data" / "paraphrases.jsonl"


def read_paraphrases() -> list[dict[str, str]]:
    """Citizens' own wording of questions about the seed; `expected_id` null when unanswerable."""
    lines = PARAPHRASES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def postgres_answers(url: str) -> str | None:
    """None when a server answers at the URL, else why not."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any driver error means the server is not there
        return f"{error!s:.200}"
    finally:
        engine.dispose()
    return None


@contextmanager
def throwaway_postgres(folder: Path) -> Iterator[str]:
    """A private PostgreSQL server from the `pgserver` wheel (binaries included), on a Unix
    socket in the folder, stopped and deleted afterwards: what a newcomer's machine without a
    PostgreSQL server runs the tests against."""
    import pgserver

    server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The PostgreSQL server tests may create databases on: HAECHI_TEST_DATABASE_URL (which
    must answer), else the one on the default local port, else a throwaway one. Never skips."""
    configured = os.environ.get("HAECHI_TEST_DATABASE_URL")
    url = configured or DEFAULT_POSTGRES_URL
    problem = postgres_answers(url)
    if problem is None:
        yield url
        return
    if configured:
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(f"HAECHI_TEST_DATABASE_URL={shown} does not answer: {problem}")
    with throwaway_postgres(tmp_path_factory.mktemp("pgserver")) as throwaway:
        yield throwaway


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A uniquely named empty database on that server, dropped afterwards."""
    name = f"haechi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(postgres_server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'haechi.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on both backends the project supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'haechi.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def _migrated_session(url: str) -> Iterator[Session]:
    migrate(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    yield from _migrated_session(database_url)


@pytest.fixture
def sqlite_session(sqlite_url: str) -> Iterator[Session]:
    yield from _migrated_session(sqlite_url)


@pytest.fixture(scope="session")
def seoul_120_csv() -> Path:
    if not SEOUL_120_CSV.is_file():
        pytest.fail(
            f"{SEOUL_120_CSV} is missing: the shared/ folder beside the repository holds the "
            "Seoul 120 data (shared/data/seoul-120/); lay it out there to run the import tests"
        )
    return SEOUL_120_CSV
