"""A Telegram chat handed to a counsellor and back: the webhook in the gateway, the fake Bot
API on 127.0.0.1; counsellor messages reach the chat as the bot's own messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.counsel.conftest import CounselApp, open_counsel_app
from tests.telegram.fake_bot_api import FakeBotApi, callback_query, message

TOKEN = "123456:TEST-counsel-token"
SECRET = "counsel-webhook-Secret_1"
CHAT = 880088
KIM = "kim@seoul.go.kr"


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def telegram_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pytestconfig: pytest.Config,
    counsel_template: tuple[Path, dict[str, str]],
    bot_api: FakeBotApi,
) -> Iterator[CounselApp]:
    yield from open_counsel_app(
        monkeypatch,
        tmp_path,
        pytestconfig,
        counsel_template,
        HAECHI_TELEGRAM_TOKEN=TOKEN,
        HAECHI_TELEGRAM_BASE_URL=bot_api.base_url,
        HAECHI_TELEGRAM_MODE="webhook",
        HAECHI_TELEGRAM_WEBHOOK_SECRET=SECRET,
        HAECHI_TELEGRAM_WEBHOOK_URL="https://haechi.seoul.example/telegram/webhook",
    )


def tell(app: CounselApp, update_id: int, text: str) -> None:
    update = {"update_id": update_id, "message": message(update_id, CHAT, text=text)}
    response = app.client.post(
        "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 200


def test_a_telegram_chat_talks_with_a_counsellor_and_returns_to_the_agent(
    telegram_app: CounselApp, bot_api: FakeBotApi
) -> None:
    app = telegram_app
    tell(app, 1, "자동차세 언제 내요?")
    tell(app, 2, "상담사 연결해 주세요")
    queued = bot_api.sent_texts(CHAT)[-1]
    assert "대기 순서는 1번째" in queued and "⏳ 상담사 연결 대기 1번째" in queued
    conversation = f"telegram:{CHAT}"
    [item] = app.client.get("/api/v1/counsel/queue", headers=app.bearer(KIM)).json()
    assert item["conversation_id"] == conversation and item["channel"] == "telegram"
    accept = app.client.post(f"/api/v1/counsel/{conversation}/accept", headers=app.bearer(KIM))
    assert accept.status_code == 200
    assert "kim 상담사가 연결되었습니다" in bot_api.sent_texts(CHAT)[-1]

    # Held: the agent is not asked; the counsellor reads it in the transcript.
    asked = len(app.rasa.sent)
    tell(app, 3, "연납 신청은 어디서 해요?")
    assert len(app.rasa.sent) == asked
    transcript = app.client.get(
        f"/api/v1/counsel/{conversation}/transcript", headers=app.bearer(KIM)
    ).json()
    assert transcript["messages"][-1]["text"] == "연납 신청은 어디서 해요?"

    app.client.post(f"/api/v1/counsel/{conversation}/typing", headers=app.bearer(KIM))
    assert bot_api.calls_of("sendChatAction")[-1].params["chat_id"] == str(CHAT)
    app.client.post(
        f"/api/v1/counsel/{conversation}/messages",
        json={"text": "위택스에서 1월에 신청하시면 됩니다."},
        headers=app.bearer(KIM),
    )
    assert bot_api.sent_texts(CHAT)[-1] == "👤 kim: 위택스에서 1월에 신청하시면 됩니다."

    app.client.post(
        f"/api/v1/counsel/{conversation}/close", json={"category": "tax"}, headers=app.bearer(KIM)
    )
    [goodbye] = [c for c in bot_api.calls_of("sendMessage") if "만족" in str(c.params["text"])]
    keyboard = goodbye.params["reply_markup"]["inline_keyboard"]
    assert keyboard[0][0]["text"] == "😊 만족해요"
    sent = bot_api.messages[(CHAT, goodbye.message_id)]
    press = callback_query("q1", sent, keyboard[0][0]["callback_data"])
    app.client.post(
        "/telegram/webhook",
        json={"update_id": 4, "callback_query": press},
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    assert "소중한 의견 감사합니다" in bot_api.sent_texts(CHAT)[-1]
    tell(app, 5, "자동차세 언제 내요?")
    assert bot_api.sent_texts(CHAT)[-1].startswith("자동차세는 6월과 12월")
    stats = app.client.get("/api/v1/counsel/stats", headers=app.bearer(KIM)).json()
    assert stats["satisfaction"] == {"5": 1}
