"""A Japanese visitor on Telegram: the real Application by long polling against the fake Bot
API, through the same translating agent as the web chat; without a package (English and one
line why) and with the tiny real package (answered in Japanese, marked, original one tap away).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.translation import SHOW_ORIGINAL
from knowledge.translation.packages import install
from tests.telegram.conftest import RunBot
from tests.telegram.fake_agent import FakeAgent, _say
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.test_polling import CHAT, keyboard_of, press, push_text, wait_for_messages

QUESTION = "景福宮の入場料はいくらですか。"
ADMISSION = {
    "en": "Admission to Gyeongbokgung is 3,000 won for adults.",
    "ko": "경복궁 입장료는 성인 3,000원입니다.",
}
NO_PACKAGE = "I can't translate into Japanese offline yet, so I'm answering in English."


class LandmarkAgent(FakeAgent):
    """Answers a visitor's landmark question in the language the gateway asked for."""

    def reply(self, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        if text.startswith("/") or not metadata.get("visitor_language"):
            return super().reply(text, metadata)
        language = metadata.get("language") or "ko"
        directions = "Directions" if language == "en" else "가는 길"
        return [_say(ADMISSION[language], language, buttons=[(directions, "/landmark_info")])]


@pytest.fixture
def agent() -> FakeAgent:
    return LandmarkAgent()


def test_japanese_without_a_package_gets_english_and_one_line_why(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    def steps() -> None:
        # A Telegram app set to Japanese: even /start says why the answer is in English.
        push_text(bot_api, 1, "/start", language_code="ja")
        notice, greeting = wait_for_messages(bot_api, 2)
        assert notice.params["text"] == NO_PACKAGE
        assert greeting.params["text"].startswith("Hello, I'm Haechi")

        push_text(bot_api, 2, QUESTION, language_code="ja")
        sent = wait_for_messages(bot_api, 4)
        assert [call.params["text"] for call in sent[2:]] == [NO_PACKAGE, ADMISSION["en"]]

    run_bot(steps)
    greet, question = agent.requests
    assert greet["message"] == "/greet"
    assert greet["metadata"]["visitor_language"] == "ja"
    assert greet["metadata"]["language"] == "en"
    assert question["sender"] == f"telegram:{CHAT}"
    assert question["message"] == QUESTION  # the action still learns what was asked
    assert question["metadata"]["machine_translation"] is False


def test_japanese_with_a_package_is_answered_marked_with_the_original_a_tap_away(
    run_bot: RunBot,
    bot_api: FakeBotApi,
    agent: FakeAgent,
    tiny_packages: dict[str, Path],
    tmp_path: Path,
) -> None:
    for pair in ("ja_en", "en_ja"):
        install(tiny_packages[pair], tmp_path)  # HAECHI_DATA_DIR of this test's bot

    def steps() -> None:
        push_text(bot_api, 1, QUESTION, language_code="ja")
        [answer] = wait_for_messages(bot_api, 1)
        assert answer.params["text"].endswith("[機械翻訳 · Machine translation]")
        keys = [key for row in keyboard_of(answer) for key in row]
        assert keys[0]["callback_data"] == "/landmark_info"  # payloads are never translated
        assert keys[-1] == {"text": "Show original (English)", "callback_data": SHOW_ORIGINAL}

        press(bot_api, answer, SHOW_ORIGINAL, language_code="ja")
        original = wait_for_messages(bot_api, 2)[1]
        assert original.params["text"] == ADMISSION["en"]

    run_bot(steps)
    [question] = agent.requests  # the original came from memory, not from the agent again
    assert question["message"] != QUESTION  # translated into English before NLU
    assert question["metadata"]["machine_translation"] is True
    assert question["metadata"]["language"] == "en"
