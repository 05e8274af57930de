"""Rendering the channel-neutral reply (`agent.reply.ReplyMessage`) as Telegram messages.

Pure functions, no network: text is HTML-escaped and split under Telegram's 4,096-character
limit, cards become a bold title and a source link, buttons become an inline keyboard, audio
becomes a voice or audio message, and the hand-off state is shown as a line of its own.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from agent.reply import Button, Card, Handoff, ReplyMessage
from agent.settings import get_settings
from agent.voice import AUDIO_ROUTE
from bot.telegram.texts import line

# Telegram counts a message's length in UTF-16 code units, after entity parsing.
MAX_MESSAGE_LENGTH = 4096
# callback_data is at most 64 bytes.
MAX_CALLBACK_BYTES = 64
# A button whose payload does not fit in callback_data is sent back by its position; the
# handler reads its title from the pressed message's own keyboard (no state kept here).
BUTTON_BY_INDEX = "haechi:button:"
RETRY = "haechi:retry"
MAX_TITLE_LENGTH = 256
_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class TextPart:
    """One Telegram text message, in HTML, with its keyboard (only on a reply's last part)."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class AudioPart:
    """An audio reply: a voice message for OGG/Opus, an audio file otherwise. A URL under
    the gateway's audio route is one of our own spoken clips, uploaded from the cache."""

    url: str
    voice: bool


Part = TextPart | AudioPart


@dataclass(frozen=True)
class _Piece:
    html: str
    length: int


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Text safe inside Telegram HTML: only <, > and & are special outside attributes."""
    return html.escape(text, quote=False)


def is_web_url(value: str | None) -> bool:
    if not value:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def split_plain(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split text into chunks of at most `limit` units, at a paragraph, line, sentence or space
    in the second half of the window when there is one, else exactly at the limit."""
    chunks: list[str] = []
    rest = text.strip()
    while units(rest) > limit:
        window = _prefix_within(rest, limit)
        cut = _break_point(window)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def _prefix_within(text: str, limit: int) -> str:
    total = 0
    for index, char in enumerate(text):
        total += units(char)
        if total > limit:
            return text[:index]
    return text


def _break_point(window: str) -> int:
    half = len(window) // 2
    for mark in ("\n\n", "\n", ". ", "다. ", "요. ", " "):
        position = window.rfind(mark)
        if position >= half:
            return position + len(mark)
    return len(window)


def compact_payload(payload: str) -> str:
    """`/faq{"entry_id": "x"}` as `/faq{"entry_id":"x"}`: Rasa reads both, Telegram counts bytes."""
    brace = payload.find("{")
    if not payload.startswith("/") or brace < 0 or not payload.endswith("}"):
        return payload
    try:
        entities = json.loads(payload[brace:])
    except ValueError:
        return payload
    return payload[:brace] + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def callback_data_for(button: Button, index: int) -> str:
    """The payload itself when it fits in 64 bytes, else the button's position."""
    payload = compact_payload(button.payload)
    fits = len(payload.encode()) <= MAX_CALLBACK_BYTES
    if fits and not payload.startswith("haechi:"):
        return payload
    return f"{BUTTON_BY_INDEX}{index}"


def keyboard(buttons: list[Button]) -> InlineKeyboardMarkup:
    """Short titles two to a row, long ones (or few buttons) one to a row; URLs open links."""
    keys: list[InlineKeyboardButton] = []
    for index, button in enumerate(buttons):
        if is_web_url(button.payload):
            keys.append(InlineKeyboardButton(button.title, url=button.payload))
        else:
            keys.append(
                InlineKeyboardButton(button.title, callback_data=callback_data_for(button, index))
            )
    per_row = 2 if len(keys) > 2 and all(len(b.title) <= 12 for b in buttons) else 1
    rows = [keys[start : start + per_row] for start in range(0, len(keys), per_row)]
    return InlineKeyboardMarkup(rows)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _card_header(card: Card) -> _Piece:
    title = _clip(card.title.strip(), MAX_TITLE_LENGTH)
    return _Piece(f"<b>{escape(title)}</b>", units(title))


def _card_footer(card: Card, language: str | None) -> list[_Piece]:
    pieces: list[_Piece] = []
    if card.needs_review:
        note = line("card.needs_review", language)
        pieces.append(_Piece(f"<i>{escape(note)}</i>", units(note)))
    label = _clip((card.source or "").strip(), MAX_TITLE_LENGTH)
    source = line("card.source", language)
    if is_web_url(card.url) and card.url is not None and len(card.url) <= 2048:
        shown = label or card.url
        href = html.escape(card.url, quote=True)
        pieces.append(
            _Piece(
                f'{escape(source)}: <a href="{href}">{escape(shown)}</a>',
                units(f"{source}: {shown}"),
            )
        )
    elif label:
        pieces.append(_Piece(escape(f"{source}: {label}"), units(f"{source}: {label}")))
    return pieces


def _handoff_line(handoff: Handoff, language: str | None) -> _Piece:
    text = line(
        f"handoff.{handoff.state}",
        language,
        phone=handoff.phone or get_settings().counsellor_phone,
        position=str(handoff.position or ""),
    )
    return _Piece(f"<i>{escape(text)}</i>", units(text))


def _plain_pieces(text: str, limit: int) -> list[_Piece]:
    return [_Piece(escape(chunk), units(chunk)) for chunk in split_plain(text, limit)]


def _pack(pieces: list[_Piece], limit: int) -> list[str]:
    """Join pieces with blank lines into as few messages as fit under the limit."""
    messages: list[str] = []
    current: list[_Piece] = []
    length = 0
    for piece in pieces:
        extra = piece.length + (units(_SEPARATOR) if current else 0)
        if current and length + extra > limit:
            messages.append(_SEPARATOR.join(p.html for p in current))
            current, length = [], 0
            extra = piece.length
        current.append(piece)
        length += extra
    if current:
        messages.append(_SEPARATOR.join(p.html for p in current))
    return messages


def render(message: ReplyMessage, *, limit: int = MAX_MESSAGE_LENGTH) -> list[Part]:
    """One reply message as the Telegram messages that show it, in order."""
    language = message.language
    pieces: list[_Piece] = []
    if message.card is not None:
        pieces.append(_card_header(message.card))
    if message.text.strip():
        pieces.extend(_plain_pieces(message.text, limit))
    if message.card is not None:
        if message.card.body and message.card.body.strip():
            pieces.extend(_plain_pieces(message.card.body, limit))
        pieces.extend(_card_footer(message.card, language))
    if message.handoff is not None:
        pieces.append(_handoff_line(message.handoff, language))
    if not pieces and message.buttons:
        pieces.append(_Piece(escape(line("choose", language)), units(line("choose", language))))
    texts = _pack(pieces, limit)
    markup = keyboard(message.buttons) if message.buttons else None
    parts: list[Part] = [
        TextPart(html=text, keyboard=markup if index == len(texts) - 1 else None)
        for index, text in enumerate(texts)
    ]
    audio_url = message.audio_url
    if audio_url is not None and (is_web_url(audio_url) or audio_url.startswith(AUDIO_ROUTE)):
        path = urlsplit(audio_url).path.lower()
        parts.append(AudioPart(url=audio_url, voice=path.endswith((".ogg", ".oga", ".opus"))))
    return parts
