"""Hostile requests to POST /telegram/webhook (webhook mode, not in the OpenAPI document).

Without the secret nothing is read; with it, a body that is not a Telegram update gets a 4xx,
an odd but well-formed update is handled or ignored, and neither ever gets a 5xx or a hang.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from bot.app import create_app
from bot.settings import get_settings
from knowledge.embeddings import get_embedding_settings
from tests.fuzz.conftest import REQUEST_TIMEOUT_SECONDS, fuzz_environment
from tests.telegram.conftest import TOKEN, rasa_client
from tests.telegram.fake_agent import FakeAgent
from tests.telegram.fake_bot_api import FakeBotApi, message

SECRET = "fuzz-Secret_token"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"}
PATH = "/telegram/webhook"
CHAT = 777001


class Webhook:
    def __init__(self, client: TestClient, agent: FakeAgent, pool: ThreadPoolExecutor) -> None:
        self.client = client
        self.agent = agent
        self.pool = pool

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        future = self.pool.submit(
            self.client.post, PATH, content=body, headers=HEADERS if headers is None else headers
        )
        try:
            return future.result(timeout=REQUEST_TIMEOUT_SECONDS)
        except FutureTimeout:
            pytest.fail(f"the webhook did not answer within {REQUEST_TIMEOUT_SECONDS} s")


@pytest.fixture
def webhook(tmp_path: Any, action_server_url: str) -> Iterator[Webhook]:
    api = FakeBotApi(TOKEN).start()
    agent = FakeAgent()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            fuzz_environment(monkeypatch, tmp_path, action_server_url)
            monkeypatch.setenv("HAECHI_TELEGRAM_TOKEN", TOKEN)
            monkeypatch.setenv("HAECHI_TELEGRAM_BASE_URL", api.base_url)
            monkeypatch.setenv("HAECHI_TELEGRAM_MODE", "webhook")
            monkeypatch.setenv("HAECHI_TELEGRAM_WEBHOOK_SECRET", SECRET)
            monkeypatch.delenv("HAECHI_TELEGRAM_WEBHOOK_URL", raising=False)
            get_settings.cache_clear()
            with TestClient(create_app(rasa=rasa_client(agent))) as client:
                yield Webhook(client, agent, pool)
            get_settings.cache_clear()
            get_embedding_settings.cache_clear()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        api.stop()


def _update(update_id: Any, **content: Any) -> bytes:
    return json.dumps({"update_id": update_id, **content}, ensure_ascii=False).encode()


DEPTH = 10_000
REFUSED: list[tuple[str, bytes]] = [
    ("2 MB body", b"{" + b" " * (2 << 20) + b"}"),
    ("invalid UTF-8", b'{"update_id": 1, "message": "\xff\xfe"}'),
    ("10,000-deep array", b"[" * DEPTH + b"]" * DEPTH),
    (
        "10,000-deep update",
        b'{"update_id": 1, "message": ' + b'{"a":' * DEPTH + b"1" + b"}" * DEPTH + b"}",
    ),
    ("NaN update id", b'{"update_id": NaN}'),
    ("update id 1e400", b'{"update_id": 1e400}'),
    ("update id true", b'{"update_id": true}'),
    ("update id a string", b'{"update_id": "1"}'),
    ("a list", b"[1, 2, 3]"),
    ("NUL bytes", b'{"update_id": 1, "\x00": "\x00"}'),
    ("empty", b""),
    ("number with 10,000 digits", b'{"update_id": 1' + b"0" * DEPTH + b"}"),
]


@pytest.mark.parametrize("body", [case[1] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_a_body_that_is_not_an_update_is_refused_and_reaches_no_one(
    webhook: Webhook, body: bytes
) -> None:
    response = webhook.post(body)
    assert 400 <= response.status_code < 500, response.text[:300]
    assert webhook.agent.requests == []


@pytest.mark.parametrize("body", [case[1] for case in REFUSED[:3]], ids=[c[0] for c in REFUSED[:3]])
def test_without_the_secret_nothing_is_read(webhook: Webhook, body: bytes) -> None:
    response = webhook.post(body, headers={"content-type": "application/json"})
    assert response.status_code == 403
    assert webhook.agent.requests == []


ODD_UPDATES: list[tuple[str, bytes]] = [
    ("5,000 emoji", _update(1, message=message(1, CHAT, text="😀" * 5000))),
    ("NUL in text", _update(2, message=message(2, CHAT, text="\x00자동차세\x00"))),
    ("update id 10^30", _update(10**30, message=message(3, CHAT, text="안녕하세요"))),
    ("negative ids", _update(-5, message=message(-4, -CHAT, text="안녕하세요"))),
    ("chat id 10^30", _update(6, message=message(6, 10**30, text="안녕하세요"))),
    ("text is a number", _update(7, message={**message(7, CHAT), "text": 12})),
    ("chat is a string", _update(8, message={**message(8, CHAT, text="안녕"), "chat": "x"})),
    ("no chat", _update(9, message={"message_id": 9, "date": 0, "text": "안녕"})),
    ("date 10^30", _update(10, message={**message(10, CHAT, text="안녕"), "date": 10**30})),
    ("date negative", _update(11, message={**message(11, CHAT, text="안녕"), "date": -(10**12)})),
    (
        "callback without message",
        _update(
            12,
            callback_query={
                "id": "q",
                "from": {"id": CHAT, "is_bot": False, "first_name": "x"},
                "chat_instance": "c",
                "data": "😀" * 100,
            },
        ),
    ),
    (
        "entities past the text",
        _update(
            13,
            message={
                **message(13, CHAT, text="/start"),
                "entities": [{"type": "bot_command", "offset": 10**6, "length": -5}],
            },
        ),
    ),
    ("unknown update kind", _update(14, poll={"id": "p"})),
]


@pytest.mark.parametrize("body", [case[1] for case in ODD_UPDATES], ids=[c[0] for c in ODD_UPDATES])
def test_an_odd_update_never_gets_a_server_error(webhook: Webhook, body: bytes) -> None:
    response = webhook.post(body)
    assert response.status_code < 500, response.text[:300]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
MESSAGE_FIELDS = ("message_id", "date", "chat", "from", "text", "entities", "caption", "voice")


@given(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(["message", "edited_message", "callback_query", "channel_post"]),
    st.dictionaries(st.sampled_from(MESSAGE_FIELDS), json_values, max_size=5),
    st.booleans(),
)
def test_updates_of_any_shape_never_get_a_server_error(
    webhook: Webhook, update_id: int, kind: str, fields: dict[str, Any], well_formed: bool
) -> None:
    content = {**message(1, CHAT, text="안녕하세요"), **fields} if well_formed else fields
    response = webhook.post(_update(update_id, **{kind: content}))
    assert response.status_code < 500, response.text[:300]
