"""Shared fixtures: no accidental network, a throwaway knowledge base, the running stack."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.knowledge_base import KnowledgeBase
from tests.redis_server import redis_for_tests
from tests.stack import RunningStack, start_stack


def pytest_configure(config: pytest.Config) -> None:
    """Every test, and every process a test starts, gets a throwaway data folder by default.

    Settings default to ./var (and `make` exports HAECHI_DATA_DIR=var): without this, a test
    that builds an app or an index without naming a folder would write into the developer's
    own data. The embedding cache inside it is pytest's, so vectors survive between runs.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="haechi-test-data-"))
    if config.cache is not None:
        (data_dir / "embeddings").symlink_to(config.cache.mkdir("haechi-embeddings"))
    os.environ["HAECHI_DATA_DIR"] = str(data_dir)
    os.environ.pop("HAECHI_DATABASE_URL", None)


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, str | bytes):  # a Unix socket path
        return True
    host = address[0]
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Fail any test that reaches beyond this machine (as python-telegram-bot tests do)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


def share_embedding_cache(data_dir: Path, pytestconfig: pytest.Config) -> None:
    """Point a data folder's embedding cache at one kept in pytest's cache folder.

    Vectors are keyed by model and text hash, so sharing them between tests, processes and runs
    is safe, and it saves embedding the seed again for every data folder (a minute on a busy
    2-core machine).
    """
    assert pytestconfig.cache is not None
    (data_dir / "embeddings").symlink_to(pytestconfig.cache.mkdir("haechi-embeddings"))


def share_audio_cache(data_dir: Path, pytestconfig: pytest.Config) -> None:
    """Point a data folder's spoken-reply cache at one kept in pytest's cache folder: clips are
    named by a keyed hash of voice and text (the key lives with them), and Piper takes seconds
    a clip, so each test run speaks a text once."""
    assert pytestconfig.cache is not None
    (data_dir / "audio").symlink_to(pytestconfig.cache.mkdir("haechi-audio"))


@pytest.fixture(scope="session")
def seeded_knowledge_base(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> KnowledgeBase:
    """The curated seed in a fresh SQLite file, indexed once for the whole session.

    Its data folder (embedding cache, saved index) is session-wide too, so tests that build
    their own index over seed text reuse the vectors instead of embedding them again.
    """
    folder = tmp_path_factory.mktemp("kb")
    share_embedding_cache(folder, pytestconfig)
    knowledge_base = KnowledgeBase.open(f"sqlite:///{folder / 'haechi.db'}", data_dir=folder)
    knowledge_base.index()
    return knowledge_base


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[RunningStack]:
    """Rasa server, action server and gateway as real processes on free ports (the Procfile)."""
    data_dir: Path = tmp_path_factory.mktemp("stack")
    share_embedding_cache(data_dir, pytestconfig)
    share_audio_cache(data_dir, pytestconfig)
    running = start_stack(data_dir)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis (named, the machine's, or a throwaway redis-server); never a skip."""
    with redis_for_tests(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def tiny_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny real translation packages by pair (.argosmodel): ja_en is built from nothing (a
    minute on a busy machine), the others share its model. Translation, Telegram and world
    tests all use them, so they live here and are built once a session."""
    from tests.translation.tiny_package import build_package, relabel

    folder = tmp_path_factory.mktemp("argos")
    built = build_package(folder, from_code="ja", to_code="en")
    packages = {"ja_en": built}
    for pair in ("en_ja", "ko_en", "en_ko"):
        source, target = pair.split("_")
        packages[pair] = relabel(built, folder, from_code=source, to_code=target)
    return packages


@pytest.fixture(scope="session")
def translating_gateways(
    tiny_packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[tuple[str, str]]:
    """Two real gateway processes on one Redis, each with the tiny ko/en/ja translation packages
    and a stand-in Rasa behind them: base URLs. Every Redis key they make is under a prefix of
    their own, removed afterwards. Shared by the world and browser tests of the Fintech Lab."""
    import uuid

    import redis

    from bench.world_load import start_gateway, start_stand_in_rasa, stop
    from knowledge.translation.packages import install
    from tests.stack import free_port

    prefix = f"haechi:test:{uuid.uuid4().hex}:"
    env = {
        "HAECHI_REDIS_URL": redis_url,
        "HAECHI_WORLD_REDIS_PREFIX": prefix,
        "HAECHI_REDIS_PREFIX": prefix,
    }
    rasa_port = free_port()
    processes = [start_stand_in_rasa(rasa_port, delay_seconds=0.0)]
    try:
        urls = []
        for name in ("a", "b"):
            data_dir = tmp_path_factory.mktemp(f"translating-gateway-{name}")
            for pair in ("ko_en", "en_ko", "ja_en", "en_ja"):
                install(tiny_packages[pair], data_dir)
            port = free_port()
            processes.append(start_gateway(port, f"http://127.0.0.1:{rasa_port}", data_dir, env))
            urls.append(f"http://127.0.0.1:{port}")
        yield urls[0], urls[1]
    finally:
        for process in reversed(processes):
            stop(process)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
