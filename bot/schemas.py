"""Request and response shapes of the gateway API (contracts outside tools rely on)."""

from __future__ import annotations

import json
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

    @field_validator("metadata")
    @classmethod
    def _plain_json(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        # Python's JSON reader takes NaN and Infinity, which no JSON writer (nor Rasa) accepts.
        try:
            json.dumps(value, allow_nan=False)
        except ValueError as error:
            raise ValueError(
                "metadata holds NaN or Infinity / metadata에 숫자가 아닌 값이 있습니다"
            ) from error
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


class FieldProblem(BaseModel):
    field: str
    reason: str
    # The tax calculators also give each language on its own.
    reason_ko: str | None = None
    reason_en: str | None = None


class Problem(BaseModel):
    """What every refused request gets: why, and for bad fields, which ones and why."""

    detail: str
    errors: list[FieldProblem] | None = None


# The document's 422 is the app's own shape (FastAPI would otherwise describe its default one).
REFUSALS: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "The request was refused; `errors` names the fields"}
}
