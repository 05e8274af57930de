"""NPCs go through the translating agent, as the web chat and Telegram do; here without any
translation package (the tiny real package is used in tests/world/test_fintech_room.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.world.conftest import FakeAgent, drain, hello, join, kinds, until


def test_a_japanese_question_without_a_package_gets_english_and_one_line_why(
    client: TestClient, agent: FakeAgent
) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1", language="en")
        join(ws, "tax_square")
        ws.send_json({"type": "talk", "npc": "tax_officer", "text": "自動車税はいつ払いますか？"})
        notice = until(ws, "npc_say")[-1]
        answer = until(ws, "npc_say")[-1]
    assert notice["text"] == (
        "I can't translate into Japanese offline yet, so I'm answering in English."
    )
    assert notice["language"] == "en" and notice["npc"] == "tax_officer"
    assert answer["text"] == "tax_officer answers: 自動車税はいつ払いますか？"
    assert answer["translation"] is None
    [sent] = agent.sent
    assert sent["metadata"]["visitor_language"] == "ja"
    assert sent["metadata"]["machine_translation"] is False
    assert sent["metadata"]["npc"] == "tax_officer"  # the NPC's own metadata is kept


def test_room_chat_without_a_package_shows_the_original_unmarked(client: TestClient) -> None:
    with (
        client.websocket_connect("/ws/world") as korean,
        client.websocket_connect("/ws/world") as english,
        client.websocket_connect("/ws/world") as elsewhere,
    ):
        hello(korean, "minji", language="ko")
        hello(english, "sam", language="en")
        hello(elsewhere, "taxpayer", language="en")
        join(elsewhere, "tax_square")
        join(korean, "fintech_lab")
        join(english, "fintech_lab")
        korean.send_json({"type": "say", "text": "안녕하세요, 반갑습니다."})
        heard = until(english, "room_chat")[-1]
        # Someone in another room hears nothing of it.
        assert "room_chat" not in kinds(drain(elsewhere))
    assert heard["text"] == heard["original"] == "안녕하세요, 반갑습니다."
    assert heard["machine_translation"] is False and heard["translated"] is False
    assert heard["original_language"] == "ko" and heard["player_id"] == "minji"
