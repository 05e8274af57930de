"""The agent for visitors in any language: Korean and English as before, Japanese with and
without a translation package, a switch of language mid-conversation, the original one tap
away. Rasa is a stand-in on an httpx transport that records what the agent was asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.language import choose_language
from agent.rasa_client import RasaClient
from agent.translation import SHOW_ORIGINAL, TranslatingAgent
from knowledge.translation.packages import install
from knowledge.translation.translator import Translator


class StandInRasa:
    """Answers in the language the gateway asked for, and keeps every request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        # As the actions do: the text's own language first, then the gateway's hint.
        language = choose_language(
            requested=body["metadata"].get("language"), text=body["message"], current=None
        )
        text = "경복궁 입장료는 3,000원입니다." if language == "ko" else "Admission is 3,000 won."
        reply = {
            "text": text,
            "language": language,
            "buttons": [
                {
                    "title": "가는 길" if language == "ko" else "Directions",
                    "payload": "/landmark_info",
                }
            ],
        }
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": reply}])


def agent_over(data_dir: Path) -> tuple[TranslatingAgent, StandInRasa]:
    rasa = StandInRasa()
    client = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(rasa))
    return TranslatingAgent(client, Translator(data_dir)), rasa


async def say(agent: TranslatingAgent, text: str, session: str = "s1") -> Any:
    return await agent.converse(channel="web", session_id=session, text=text, language="ko")


@pytest.mark.anyio
async def test_korean_and_english_pass_through_untouched(tmp_path: Path) -> None:
    agent, rasa = agent_over(tmp_path)
    reply = await say(agent, "경복궁 입장료 얼마예요?")
    assert reply.language == "ko" and reply.messages[0].translation is None
    assert rasa.requests[-1]["message"] == "경복궁 입장료 얼마예요?"
    assert "visitor_language" not in rasa.requests[-1]["metadata"]
    reply = await say(agent, "How much is the ticket for Gyeongbokgung?")
    assert reply.messages[0].translation is None


@pytest.mark.anyio
async def test_japanese_without_a_package_gets_english_and_one_line_why(tmp_path: Path) -> None:
    agent, rasa = agent_over(tmp_path)
    reply = await say(agent, "日本語でお願いします")
    notice, answer = reply.messages
    assert notice.text == (
        "I can't translate into Japanese offline yet, so I'm answering in English."
    )
    assert answer.text == "Admission is 3,000 won." and answer.translation is None
    sent = rasa.requests[-1]
    assert sent["message"] == "日本語でお願いします"  # the action learns the language asked for
    assert sent["metadata"]["visitor_language"] == "ja"
    assert sent["metadata"]["machine_translation"] is False
    assert sent["metadata"]["language"] == "en"


@pytest.mark.anyio
async def test_chinese_without_a_package_too(tmp_path: Path) -> None:
    agent, rasa = agent_over(tmp_path)
    reply = await say(agent, "中文可以吗")
    assert "Chinese" in reply.messages[0].text
    assert rasa.requests[-1]["metadata"]["visitor_language"] == "zh"


@pytest.mark.anyio
async def test_japanese_with_packages_is_understood_and_answered_marked(
    tiny_packages: dict[str, Path], tmp_path: Path
) -> None:
    install(tiny_packages["ja_en"], tmp_path)
    install(tiny_packages["en_ja"], tmp_path)
    agent, rasa = agent_over(tmp_path)
    reply = await say(agent, "景福宮の入場料はいくらですか。")
    sent = rasa.requests[-1]
    assert sent["message"] != "景福宮の入場料はいくらですか。"  # translated before NLU
    assert sent["metadata"]["machine_translation"] is True
    assert sent["metadata"]["language"] == "en"
    [message] = reply.messages
    assert reply.language == "ja" and message.language == "ja"
    assert message.translation is not None
    assert message.translation.original_text == "Admission is 3,000 won."
    assert message.translation.source_language == "en"
    assert message.text.endswith("[機械翻訳 · Machine translation]")
    assert message.buttons is not None
    assert message.buttons[-1].payload == SHOW_ORIGINAL
    assert message.buttons[0].payload == "/landmark_info"  # payloads are never translated

    shown = await say(agent, SHOW_ORIGINAL)
    assert [m.text for m in shown.messages] == ["Admission is 3,000 won."]
    assert len(rasa.requests) == 1  # the original came from memory, not from Rasa again


@pytest.mark.anyio
async def test_switching_language_mid_conversation(
    tiny_packages: dict[str, Path], tmp_path: Path
) -> None:
    install(tiny_packages["ja_en"], tmp_path)
    install(tiny_packages["en_ja"], tmp_path)
    agent, rasa = agent_over(tmp_path)
    first = await say(agent, "오늘 덕수궁 열어요?")
    assert first.language == "ko"
    second = await say(agent, "徳寿宮は今日開いていますか？")
    assert second.language == "ja" and second.messages[0].translation is not None
    # A button press shows no language: the conversation stays in Japanese.
    third = await say(agent, "/landmark_info")
    assert third.language == "ja"
    assert rasa.requests[-1]["message"] == "/landmark_info"
    fourth = await say(agent, "Is Deoksugung open today?")
    assert fourth.language == "en" and fourth.messages[0].translation is None
    fifth = await say(agent, "다시 한국어로 물어볼게요")
    assert fifth.language == "ko" and fifth.messages[0].text.startswith("경복궁")


@pytest.mark.anyio
async def test_sessions_do_not_share_languages_or_originals(
    tiny_packages: dict[str, Path], tmp_path: Path
) -> None:
    install(tiny_packages["ja_en"], tmp_path)
    install(tiny_packages["en_ja"], tmp_path)
    agent, _ = agent_over(tmp_path)
    await say(agent, "景福宮の入場料はいくらですか。", session="visitor")
    other = await say(agent, SHOW_ORIGINAL, session="someone-else")
    assert other.messages[0].text == "원문을 보여 드릴 번역된 답변이 아직 없습니다." or (
        other.messages[0].text == "There is no translated answer to show the original of yet."
    )
