"""The scaled stack (deploy/scaled.py) as real processes, once per module, on the machine's
PostgreSQL and Redis.

PostgreSQL: HAECHI_TEST_DATABASE_URL, else 127.0.0.1:5432 (database `test`); Redis:
HAECHI_TEST_REDIS_URL, else 127.0.0.1:6379. Unlike the single-process tests, there is no
throwaway fallback: replicas are about those shared servers, so when one does not answer the
tests fail and say which. Each run gets its own database (`haechi_scaled_<random>`, dropped
afterwards) and its own Redis key prefix (deleted afterwards), so runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, make_url, text

from deploy.scaled import Ports, ScaledConfig, ScaledStack, StackError
from knowledge.database import normalise_url
from tests.conftest import share_audio_cache, share_embedding_cache
from tests.stack import free_port

MACHINE_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
MACHINE_REDIS = "redis://127.0.0.1:6379/0"


def _postgres_server() -> str:
    url = os.environ.get("HAECHI_TEST_DATABASE_URL") or MACHINE_POSTGRES
    engine = create_engine(normalise_url(url), connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any driver error means no server
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(
            f"the replica tests need PostgreSQL and {shown} does not answer ({error!s:.200}); "
            "start it or set HAECHI_TEST_DATABASE_URL"
        )
    finally:
        engine.dispose()
    return url


def _redis_server() -> str:
    url = os.environ.get("HAECHI_TEST_REDIS_URL") or MACHINE_REDIS
    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"the replica tests need Redis and {url} does not answer ({error}); "
            "start it or set HAECHI_TEST_REDIS_URL"
        )
    finally:
        client.close()
    return url


@pytest.fixture(scope="module")
def scaled_database() -> Iterator[str]:
    """A fresh database for this module's stack, dropped afterwards (with its connections)."""
    server = _postgres_server()
    name = f"haechi_scaled_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    # Never a developer's Telegram bot, Redis or tokens; the stack makes its own.
    prefixes = ("HAECHI_TELEGRAM_", "HAECHI_REDIS", "HAECHI_RASA_TOKEN", "HAECHI_ACTION_TOKEN")
    for key in [key for key in env if key.startswith(prefixes)]:
        env.pop(key)
    env.pop("HAECHI_DATABASE_URL", None)
    # Every test talks from 127.0.0.1: limits meant for one citizen would refuse them.
    for name in ("CHAT", "SESSIONS", "SEARCH", "TAX"):
        env[f"HAECHI_RATE_LIMIT_{name}"] = "6000/minute"
    # A burst waits in line for the conversation's lock; on a busy shared 2-core machine the
    # last of it can wait longer than a citizen's 30 s, which is not what these tests measure.
    env["HAECHI_RASA_TIMEOUT_SECONDS"] = "150"
    return env


@pytest.fixture(scope="module")
def scaled(
    scaled_database: str, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[ScaledStack]:
    """Two Rasa replicas (Redis lock store) and two gateways behind haproxy, one action server."""
    redis_url = _redis_server()
    data_dir: Path = tmp_path_factory.mktemp("scaled")
    share_embedding_cache(data_dir, pytestconfig)
    share_audio_cache(data_dir, pytestconfig)
    prefix = f"haechi{uuid.uuid4().hex[:12]}"
    ports = Ports(
        rasa_frontend=free_port(),
        rasa=(free_port(), free_port()),
        gateway_frontend=free_port(),
        gateway=(free_port(), free_port()),
        actions=free_port(),
    )
    stack = ScaledStack(
        ScaledConfig(
            data_dir=data_dir,
            database_url=scaled_database,
            redis_url=redis_url,
            ports=ports,
            redis_prefix=prefix,
            base_env=_base_env(),
        )
    )
    try:
        try:
            stack.start()
            stack.wait_ready()
        except StackError as error:
            pytest.fail(str(error))
        yield stack
    finally:
        stack.stop()
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
