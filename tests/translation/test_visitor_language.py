"""The channel's idea of the visitor's language (Telegram's language_code) until the text shows
one, and the agent's own lines in easy mode."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from agent.rasa_client import RasaClient
from agent.translation import TranslatingAgent
from agent.translation_texts import TRANSLATION_LINES
from knowledge.translation.translator import Translator
from tests.translation.test_translating_agent import StandInRasa, agent_over


@pytest.mark.anyio
async def test_a_japanese_app_is_answered_as_japanese_until_the_text_says_otherwise(
    tmp_path: Path,
) -> None:
    agent, rasa = agent_over(tmp_path)
    greeted = await agent.converse(
        channel="telegram", session_id="1", text="/greet", visitor_language="ja-JP"
    )
    assert greeted.messages[0].text.startswith("I can't translate into Japanese offline yet")
    assert rasa.requests[-1]["metadata"]["visitor_language"] == "ja"
    # The visitor writes Korean: the text wins over the app's setting, and stays.
    korean = await agent.converse(
        channel="telegram", session_id="1", text="경복궁 입장료 얼마예요?", visitor_language="ja"
    )
    assert korean.language == "ko" and len(korean.messages) == 1
    pressed = await agent.converse(
        channel="telegram", session_id="1", text="/landmark_info", visitor_language="ja"
    )
    assert "visitor_language" not in rasa.requests[-1]["metadata"]
    assert pressed.messages[0].translation is None
    # A hint the agent does not know is no language at all.
    unknown = await agent.converse(
        channel="telegram", session_id="2", text="/greet", visitor_language="x-klingon"
    )
    assert len(unknown.messages) == 1


class EasyRasa(StandInRasa):
    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = super().__call__(request)
        replies = json.loads(response.content)
        for reply in replies:
            reply["custom"]["easy_mode"] = True
        return httpx.Response(200, json=replies)


@pytest.mark.anyio
async def test_in_easy_mode_the_notice_is_the_easy_line(tmp_path: Path) -> None:
    rasa = EasyRasa()
    client = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(rasa))
    agent = TranslatingAgent(client, Translator(tmp_path))
    reply = await agent.converse(channel="web", session_id="s", text="日本語でお願いします")
    easy = TRANSLATION_LINES["translation.no_package.easy"]["en"].format(name="Japanese")
    assert reply.messages[0].text == easy
    assert reply.messages[0].easy_mode is True
