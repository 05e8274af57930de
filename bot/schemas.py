"""Request and response shapes of the gateway API (contracts outside tools rely on)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.reply import ReplyMessage


class ChatRequest(BaseModel):
    """A web chat message. The server builds the sender (`web:<session_id>`): this route can
    never address a Telegram or 3D-world conversation, and a session id cannot contain `:`."""

    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._@-]+$")
    text: str = Field(min_length=1)
    channel: Literal["web"] = Field(
        default="web", description="Always the web channel; other channels have their own routes."
    )
    language: str | None = Field(default=None, max_length=16)
    metadata: dict[str, Any] | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank / 메시지가 비어 있습니다")
        return value


class ChatSession(BaseModel):
    """A server-issued web conversation: its id, and the secret that proves who holds it
    (also set as an HttpOnly cookie for the web page)."""

    session_id: str
    session_secret: str


class ChatResponse(BaseModel):
    session_id: str
    language: str
    messages: list[ReplyMessage]


class ParseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=2000)


class IntentScore(BaseModel):
    name: str | None
    confidence: float


class ParseResponse(BaseModel):
    intent: IntentScore
    entities: list[dict[str, Any]]
    intent_ranking: list[IntentScore]


class DependencyHealth(BaseModel):
    ok: bool
    detail: str | None = None


class HealthResponse(BaseModel):
    status: str
    dependencies: dict[str, DependencyHealth]
    model: dict[str, Any] | None = None
