"""Easy mode switched on and off in conversation, with spoken replies, through the real stack."""

from __future__ import annotations

import io

import av
import httpx
import pytest

from tests.e2e.test_conversations import all_text, new_session, say
from tests.stack import RunningStack

pytestmark = pytest.mark.e2e


def test_easy_mode_on_and_off_in_conversation_with_voice(stack: RunningStack) -> None:
    session = new_session()
    full = say(stack, session, "뭐 할 수 있어요?")
    assert "audio_url" not in full["messages"][0]
    assert len(full["messages"][0]["buttons"]) == 6

    on = say(stack, session, "쉽게 말해줘")
    [message] = on["messages"]
    assert message["easy_mode"] is True
    assert [b["payload"] for b in message["buttons"]] == [
        "/tax_question",
        "/request_document",
        "/human_handoff",
    ]
    clip = httpx.get(stack.gateway_url + message["audio_url"], timeout=30)
    assert clip.status_code == 200 and clip.headers["content-type"] == "audio/ogg"
    with av.open(io.BytesIO(clip.content)) as container:
        stream = container.streams.audio[0]
        assert (stream.codec_context.name, stream.codec_context.sample_rate) == ("opus", 48_000)

    # The slot keeps easy mode for the next question, without any channel setting.
    easy = say(stack, session, "뭐 할 수 있어요?")
    assert all_text(easy).startswith("이런 일을 도와드려요.")
    assert easy["messages"][0]["audio_url"].endswith(".ogg")

    off = say(stack, session, "원래대로 말해줘")
    assert off["messages"][0]["easy_mode"] is False
    again = say(stack, session, "뭐 할 수 있어요?")
    assert all_text(again) == all_text(full)
    assert "audio_url" not in again["messages"][0]


def test_english_easy_mode_from_the_channel_speaks_english(stack: RunningStack) -> None:
    reply = say(stack, new_session(), "What can you do?", metadata={"easy_mode": True})
    assert reply["language"] == "en"
    assert all_text(reply).startswith("I can help with:")
    clip = httpx.get(stack.gateway_url + reply["messages"][0]["audio_url"], timeout=30)
    with av.open(io.BytesIO(clip.content)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
    assert stream.codec_context.name == "opus" and 1.0 < samples / 48_000 < 30.0
