"""The webhook in the gateway: POST /telegram/webhook with Telegram's secret header."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.settings import get_settings
from tests.telegram.conftest import rasa_client
from tests.telegram.fake_agent import FakeAgent
from tests.telegram.fake_bot_api import FakeBotApi, message

SECRET = "s3cret-Token_for-haechi"
PUBLIC_URL = "https://haechi.seoul.example/telegram/webhook"
CHAT = 515151


@pytest.fixture
def webhook_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAECHI_TELEGRAM_MODE", "webhook")
    monkeypatch.setenv("HAECHI_TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("HAECHI_TELEGRAM_WEBHOOK_URL", PUBLIC_URL)
    get_settings.cache_clear()


@pytest.fixture
def gateway(webhook_mode: None, agent: FakeAgent) -> Iterator[TestClient]:
    with TestClient(create_app(rasa=rasa_client(agent))) as client:
        yield client


def text_update(update_id: int, message_id: int, text: str) -> dict[str, object]:
    return {"update_id": update_id, "message": message(message_id, CHAT, text=text)}


def test_the_gateway_registers_the_webhook_with_its_secret(
    gateway: TestClient, bot_api: FakeBotApi
) -> None:
    [registered] = bot_api.calls_of("setWebhook")
    assert registered.params["url"] == PUBLIC_URL
    assert registered.params["secret_token"] == SECRET
    assert registered.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert bot_api.calls_of("getMe") and bot_api.calls_of("setMyCommands")


def test_a_wrong_or_missing_secret_is_rejected(
    gateway: TestClient, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    update = text_update(1, 1, "자동차세 언제 내요?")
    wrong = gateway.post(
        "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
    )
    missing = gateway.post("/telegram/webhook", json=update)
    assert wrong.status_code == 403
    assert missing.status_code == 403
    assert agent.requests == []
    assert bot_api.calls_of("sendMessage") == []


def test_the_right_secret_is_processed_once_per_update(
    gateway: TestClient, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    update = text_update(10, 1, "자동차세 언제 내요?")
    first = gateway.post("/telegram/webhook", json=update, headers=headers)
    again = gateway.post("/telegram/webhook", json=update, headers=headers)  # Telegram retried
    assert (first.status_code, again.status_code) == (200, 200)
    assert agent.requests == [
        {
            "sender": f"telegram:{CHAT}",
            "message": "자동차세 언제 내요?",
            "metadata": {"channel": "telegram"},
        }
    ]
    [answer] = bot_api.calls_of("sendMessage")
    assert answer.params["chat_id"] == str(CHAT)
    assert answer.params["text"].startswith("<b>자동차세는 언제 내나요?</b>")


def test_bad_bodies_get_a_4xx_not_a_500(gateway: TestClient) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"}
    assert gateway.post("/telegram/webhook", content=b"{nope", headers=headers).status_code == 400
    assert gateway.post("/telegram/webhook", json=[1, 2], headers=headers).status_code == 400
    no_id = {"message": {"text": "hi"}}
    assert gateway.post("/telegram/webhook", json=no_id, headers=headers).status_code == 400


def test_without_a_token_the_gateway_runs_as_before(
    monkeypatch: pytest.MonkeyPatch, agent: FakeAgent, bot_api: FakeBotApi
) -> None:
    monkeypatch.delenv("HAECHI_TELEGRAM_TOKEN")
    get_settings.cache_clear()
    with TestClient(create_app(rasa=rasa_client(agent))) as client:
        webhook = client.post("/telegram/webhook", json=text_update(1, 1, "안녕하세요"))
        chat = client.post("/api/v1/chat", json={"session_id": "a", "text": "자동차세 언제 내요?"})
    assert webhook.status_code == 404
    assert chat.status_code == 200
    assert bot_api.calls == []


def test_webhook_mode_without_a_valid_secret_stays_off(
    monkeypatch: pytest.MonkeyPatch, agent: FakeAgent, bot_api: FakeBotApi
) -> None:
    monkeypatch.setenv("HAECHI_TELEGRAM_MODE", "webhook")
    monkeypatch.setenv("HAECHI_TELEGRAM_WEBHOOK_SECRET", "has spaces and !")
    get_settings.cache_clear()
    with TestClient(create_app(rasa=rasa_client(agent))) as client:
        response = client.post(
            "/telegram/webhook",
            json=text_update(1, 1, "안녕하세요"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "has spaces and !"},
        )
    assert response.status_code == 404
    assert bot_api.calls == []
