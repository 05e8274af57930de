"""The world protocol (version 2, and 1 still served): JSON messages over `/ws/world`.

Every frame is one JSON object with a `type`. Client messages are validated here; server
messages are built from these models. Version 2 carries what happens in the room as one `tick`
per player per tick (built by fanout.py straight from bytes, serialised once per tick); version
1 sends each event as its own frame (`player_moved`, `player_joined`, ...). The JSON Schema in
docs/world-protocol.schema.json is generated from this module (`python -m world_bridge.schema`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from agent.reply import Button, Card, Handoff, MachineTranslation
from world_bridge.config import Position

PROTOCOL_VERSION = 2
# Versions a client may ask for in `hello`: 1 keeps one frame per room event.
SUPPORTED_PROTOCOLS = (1, 2)

PlayerId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Identifier = Annotated[str, Field(min_length=1, max_length=64)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", description="ISO 639 code: ko, en, ...")]
Coordinate = Annotated[float, Field(ge=-10_000, le=10_000, allow_inf_nan=False)]

ErrorCode = Literal[
    "malformed_json",
    "unknown_type",
    "invalid_message",
    "frame_too_large",
    "rate_limited",
    "hello_required",
    "unsupported_protocol",
    "session_taken",
    "unknown_room",
    "unknown_npc",
    "not_in_room",
    "busy",
    "idle_timeout",
    "replaced",
    "unavailable",
    "no_room_chat",
]


class _ClientMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Hello(_ClientMessage):
    """First message: who the player is. `resume_token` (from an earlier `welcome`) resumes."""

    type: Literal["hello"]
    protocol: int
    player_id: PlayerId
    name: str = Field(min_length=1, max_length=40)
    language: Language | None = None
    easy_mode: bool = False
    resume_token: str | None = Field(default=None, max_length=64)


class Join(_ClientMessage):
    type: Literal["join"]
    room: Identifier


class Move(_ClientMessage):
    type: Literal["move"]
    x: Coordinate
    y: Coordinate = 0.0
    z: Coordinate


class Talk(_ClientMessage):
    type: Literal["talk"]
    npc: Identifier
    text: str = Field(min_length=1, max_length=2000)


class ButtonPress(_ClientMessage):
    """A button of an `npc_say` was pressed: its payload goes back to that NPC."""

    type: Literal["button"]
    npc: Identifier
    payload: str = Field(min_length=1, max_length=500)


class Leave(_ClientMessage):
    type: Literal["leave"]


class Settings(_ClientMessage):
    """Change the language or easy mode for the rest of the session."""

    type: Literal["settings"]
    language: Language | None = None
    easy_mode: bool | None = None


class Ping(_ClientMessage):
    type: Literal["ping"]


class Say(_ClientMessage):
    """Say something to the people in the room (rooms with `live_translation` only)."""

    type: Literal["say"]
    text: str = Field(min_length=1, max_length=2000)


ClientMessage = Annotated[
    Hello | Join | Move | Talk | ButtonPress | Leave | Settings | Ping | Say,
    Field(discriminator="type"),
]
CLIENT_TYPES = frozenset(
    {"hello", "join", "move", "talk", "button", "leave", "settings", "ping", "say"}
)
_client_adapter: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


class _ServerMessage(BaseModel):
    def frame(self) -> str:
        """The JSON text sent on the socket."""
        return self.model_dump_json()


class RoomSummary(BaseModel):
    id: str
    name: str
    npcs: list[str]


class Welcome(_ServerMessage):
    type: Literal["welcome"] = "welcome"
    protocol: int = Field(default=PROTOCOL_VERSION, description="The version of this session.")
    player_id: str
    resume_token: str = Field(description="Send it in `hello` to resume this session.")
    resumed: bool
    room: str | None = Field(description="The room the player is in when resuming, else null.")
    rooms: list[RoomSummary]


class PlayerInfo(BaseModel):
    player_id: str
    name: str
    position: Position


class NpcInfo(BaseModel):
    id: str
    name: str
    persona: str
    greeting: str
    position: Position
    radius: float
    handles: list[str]


class View(BaseModel):
    """Protocol 2: which positions a player is sent (interest management)."""

    cell: float = Field(
        description="The floor is cut into squares of this many metres from (-half_size, "
        "-half_size); moves are sent from your square and the eight around it."
    )


class RoomState(_ServerMessage):
    type: Literal["room_state"] = "room_state"
    room: str
    name: str
    half_size: float
    color: str
    you: Position
    npcs: list[NpcInfo]
    players: list[PlayerInfo] = Field(description="The other players in the room.")
    live_translation: bool = Field(
        default=False,
        description="Players here `say` things to the room and read each other translated.",
    )
    view: View | None = Field(default=None, description="Protocol 2 only.")


class PlayerJoined(_ServerMessage):
    type: Literal["player_joined"] = "player_joined"
    room: str
    player: PlayerInfo


class PlayerLeft(_ServerMessage):
    type: Literal["player_left"] = "player_left"
    room: str
    player_id: str


class PlayerMoved(_ServerMessage):
    type: Literal["player_moved"] = "player_moved"
    room: str
    player_id: str
    x: float
    y: float
    z: float


class NpcSay(_ServerMessage):
    """One message of the agent's reply (the channel-neutral reply), to the player who spoke."""

    type: Literal["npc_say"] = "npc_say"
    npc: str
    text: str
    language: str
    emote: str | None = None
    gesture: str | None = None
    buttons: list[Button] | None = None
    card: Card | None = None
    audio_url: str | None = None
    handoff: Handoff | None = None
    # Set when a human counsellor wrote the message (the NPC relays it): their display name.
    counsellor: str | None = None
    translation: MachineTranslation | None = Field(
        default=None, description="Set when the text is a machine translation: the original."
    )


class RoomChat(_ServerMessage):
    """A player's words in a live-translation room, in the reader's language when it can be."""

    type: Literal["room_chat"] = "room_chat"
    room: str
    id: str = Field(description="The same for every reader of one message.")
    player_id: str
    name: str
    mine: bool
    text: str = Field(description="In `language`: the reader's, or the original's.")
    language: str
    original: str
    original_language: str
    machine_translation: bool = Field(description="`text` is a machine translation: mark it.")
    translated: bool = Field(
        description="False when no installed package could translate: `text` is the original."
    )


class NpcTyping(_ServerMessage):
    type: Literal["npc_typing"] = "npc_typing"
    npc: str


class NpcAnimation(_ServerMessage):
    """An NPC acts something out; everyone in the room sees it."""

    type: Literal["npc_animation"] = "npc_animation"
    room: str
    npc: str
    emote: str | None = None
    gesture: str | None = None
    toward: str | None = Field(default=None, description="player_id the NPC turns to")


# [player_id, x, y, z]: a player's position, as an array to keep ticks small.
PlayerPosition = tuple[str, float, float, float]


class Animation(BaseModel):
    """An NPC acting something out, inside a `tick`."""

    npc: str
    emote: str | None = None
    gesture: str | None = None
    toward: str | None = Field(default=None, description="player_id the NPC turns to")


class Tick(_ServerMessage):
    """Protocol 2: what happened in the room since the last tick, as far as the player can see.

    Apply in this order: `left`, `joined`, `in_view`, `moves`, `animations`. Entries about
    yourself may appear (your position as the server kept it): ignore your own player_id.
    Fields with nothing to say are left out.
    """

    type: Literal["tick"] = "tick"
    room: str = Field(description="Ignore a tick for a room you are no longer in.")
    left: list[str] = Field(default_factory=list, description="player_ids that left the room")
    joined: list[PlayerInfo] = Field(default_factory=list, description="players who came in")
    in_view: list[PlayerPosition] = Field(
        default_factory=list,
        description="Where everyone now in view stands; sent when your view square changes.",
    )
    moves: list[PlayerPosition] = Field(
        default_factory=list,
        description="Newest position of each player in view who moved (also from your view "
        "to outside it).",
    )
    animations: list[Animation] = Field(default_factory=list)


class Pong(_ServerMessage):
    type: Literal["pong"] = "pong"


class Error(_ServerMessage):
    type: Literal["error"] = "error"
    code: ErrorCode
    reason: str


ServerMessage = Annotated[
    Welcome
    | RoomState
    | PlayerJoined
    | PlayerLeft
    | PlayerMoved
    | NpcSay
    | RoomChat
    | NpcTyping
    | NpcAnimation
    | Tick
    | Pong
    | Error,
    Field(discriminator="type"),
]
server_adapter: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


class ProtocolError(Exception):
    """A frame the server refuses; becomes an `error` message, the socket stays open."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code: ErrorCode = code
        self.reason = reason


def parse_client_message(text: str) -> ClientMessage:
    """One text frame to a client message, or a ProtocolError saying what is wrong.

    Reasons name the field and the rule, never the value (it may be a citizen's message).
    """
    try:
        raw: Any = json.loads(text)
    except (ValueError, RecursionError) as error:
        # A 16 KiB frame holds 8,000 nested arrays, past the JSON reader's recursion limit.
        raise ProtocolError("malformed_json", "the frame is not valid JSON") from error
    if not isinstance(raw, dict):
        raise ProtocolError("malformed_json", "the frame must be a JSON object")
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_TYPES:
        raise ProtocolError(
            "unknown_type", f"type must be one of: {', '.join(sorted(CLIENT_TYPES))}"
        )
    try:
        return _client_adapter.validate_python(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'][1:]) or kind}: {item['msg']}"
            for item in error.errors(include_input=False)[:3]
        )
        raise ProtocolError("invalid_message", problems) from error


def json_schema() -> dict[str, Any]:
    """Client and server messages as one JSON Schema document (draft 2020-12)."""
    template = "#/$defs/{model}"
    client = TypeAdapter(ClientMessage).json_schema(ref_template=template)
    server = server_adapter.json_schema(ref_template=template)
    definitions: dict[str, Any] = {**client.pop("$defs", {}), **server.pop("$defs", {})}
    definitions["ClientMessage"] = client
    definitions["ServerMessage"] = server
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Haechi world protocol, version {PROTOCOL_VERSION} (and 1)",
        "description": "One JSON object per WebSocket text frame on /ws/world. "
        "ClientMessage: client to server; ServerMessage: server to client. See "
        "docs/world-protocol.md.",
        "oneOf": [{"$ref": "#/$defs/ClientMessage"}, {"$ref": "#/$defs/ServerMessage"}],
        "$defs": dict(sorted(definitions.items())),
    }
