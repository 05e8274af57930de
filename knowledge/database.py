"""Database engine and sessions: SQLite under the data folder by default, any SQLAlchemy URL."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Any constant works; it only has to be the same in every process that migrates.
_POSTGRES_MIGRATION_LOCK = 0x4841_4543_4849  # "HAECHI"


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'haechi.db'}"


def normalise_url(url: str) -> str:
    """Point bare PostgreSQL URLs at psycopg 3, the driver we ship (SQLAlchemy assumes psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout: the gateway and action server share it."""
    url = normalise_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL stays consistent after a crash and skips an fsync per commit;
            # only the last commits before a power cut may be lost.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(engine, expire_on_commit=False)


def database_is_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any driver error means "not reachable" to a health check
        return False
    return True


def alembic_config(url: str) -> Any:
    """Alembic's Config for our migrations, with no alembic.ini: everything is set here."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Config is a ConfigParser underneath: a literal % (in a password) must be doubled.
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    # The gateway and the action server start together and both migrate; SQLite DDL is not
    # transactional under Alembic, so a file lock beside the database makes one of them wait.
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database in (":memory:", ""):
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def head_revision() -> str:
    """The newest migration's revision, read from the file names (NNNN_topic.py, revision
    "NNNN"; tests/knowledge/test_store.py checks this against Alembic's own script head)."""
    return max(path.name[:4] for path in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _at_head(engine: Engine) -> bool:
    """Whether the schema is already at head, asked with one query and no Alembic import
    (importing Alembic costs a one-off CLI search a tenth of a second)."""
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # no table yet, or no database: Alembic decides
        return False
    return [row[0] for row in found] == [head_revision()]


def migrate(url: str | Engine) -> None:
    """Bring the database to the newest schema (`alembic upgrade head`); safe to call each start.

    Takes a URL or an engine; an engine is needed for SQLite in memory, whose URL alone would
    open a second, empty database.
    """
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        if _at_head(engine):
            return
        from alembic import command

        config = alembic_config(engine.url.render_as_string(hide_password=False))
        with _sqlite_migration_lock(engine), engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Released at commit; DDL is transactional there, so a waiting replica then
                # finds the schema at head and does nothing.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        logger.debug("database migrated to head")
    finally:
        if not isinstance(url, Engine):
            engine.dispose()
