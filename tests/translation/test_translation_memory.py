"""Translation memory across gateway replicas: two translating agents (as two replicas or the
gateway and the Telegram worker) on one real Redis see the same visitor the same way; without
Redis each process keeps its own; an unreachable Redis costs the memory, never the reply."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from agent.rasa_client import RasaClient
from agent.translation import SHOW_ORIGINAL, TranslatingAgent
from agent.translation_memory import (
    LocalTranslationMemory,
    RedisTranslationMemory,
    TranslationMemory,
)
from knowledge.translation.packages import install
from knowledge.translation.translator import Translator
from tests.stack import free_port
from tests.translation.test_translating_agent import StandInRasa


def replica(data_dir: Path, memory: TranslationMemory) -> tuple[TranslatingAgent, StandInRasa]:
    rasa = StandInRasa()
    client = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(rasa))
    return TranslatingAgent(client, Translator(data_dir), memory), rasa


@pytest.mark.anyio
async def test_replicas_on_one_redis_share_the_visitor_and_the_originals(
    tiny_packages: dict[str, Path], tmp_path: Path, redis_url: str
) -> None:
    for pair in ("ja_en", "en_ja"):
        install(tiny_packages[pair], tmp_path)
    prefix = f"test:{uuid.uuid4().hex}:"
    first, first_rasa = replica(tmp_path, RedisTranslationMemory(redis_url, prefix=prefix))
    second, second_rasa = replica(tmp_path, RedisTranslationMemory(redis_url, prefix=prefix))
    try:
        asked = await first.converse(
            channel="web", session_id="visitor", text="景福宮の入場料はいくらですか。"
        )
        assert asked.language == "ja" and asked.messages[0].translation is not None
        # The next message lands on the other replica: the original is there...
        shown = await second.converse(channel="web", session_id="visitor", text=SHOW_ORIGINAL)
        assert [m.text for m in shown.messages] == ["Admission is 3,000 won."]
        assert second_rasa.requests == []
        # ...and so is the visitor's language: a button press is answered in Japanese.
        pressed = await second.converse(channel="web", session_id="visitor", text="/landmark_info")
        assert pressed.language == "ja" and pressed.messages[0].translation is not None
        assert second_rasa.requests[-1]["metadata"]["visitor_language"] == "ja"
        # Another channel's conversation with the same id is another visitor.
        other = await second.converse(channel="telegram", session_id="visitor", text="/greet")
        assert other.messages[0].translation is None
    finally:
        await first.close()
        await second.close()
    assert len(first_rasa.requests) == 1


@pytest.mark.anyio
async def test_without_redis_each_process_keeps_its_own(
    tiny_packages: dict[str, Path], tmp_path: Path
) -> None:
    for pair in ("ja_en", "en_ja"):
        install(tiny_packages[pair], tmp_path)
    first, _ = replica(tmp_path, LocalTranslationMemory())
    second, _ = replica(tmp_path, LocalTranslationMemory())
    await first.converse(channel="web", session_id="v", text="景福宮の入場料はいくらですか。")
    shown = await second.converse(channel="web", session_id="v", text=SHOW_ORIGINAL)
    assert shown.messages[0].text == "There is no translated answer to show the original of yet."


@pytest.mark.anyio
async def test_an_unreachable_redis_costs_the_memory_not_the_reply(tmp_path: Path) -> None:
    memory = RedisTranslationMemory(f"redis://127.0.0.1:{free_port()}/0")
    agent, rasa = replica(tmp_path, memory)
    try:
        reply = await agent.converse(channel="web", session_id="v", text="日本語でお願いします")
    finally:
        await agent.close()
    assert reply.messages[0].text == (
        "I can't translate into Japanese offline yet, so I'm answering in English."
    )
    assert rasa.requests[-1]["metadata"]["visitor_language"] == "ja"
