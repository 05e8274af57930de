"""Shapes of the counsellor API (a contract: the console and outside checks use it)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from civic.counsel.queue import MAX_NOTE_CHARS, MAX_TEXT_CHARS


class QueueItem(BaseModel):
    conversation_id: str
    channel: str
    waiting_since: datetime
    preview: str | None
    state: str = Field(description="waiting, or message (left outside counselling hours)")
    language: str
    position: int | None = None


class Accepted(BaseModel):
    conversation_id: str
    state: str
    counsellor: str | None


class CounsellorText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


class Sent(BaseModel):
    id: int
    at: datetime


class TranscriptLine(BaseModel):
    id: int
    author: str
    text: str
    at: datetime


class Transcript(BaseModel):
    conversation_id: str
    channel: str
    state: str
    language: str
    counsellor: str | None
    preview: str | None
    requested_at: datetime
    messages: list[TranscriptLine]


class CloseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=40)
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class Closed(BaseModel):
    conversation_id: str
    state: str
    category: str | None


class QuickReply(BaseModel):
    id: int
    external_id: str
    question: str
    answer: str
    source_url: str | None


class Stats(BaseModel):
    handoffs: int
    handled: int
    left: int
    waiting_now: int
    average_wait_s: float | None
    average_handling_s: float | None
    categories: dict[str, int]
    satisfaction: dict[int, int]
    average_satisfaction: float | None
