"""Fixtures: the fake Bot API on 127.0.0.1, the agent stand-in, settings pointing at both."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from agent.rasa_client import RasaClient
from bot.settings import get_settings
from bot.telegram import build_application, serve_polling
from bot.telegram.guards import RateLimiter
from tests.telegram.fake_agent import FakeAgent
from tests.telegram.fake_bot_api import FakeBotApi

TOKEN = "123456:TEST-haechi-token"


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def agent() -> FakeAgent:
    return FakeAgent()


@pytest.fixture(autouse=True)
def telegram_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, bot_api: FakeBotApi
) -> Iterator[None]:
    for name in ("HAECHI_TELEGRAM_WEBHOOK_SECRET", "HAECHI_TELEGRAM_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAECHI_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("HAECHI_TELEGRAM_BASE_URL", bot_api.base_url)
    monkeypatch.setenv("HAECHI_TELEGRAM_MODE", "polling")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def rasa_client(agent: FakeAgent) -> RasaClient:
    return RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(agent))


RunBot = Callable[..., None]


@pytest.fixture
def run_bot(bot_api: FakeBotApi, agent: FakeAgent) -> RunBot:
    """Run the real Application by long polling while `steps` (in a thread) talks to it."""

    def run(steps: Callable[[], None], *, rate_limiter: RateLimiter | None = None) -> None:
        async def main() -> None:
            rasa = rasa_client(agent)
            application = build_application(
                get_settings(),
                rasa,
                rate_limiter=rate_limiter or RateLimiter(max_events=100, window_seconds=60),
                retry_delay_seconds=0,
            )
            stop = asyncio.Event()
            polling = asyncio.create_task(serve_polling(application, stop, poll_timeout=1))
            try:
                await asyncio.to_thread(steps)
            finally:
                stop.set()
                await polling
                await rasa.aclose()

        asyncio.run(main())

    return run
