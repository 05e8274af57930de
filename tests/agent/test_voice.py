"""Spoken replies: real espeak-ng and Piper processes, decoded back with PyAV."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import pytest

from agent.reply import ReplyMessage
from agent.voice import CLIP_NAME, Voice, VoiceError, add_audio, speakable, wants_voice
from tests.conftest import share_audio_cache

KOREAN = (
    "자동차세는 6월과 12월에 나누어 내시면 됩니다. "
    "자세한 내용은 https://etax.seoul.go.kr 에서 확인하세요."
)
ENGLISH = "Vehicle tax is billed in June and in December."


@pytest.fixture
def voice(tmp_path: Path, pytestconfig: pytest.Config) -> Voice:
    share_audio_cache(tmp_path, pytestconfig)
    return Voice(tmp_path / "audio")


def decoded(path: Path) -> tuple[str, int, float]:
    """Codec, sample rate and duration in seconds, from decoding every frame."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return stream.codec_context.name, stream.codec_context.sample_rate, samples / stream.rate


@pytest.mark.parametrize(
    ("text", "language", "seconds"), [(KOREAN, "ko", (2.0, 20.0)), (ENGLISH, "en", (1.5, 10.0))]
)
def test_a_reply_is_spoken_as_opus_at_48_khz_with_a_wav_copy(
    voice: Voice, text: str, language: str, seconds: tuple[float, float]
) -> None:
    clip = asyncio.run(voice.speak(text, language))
    assert clip is not None
    assert CLIP_NAME.fullmatch(f"{clip.key}.ogg") and clip.url == f"/api/v1/audio/{clip.key}.ogg"
    codec, rate, duration = decoded(voice.folder / f"{clip.key}.ogg")
    assert (codec, rate) == ("opus", 48_000)
    assert seconds[0] < duration < seconds[1], duration
    codec, rate, fallback = decoded(voice.folder / f"{clip.key}.wav")
    assert codec == "pcm_s16le" and rate == 22_050
    assert abs(fallback - duration) < 0.1


def test_the_same_text_is_spoken_once(voice: Voice, tmp_path: Path) -> None:
    first = asyncio.run(voice.speak(ENGLISH, "en"))
    # A voice whose engines are missing still finds the clip it made before.
    cached = Voice(voice.folder, espeak_command="/nonexistent/espeak-ng", python="/nonexistent")
    assert asyncio.run(cached.speak(ENGLISH, "en")) == first
    with pytest.raises(VoiceError, match="not installed"):
        asyncio.run(cached.speak("처음 듣는 문장입니다.", "ko"))


def test_a_prepared_clip_is_ready_when_fetched(tmp_path: Path) -> None:
    async def prepare_then_fetch() -> tuple[bool, Path | None, Path | None]:
        voice = Voice(tmp_path / "audio")
        clip = voice.prepare("지금 만드는 음성입니다.", "ko")
        assert clip is not None
        pending = voice.find(f"{clip.key}.ogg") is None
        return pending, await voice.ready(f"{clip.key}.ogg"), await voice.ready("../x.ogg")

    pending, path, outside = asyncio.run(prepare_then_fetch())
    assert pending and path is not None and path.stat().st_size > 0
    assert outside is None


def test_clip_names_are_keyed_so_a_guessed_text_gives_no_name(tmp_path: Path) -> None:
    one, other = Voice(tmp_path / "one"), Voice(tmp_path / "two")
    assert one.key_for(ENGLISH, "en") != other.key_for(ENGLISH, "en")
    assert one.key_for(ENGLISH, "en") == Voice(tmp_path / "one").key_for(ENGLISH, "en")
    assert (tmp_path / "one" / ".voice-key").stat().st_mode & 0o077 == 0


def test_only_names_the_voice_made_are_found(voice: Voice) -> None:
    clip = asyncio.run(voice.speak(ENGLISH, "en"))
    assert clip is not None
    assert voice.find(f"{clip.key}.wav") is not None
    for name in ("../audio/x.ogg", ".voice-key", f"{clip.key.upper()}.ogg", f"{clip.key}.mp3"):
        assert voice.find(name) is None
    assert voice.find("0" * 32 + ".ogg") is None


def test_speech_leaves_out_links_and_symbols_and_ends_on_a_sentence() -> None:
    assert speakable("• 출처: https://etax.seoul.go.kr ※ 확인", max_chars=100) == "출처: 확인"
    long = "첫 문장입니다. 두 번째 문장입니다. 세 번째 문장은 아주 깁니다."
    assert speakable(long, max_chars=20) == "첫 문장입니다. 두 번째 문장입니다."


def test_voice_follows_the_toggle_then_easy_mode_then_the_default() -> None:
    easy_reply = [ReplyMessage(text="네", easy_mode=True)]
    assert wants_voice({"easy_mode": True}, default=False)
    assert wants_voice({}, easy_reply, default=False)
    assert not wants_voice({"voice": False, "easy_mode": True}, easy_reply, default=True)
    assert wants_voice({"voice": True}, default=False)
    assert not wants_voice(None, default=False) and wants_voice(None, default=True)


def test_a_failed_engine_costs_the_audio_not_the_reply(tmp_path: Path) -> None:
    broken = Voice(tmp_path / "audio", espeak_command="/nonexistent/espeak-ng")
    messages = [
        ReplyMessage(text="안녕하세요.", language="ko"),
        ReplyMessage(text="", buttons=None, language="ko"),
        ReplyMessage(text="Bonjour", language="fr"),
    ]
    assert asyncio.run(add_audio(broken, messages, language="ko")) == messages
