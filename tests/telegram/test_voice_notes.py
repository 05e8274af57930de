"""Spoken replies on Telegram: an easy-mode reply goes out as an uploaded OGG/Opus voice note."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest

from tests.conftest import share_audio_cache
from tests.telegram.conftest import RunBot
from tests.telegram.fake_agent import FakeAgent
from tests.telegram.fake_bot_api import FakeBotApi, Upload
from tests.telegram.test_polling import push_text, sent_to


@pytest.fixture(autouse=True)
def _audio_cache(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    share_audio_cache(tmp_path, pytestconfig)


def test_easy_mode_reply_is_uploaded_as_an_opus_voice_note(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    def steps() -> None:
        push_text(bot_api, 1, "쉽게 말해줘")
        bot_api.wait_for(lambda: len(bot_api.calls_of("sendVoice")) == 1)

    run_bot(steps)
    [call] = bot_api.calls_of("sendVoice")
    upload = call.params["voice"]
    assert isinstance(upload, Upload) and upload.filename.endswith(".ogg")
    with av.open(io.BytesIO(upload.data)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        assert (stream.codec_context.name, stream.codec_context.sample_rate) == ("opus", 48_000)
        assert 1.0 < samples / 48_000 < 15.0
    assert sent_to(bot_api)[0].params["text"] == "쉬운 말로 안내할게요. 무엇이 궁금하세요?"


def test_voice_command_turns_voice_notes_off_and_on(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    def steps() -> None:
        push_text(bot_api, 1, "쉽게 말해줘")
        bot_api.wait_for(lambda: len(bot_api.calls_of("sendVoice")) == 1)
        push_text(bot_api, 2, "/voice")
        push_text(bot_api, 3, "쉽게 말해줘")
        bot_api.wait_for(lambda: len(sent_to(bot_api)) == 3)
        push_text(bot_api, 4, "/voice")
        push_text(bot_api, 5, "안녕")
        bot_api.wait_for(lambda: len(bot_api.calls_of("sendVoice")) == 2)

    run_bot(steps)
    texts = [call.params["text"] for call in sent_to(bot_api)]
    # Easy mode spoke the first reply, so /voice turns voice off; the second /voice turns it on
    # for every reply, easy or not.
    assert texts[1].startswith("음성 메시지를 보내지 않을게요")
    assert texts[3].startswith("이제부터 답변을 음성 메시지로도")
    assert len(bot_api.calls_of("sendVoice")) == 2
    assert agent.texts == ["쉽게 말해줘", "쉽게 말해줘", "안녕"]
