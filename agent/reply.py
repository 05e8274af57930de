"""The channel-neutral reply schema, defined once.

Actions emit it as a Rasa custom JSON payload; the gateway validates it and every channel
(web chat, Telegram, NPC speech bubbles) renders it. Keep this module free of FastAPI and
Rasa imports: the action server imports it too.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# offered: the agent offers a counsellor; requested: the citizen asked (the gateway then queues
# the conversation); queued: waiting, with position and expected wait; connected: a counsellor
# holds the conversation; closed: the counsellor finished; left: the citizen left the queue;
# leave_message: outside counselling hours, the next message is kept for a counsellor;
# message_left: it was kept.
HandoffState = Literal[
    "offered",
    "requested",
    "queued",
    "connected",
    "closed",
    "left",
    "leave_message",
    "message_left",
]


class Button(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=120)
    payload: str = Field(min_length=1, max_length=500)


class Card(BaseModel):
    """A knowledge entry or a result shown as a box: title, body, link and where it comes from."""

    model_config = ConfigDict(extra="forbid")

    title: str
    body: str | None = None
    url: str | None = None
    source: str | None = None
    needs_review: bool = False
    # An issued document's credential id (GET /api/v1/wallet/credentials/{id}).
    credential_id: str | None = None


class Handoff(BaseModel):
    """State of a hand-off to a human 120 counsellor."""

    model_config = ConfigDict(extra="forbid")

    state: HandoffState
    phone: str | None = None
    note: str | None = None
    position: int | None = Field(default=None, description="Place in the queue, 1 = next.")
    expected_wait_s: int | None = Field(default=None, description="Expected wait in seconds.")
    counsellor: str | None = Field(default=None, description="The counsellor's display name.")


class NpcHints(BaseModel):
    """How an NPC in the 3D world should act out the reply; other channels ignore it."""

    model_config = ConfigDict(extra="allow")

    emote: str | None = None
    gesture: str | None = None


class MachineTranslation(BaseModel):
    """Set on a message the agent machine-translated; the original is kept beside it."""

    model_config = ConfigDict(extra="forbid")

    machine: Literal[True] = True
    source_language: str
    target_language: str
    original_text: str


class ReplyMessage(BaseModel):
    """One message of a reply, as every channel receives it."""

    model_config = ConfigDict(extra="ignore")

    text: str = ""
    buttons: list[Button] | None = None
    card: Card | None = None
    npc: NpcHints | None = None
    audio_url: str | None = None
    handoff: Handoff | None = None
    language: str | None = Field(
        default=None, description="Language the message is written in (ko, en, ...)."
    )
    easy_mode: bool | None = Field(
        default=None,
        description="Whether the conversation is in easy mode (short sentences, plain words); "
        "channels then show big buttons and speak the reply.",
    )
    translation: MachineTranslation | None = None
    counsellor: str | None = Field(
        default=None,
        description="Set when a human counsellor wrote this message: their display name.",
    )

    def as_payload(self) -> dict[str, Any]:
        """The JSON an action sends through `dispatcher.utter_message(json_message=...)`."""
        return self.model_dump(mode="json", exclude_none=True)
