"""Fuzzing fixtures: hypothesis profiles, a stand-in Rasa that records every call, a throwaway
knowledge base with a small index, a loopback action-server health endpoint, and the gateway.

Profiles: "ci" (the default, bounded so `make test` stays short and repeatable) and "long"
(`make fuzz`, HYPOTHESIS_PROFILE=long). Every request a test sends goes through `Gateway.send`,
which fails the test when the app does not answer within REQUEST_TIMEOUT_SECONDS (a hang).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings
from knowledge.curation import append_revision
from knowledge.database import default_database_url, make_engine, migrate
from knowledge.embeddings import get_embedding_settings
from knowledge.knowledge_base import KnowledgeBase
from knowledge.models import KnowledgeEntry, UnansweredQuestion
from knowledge.seeding import entry_from_seed, read_seed
from tests.conftest import share_embedding_cache

# A hang is any answer slower than this; the slowest honest answer (a first knowledge search on
# a busy 2-core machine) is well under it.
REQUEST_TIMEOUT_SECONDS = 30.0

# Bounded for `make test`: the whole tests/fuzz folder runs in about a minute and a half on the
# 2-core machine, and always the same cases (derandomized), so CI never flakes on a new draw.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# `make fuzz`: fresh random cases each run, failures kept in .hypothesis/ to replay first.
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A few seed entries in two collections and both languages: enough for every search decision.
SMALL_INDEX_IDS = (
    "tax-vehicle-due-dates",
    "tax-property-due-dates",
    "document-resident-registration-copy",
    "faq-passport",
    "faq-basic-pension",
    "faq-ttareungyi",
    "landmark-gyeongbokgung",
)


@dataclass
class StandInRasa:
    """Answers as the Rasa server would, and records every call the gateway makes."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        body = json.loads(request.content) if request.content else None
        with self.lock:
            self.calls.append((path, body))
        if path == "/status":
            return httpx.Response(200, json={"model_file": "haechi-fuzz.tar.gz", "model_id": "f"})
        if path == "/model/parse":
            return httpx.Response(
                200,
                json={
                    "text": body["text"],
                    "intent": {"name": "faq", "confidence": 0.9},
                    "entities": [],
                    "intent_ranking": [{"name": "faq", "confidence": 0.9}],
                },
            )
        reply = {"text": "네, 말씀하신 내용을 확인했습니다.", "language": "ko"}
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": reply}])

    def count(self) -> int:
        with self.lock:
            return len(self.calls)

    def conversation_calls(self) -> int:
        """Messages that reached a tracker (parse and status store nothing)."""
        with self.lock:
            return sum(1 for path, _ in self.calls if path.startswith("/webhooks/"))


class _HealthHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server API
        pass


@pytest.fixture(scope="session")
def action_server_url() -> Iterator[str]:
    """A loopback stand-in for the action server's /health, so /healthz can answer 200."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HealthHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def prepare_small_knowledge_base(folder: Path, pytestconfig: pytest.Config) -> Engine:
    """A few seed entries in the data folder's SQLite file: the app indexes these, not the seed
    (the seed is loaded only into an empty base). Embeddings come from the shared cache."""
    engine = make_engine(default_database_url(folder))
    migrate(engine)
    records = [record for record in read_seed() if record["id"] in SMALL_INDEX_IDS]
    assert len(records) == len(SMALL_INDEX_IDS), "the seed lost entries the fuzz index uses"
    with Session(engine) as session:
        for record in records:
            entry = entry_from_seed(record)
            session.add(entry)
            session.flush()
            append_revision(session, entry, action="created", changed_by="fuzz")
        session.commit()
    share_embedding_cache(folder, pytestconfig)
    return engine


def unanswered_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(UnansweredQuestion)) or 0)


def entry_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(KnowledgeEntry)) or 0)


@dataclass
class Gateway:
    """The app under fuzzing, its stand-ins and its database."""

    app: FastAPI
    client: TestClient
    rasa: StandInRasa
    knowledge_base: KnowledgeBase
    pool: ThreadPoolExecutor

    @property
    def engine(self) -> Engine:
        return self.knowledge_base.engine

    def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request; a test failure (not a stuck run) when the app does not answer in time."""
        future = self.pool.submit(self.client.request, method, url, **kwargs)
        try:
            return future.result(timeout=REQUEST_TIMEOUT_SECONDS)
        except FutureTimeout:
            pytest.fail(f"{method} {url} did not answer within {REQUEST_TIMEOUT_SECONDS} s")

    def stored(self) -> tuple[int, int, int]:
        """What a refused request must not change: tracker calls, unanswered rows, entries."""
        return (
            self.rasa.conversation_calls(),
            unanswered_count(self.engine),
            entry_count(self.engine),
        )


def fuzz_environment(monkeypatch: pytest.MonkeyPatch, folder: Path, action_url: str) -> None:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(folder))
    monkeypatch.setenv("HAECHI_ACTION_SERVER_URL", action_url)
    monkeypatch.setenv("HAECHI_RATE_LIMITS_ENABLED", "false")
    for name in ("HAECHI_REDIS_URL", "HAECHI_DATABASE_URL", "HAECHI_TELEGRAM_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    # The knowledge base finds its data folder (index, embedding cache) through these.
    get_embedding_settings.cache_clear()


class _LastingRasaClient(RasaClient):
    """schemathesis runs the app's lifespan once per test, and each lifespan's end closes the
    client; this one outlives them (it holds no sockets: the transport is the stand-in)."""

    async def aclose(self) -> None:
        pass


def rasa_client(rasa: StandInRasa) -> RasaClient:
    return _LastingRasaClient(
        "http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(rasa)
    )


@pytest.fixture(scope="module")
def gateway(
    tmp_path_factory: pytest.TempPathFactory,
    pytestconfig: pytest.Config,
    action_server_url: str,
) -> Iterator[Gateway]:
    """The gateway over a throwaway data folder, started once per test module."""
    folder = tmp_path_factory.mktemp("fuzz-gateway")
    with pytest.MonkeyPatch.context() as monkeypatch:
        fuzz_environment(monkeypatch, folder, action_server_url)
        engine = prepare_small_knowledge_base(folder, pytestconfig)
        knowledge_base = KnowledgeBase(engine, data_dir=folder)
        knowledge_base.index()
        rasa = StandInRasa()
        app = create_app(rasa=rasa_client(rasa))
        # Not a `with` block: its exit would wait for a request that hung.
        pool = ThreadPoolExecutor(max_workers=2)
        try:
            with TestClient(app) as client:
                # The search runs on the small index built above, not the whole seed.
                app.state.knowledge_base = knowledge_base
                yield Gateway(app, client, rasa, knowledge_base, pool)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            get_settings.cache_clear()
            get_embedding_settings.cache_clear()
    knowledge_base.engine.dispose()
