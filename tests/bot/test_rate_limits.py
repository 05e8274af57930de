"""Per-client rate limits: 429 with Retry-After, per scope, and shared through Redis."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.rate_limits import RateLimits
from bot.settings import GatewaySettings, get_settings
from tests.stack import free_port

VEHICLE = {
    "year": 2026,
    "vehicle_type": "passenger",
    "business_use": False,
    "displacement_cc": 1998,
    "first_registered": "2022-03-10",
}


class CountingRasa:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        body = json.loads(request.content)
        reply = {"text": "네, 말씀하세요.", "language": "ko"}
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": reply}])


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HAECHI_REDIS_URL", raising=False)
    monkeypatch.setenv("HAECHI_RATE_LIMIT_CHAT", "3/minute")
    monkeypatch.setenv("HAECHI_RATE_LIMIT_TAX", "2/minute")
    monkeypatch.setenv("HAECHI_RATE_LIMIT_SESSIONS", "1/minute")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def gateway(rasa: CountingRasa, client: tuple[str, int] = ("203.0.113.7", 50000)) -> TestClient:
    transport = httpx.MockTransport(rasa)
    app = create_app(rasa=RasaClient("http://rasa.test", timeout_seconds=5, transport=transport))
    return TestClient(app, client=client)


def chat(client: TestClient) -> httpx.Response:
    return client.post("/api/v1/chat", json={"session_id": "rate", "text": "안녕하세요"})


def test_chat_over_the_limit_gets_429_with_retry_after_and_reaches_no_one() -> None:
    rasa = CountingRasa()
    with gateway(rasa) as client:
        assert [chat(client).status_code for _ in range(3)] == [200, 200, 200]
        refused = chat(client)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "요청이 너무 많습니다" in refused.json()["detail"]
    assert rasa.calls == 3


def test_limits_are_per_client_and_per_scope() -> None:
    rasa = CountingRasa()
    with gateway(rasa) as first:
        for _ in range(3):
            chat(first)
        assert chat(first).status_code == 429
        # Tax has its own budget for the same client.
        assert first.post("/api/v1/tax/vehicle", json=VEHICLE).status_code == 200
        assert first.post("/api/v1/tax/vehicle", json=VEHICLE).status_code == 200
        assert first.post("/api/v1/tax/vehicle", json=VEHICLE).status_code == 429
        assert first.post("/api/v1/chat/sessions").status_code == 201
        assert first.post("/api/v1/chat/sessions").status_code == 429
        # Another address is not held back by the first one's traffic.
        with TestClient(first.app, client=("198.51.100.9", 40000)) as second:
            assert chat(second).status_code == 200


def test_replicas_share_the_count_through_redis(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAECHI_REDIS_URL", redis_url)
    monkeypatch.setenv("HAECHI_WORLD_REDIS_PREFIX", f"haechi:test:{uuid.uuid4().hex}:")
    get_settings.cache_clear()
    rasa = CountingRasa()
    with gateway(rasa) as replica_a, gateway(rasa) as replica_b:
        assert chat(replica_a).status_code == 200
        assert chat(replica_b).status_code == 200
        assert chat(replica_a).status_code == 200
        assert chat(replica_b).status_code == 429  # the fourth, whichever replica takes it
    assert rasa.calls == 3


def test_an_unreachable_limiter_fails_open() -> None:
    settings = GatewaySettings(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    limits = RateLimits.from_settings(settings)
    assert asyncio.run(limits.retry_after("chat", "203.0.113.7")) is None
