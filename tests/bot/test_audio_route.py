"""Spoken replies through the gateway: the chat reply carries audio_url and GET serves the clip."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from fastapi.testclient import TestClient

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings
from tests.conftest import share_audio_cache
from tests.stack import free_port

REPLIES = {
    "안녕하세요": {"text": "안녕하세요. 해치예요. 무엇을 도와드릴까요?", "language": "ko"},
    "hello": {"text": "Hello, I'm Haechi. How can I help?", "language": "en"},
    "쉽게 말해줘": {"text": "쉬운 말로 안내할게요.", "language": "ko", "easy_mode": True},
}


@pytest.fixture
def client(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pytestconfig: pytest.Config
) -> Iterator[TestClient]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAECHI_ACTION_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("HAECHI_VOICE_REPLIES", raising=False)
    share_audio_cache(tmp_path, pytestconfig)
    (tmp_path / "haechi.db").write_bytes(b"not for outsiders")
    get_settings.cache_clear()

    def rasa(request: httpx.Request) -> httpx.Response:
        said = REPLIES[json.loads(request.content)["message"]]
        return httpx.Response(200, json=[{"recipient_id": "web:x", "custom": said}])

    transport = httpx.MockTransport(rasa)
    app = create_app(rasa=RasaClient("http://rasa.test", timeout_seconds=5, transport=transport))
    with TestClient(app) as test_client:
        yield test_client
    get_settings.cache_clear()


def chat(client: TestClient, text: str, **metadata: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"session_id": "voice-test", "text": text}
    if metadata:
        body["metadata"] = metadata
    response = client.post("/api/v1/chat", json=body)
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()["messages"][0]
    return message


def decoded(data: bytes) -> tuple[str, int, float]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return stream.codec_context.name, stream.codec_context.sample_rate, samples / stream.rate


@pytest.mark.parametrize(("text", "seconds"), [("안녕하세요", (1.5, 12.0)), ("hello", (1.0, 8.0))])
def test_easy_mode_replies_carry_a_served_opus_clip_and_a_wav_fallback(
    client: TestClient, text: str, seconds: tuple[float, float]
) -> None:
    message = chat(client, text, easy_mode=True)
    url = message["audio_url"]
    assert url.startswith("/api/v1/audio/") and url.endswith(".ogg")

    served = client.get(url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "audio/ogg"
    codec, rate, duration = decoded(served.content)
    assert (codec, rate) == ("opus", 48_000)
    assert seconds[0] < duration < seconds[1], duration

    fallback = client.get(url.removesuffix(".ogg") + ".wav")
    assert fallback.status_code == 200 and fallback.headers["content-type"] == "audio/wav"
    assert decoded(fallback.content)[0] == "pcm_s16le"


def test_voice_is_off_by_default_on_by_toggle_and_in_easy_replies(client: TestClient) -> None:
    assert "audio_url" not in chat(client, "안녕하세요")
    assert "audio_url" in chat(client, "안녕하세요", voice=True)
    assert "audio_url" not in chat(client, "안녕하세요", easy_mode=True, voice=False)
    # "쉽게 말해줘" switches easy mode inside the conversation: that reply is spoken too.
    assert "audio_url" in chat(client, "쉽게 말해줘")


def test_the_setting_turns_voice_on_for_every_conversation(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAECHI_VOICE_REPLIES", "true")
    get_settings.cache_clear()
    assert "audio_url" in chat(client, "hello")


@pytest.mark.parametrize(
    "name",
    [
        "..%2Fhaechi.db",
        "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        ".voice-key",
        "0123456789abcdef0123456789abcdef.ogg",
        "0123456789ABCDEF0123456789ABCDEF.ogg",
        "0123456789abcdef0123456789abcdef.mp3",
        "haechi.db",
    ],
)
def test_an_outsider_gets_nothing_but_clips_the_server_made(client: TestClient, name: str) -> None:
    response = client.get(f"/api/v1/audio/{name}")
    assert response.status_code == 404
    assert b"outsiders" not in response.content and response.headers["content-type"].startswith(
        "application/json"
    )
