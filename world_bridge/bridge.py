"""The world bridge: players on WebSockets, rooms, proximity greetings, NPC conversations.

Each (player, NPC) pair is one conversation with the agent (sender `world:<player>:<npc>`),
sent through the same `converse` path as the web chat. Replies go privately to the player who
spoke; moves, arrivals and NPC animations go to everyone in the room through the backplane
(in-process, or Redis pub/sub across gateway replicas).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import WebSocket

from agent.conversation import converse, no_reply
from agent.rasa_client import RasaClient, RasaUnavailable
from agent.reply import Handoff
from agent.voice import add_audio, voice_for, wants_voice
from world_bridge.admission import ConnectionLimits
from world_bridge.backplane import (
    BACKPLANE_ERRORS,
    Backplane,
    LocalBackplane,
    RedisBackplane,
    SessionRecord,
)
from world_bridge.config import Npc, Position, Room, WorldConfig, default_world
from world_bridge.protocol import (
    PROTOCOL_VERSION,
    ButtonPress,
    ClientMessage,
    Error,
    ErrorCode,
    Hello,
    Join,
    Leave,
    Move,
    NpcAnimation,
    NpcInfo,
    NpcSay,
    NpcTyping,
    Ping,
    PlayerInfo,
    PlayerJoined,
    PlayerLeft,
    PlayerMoved,
    Pong,
    ProtocolError,
    RoomState,
    RoomSummary,
    Settings,
    Talk,
    Welcome,
    parse_client_message,
)
from world_bridge.settings import WorldSettings

logger = logging.getLogger(__name__)

# Frames waiting for a slow client before the server gives up on it.
OUTBOX_LIMIT = 1000
# Talks waiting for the agent, per player; more get `busy`.
MAX_PENDING_TALKS = 3
# Consecutive frames over the rate limit before the socket is closed.
FLOOD_FRAMES = 200
# Intent confidence above which an NPC sends the player to the NPC who handles the topic.
GO_PREFIX = "go:"

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN = 1013
CLOSE_REPLACED = 4001


def _reason(english: str, korean: str) -> str:
    return f"{english} / {korean}"


@dataclass
class Session:
    """A player as the bridge knows them; survives reconnects for `world_resume_seconds`."""

    player_id: str
    name: str
    token: str
    conversation_key: str = field(default_factory=lambda: secrets.token_hex(16))
    language: str = "ko"
    easy_mode: bool = False
    room: str | None = None
    position: Position = field(default_factory=lambda: Position(x=0.0, z=0.0))
    greeted: set[str] = field(default_factory=set)

    def record(self) -> SessionRecord:
        return SessionRecord(
            player_id=self.player_id,
            name=self.name,
            token=self.token,
            conversation_key=self.conversation_key,
            language=self.language,
            easy_mode=self.easy_mode,
            room=self.room,
            position=self.position,
            greeted=sorted(self.greeted),
        )

    @classmethod
    def from_record(cls, record: SessionRecord) -> Session:
        return cls(
            player_id=record.player_id,
            name=record.name,
            token=record.token,
            conversation_key=record.conversation_key,
            language=record.language,
            easy_mode=record.easy_mode,
            room=record.room,
            position=record.position,
            greeted=set(record.greeted),
        )

    def info(self) -> PlayerInfo:
        return PlayerInfo(player_id=self.player_id, name=self.name, position=self.position)


class TokenBucket:
    """`rate` frames a second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass(frozen=True)
class Latest:
    """Place in the outbox of the newest frame for `key` (a player's position)."""

    key: str


@dataclass(frozen=True)
class PendingTalk:
    room: str
    npc: str
    text: str
    from_button: bool


class Connection:
    """One WebSocket: an outbox drained by a writer task, and the player's session once known."""

    def __init__(self, websocket: WebSocket, settings: WorldSettings) -> None:
        self.id = uuid.uuid4().hex
        self.websocket = websocket
        # Frames in order; None closes. A position waits in `latest` behind a Latest marker: a
        # newer one for the same player replaces it in place, so a client that falls behind
        # skips stale positions and its backlog stays bounded by the room, not by time.
        self.outbox: asyncio.Queue[str | Latest | None] = asyncio.Queue()
        self.latest: dict[str, str] = {}
        self.talks: asyncio.Queue[PendingTalk] = asyncio.Queue(maxsize=MAX_PENDING_TALKS)
        self.bucket = TokenBucket(settings.world_rate_per_second, settings.world_rate_burst)
        self.session: Session | None = None
        self.closing = False
        self.close_code = CLOSE_NORMAL
        self.replaced = False
        self.dropped_frames = 0
        self.last_rate_error = 0.0

    def send(self, frame: str) -> None:
        if self.closing:
            return
        if self.outbox.qsize() >= OUTBOX_LIMIT:
            logger.warning("world: closing a client that does not keep up")
            self.close(CLOSE_TRY_AGAIN)
            return
        self.outbox.put_nowait(frame)

    def send_latest(self, key: str, frame: str) -> None:
        if self.closing:
            return
        if key not in self.latest:
            self.outbox.put_nowait(Latest(key))
        self.latest[key] = frame

    def error(self, code: ErrorCode, reason: str) -> None:
        self.send(Error(code=code, reason=reason).frame())

    def close(self, code: int) -> None:
        """Close after the frames already queued have gone out."""
        if not self.closing:
            self.closing = True
            self.close_code = code
            self.outbox.put_nowait(None)


def _language(language: str) -> str:
    """Config texts exist in Korean and English; other languages get English."""
    return "ko" if language == "ko" else "en"


def _to_room_ko(name: str) -> str:
    """'택스스퀘어로', '서울광장으로': 으로 after a final consonant other than ㄹ."""
    last = name[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return f"{name}{'로' if final in (0, 8) else '으로'}"
    return f"{name}로"


def _near(npc: Npc, toward: Position) -> Position:
    """A spot inside the NPC's radius, on the side facing `toward` (the room's entrance)."""
    dx, dz = toward.x - npc.position.x, toward.z - npc.position.z
    length = math.hypot(dx, dz) or 1.0
    step = npc.radius * 0.6
    return Position(
        x=npc.position.x + dx / length * step, y=0.0, z=npc.position.z + dz / length * step
    )


class WorldBridge:
    def __init__(
        self,
        *,
        world: WorldConfig,
        rasa: RasaClient,
        settings: WorldSettings,
        backplane: Backplane,
    ) -> None:
        self.world = world
        self._rasa = rasa
        self._settings = settings
        self._backplane = backplane
        # NPCs speak their replies in easy mode (or when HAECHI_VOICE_REPLIES is on).
        self._voice = voice_for(settings)
        self._connections: dict[str, Connection] = {}
        self._players: dict[str, Connection] = {}
        self._members: dict[str, dict[str, Connection]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._limits = ConnectionLimits(settings)

    @classmethod
    async def open(cls, settings: WorldSettings, rasa: RasaClient) -> WorldBridge:
        """The bridge for the gateway: Redis-backed when HAECHI_REDIS_URL is set."""
        backplane: Backplane
        if settings.redis_url:
            stale = settings.world_idle_timeout_seconds + 30.0
            backplane = RedisBackplane(
                settings.redis_url, prefix=settings.world_redis_prefix, stale_seconds=stale
            )
        else:
            backplane = LocalBackplane()
        bridge = cls(world=default_world(), rasa=rasa, settings=settings, backplane=backplane)
        await backplane.start(bridge._deliver, bridge._on_kick)
        return bridge

    async def close(self) -> None:
        for connection in list(self._connections.values()):
            connection.close(CLOSE_GOING_AWAY)
        await self._backplane.close()

    @property
    def player_count(self) -> int:
        return len(self._players)

    def connection_for(self, conversation_key: str) -> Connection | None:
        """The live socket of the player whose conversations use this key (counsel_relay.py)."""
        for connection in self._players.values():
            if connection.session is not None and (
                connection.session.conversation_key == conversation_key
            ):
                return connection
        return None

    # -- one connection -----------------------------------------------------------------------

    async def serve(self, websocket: WebSocket) -> None:
        """Run one player's socket until it closes, times out or misbehaves beyond limits."""
        client = websocket.client.host if websocket.client else "unknown"
        refusal = self._limits.refusal(client, websocket.headers)
        if refusal is not None:
            logger.info("world: socket refused (%s)", refusal)
            await websocket.close(code=CLOSE_POLICY, reason=refusal)
            return
        self._limits.opened(client)
        try:
            await self._serve_accepted(websocket)
        finally:
            self._limits.closed(client)

    async def _serve_accepted(self, websocket: WebSocket) -> None:
        await websocket.accept()
        connection = Connection(websocket, self._settings)
        self._connections[connection.id] = connection
        writer = asyncio.create_task(self._write(connection))
        talker = asyncio.create_task(self._talk_worker(connection))
        try:
            await self._read(connection)
        finally:
            talker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await talker
            await self._disconnect(connection)
            connection.close(CLOSE_NORMAL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(writer, timeout=5.0)

    async def _write(self, connection: Connection) -> None:
        try:
            while (item := await connection.outbox.get()) is not None:
                frame = connection.latest.pop(item.key) if isinstance(item, Latest) else item
                await connection.websocket.send_text(frame)
            await connection.websocket.close(code=connection.close_code)
        except Exception as error:  # the client went away mid-send; the reader sees it too
            logger.debug("world: send failed (%s)", type(error).__name__)
            connection.closing = True

    async def _read(self, connection: Connection) -> None:
        settings = self._settings
        while not connection.closing:
            try:
                message = await asyncio.wait_for(
                    connection.websocket.receive(), timeout=settings.world_idle_timeout_seconds
                )
            except TimeoutError:
                connection.error(
                    "idle_timeout",
                    _reason(
                        f"no message for {settings.world_idle_timeout_seconds:g} s",
                        "오랫동안 활동이 없어 연결을 종료합니다",
                    ),
                )
                connection.close(CLOSE_NORMAL)
                return
            except RuntimeError:  # the socket is already closed
                return
            if message["type"] == "websocket.disconnect":
                return
            if not connection.bucket.take():
                self._flooded(connection)
                continue
            connection.dropped_frames = 0
            text = message.get("text")
            if text is None:
                connection.error(
                    "malformed_json",
                    _reason("send JSON in text frames", "JSON 텍스트 프레임으로 보내 주세요"),
                )
                continue
            if len(text) > settings.world_max_frame_bytes or (
                len(text.encode("utf-8")) > settings.world_max_frame_bytes
            ):
                connection.error(
                    "frame_too_large",
                    _reason(
                        f"frames are limited to {settings.world_max_frame_bytes} bytes",
                        f"메시지는 {settings.world_max_frame_bytes}바이트까지 보낼 수 있습니다",
                    ),
                )
                continue
            try:
                await self._handle(connection, parse_client_message(text))
            except ProtocolError as error:
                connection.error(error.code, error.reason)
            except BACKPLANE_ERRORS as error:
                self._unavailable(connection, error)

    def _flooded(self, connection: Connection) -> None:
        connection.dropped_frames += 1
        if connection.dropped_frames >= FLOOD_FRAMES:
            logger.warning("world: closing a socket that keeps flooding")
            connection.close(CLOSE_POLICY)
            return
        now = time.monotonic()
        if now - connection.last_rate_error >= 1.0:
            connection.last_rate_error = now
            connection.error(
                "rate_limited",
                _reason(
                    f"more than {self._settings.world_rate_per_second:g} messages a second; "
                    "frames were dropped",
                    "메시지를 너무 빠르게 보내고 있습니다. 잠시 후 다시 보내 주세요",
                ),
            )

    async def _handle(self, connection: Connection, message: ClientMessage) -> None:
        if isinstance(message, Ping):
            connection.send(Pong().frame())
            return
        if isinstance(message, Hello):
            await self._hello(connection, message)
            return
        session = connection.session
        if session is None:
            raise ProtocolError(
                "hello_required", _reason("send hello first", "먼저 hello 메시지를 보내 주세요")
            )
        if isinstance(message, Join):
            await self._enter(connection, message.room, position=None)
        elif isinstance(message, Move):
            await self._move(connection, session, message)
        elif isinstance(message, Talk):
            self._queue_talk(connection, session, message.npc, message.text, from_button=False)
        elif isinstance(message, ButtonPress):
            if message.payload.startswith(GO_PREFIX):
                await self._go(connection, session, message)
            else:
                self._queue_talk(
                    connection, session, message.npc, message.payload, from_button=True
                )
        elif isinstance(message, Leave):
            room = session.room
            if room is None:
                raise self._not_in_room()
            await self._exit(connection, session, keep_room=False)
            connection.send(PlayerLeft(room=room, player_id=session.player_id).frame())
        elif isinstance(message, Settings):
            if message.language is not None:
                session.language = message.language
            if message.easy_mode is not None:
                session.easy_mode = message.easy_mode
            await self._save(session)

    # -- sessions -----------------------------------------------------------------------------

    async def _hello(self, connection: Connection, hello: Hello) -> None:
        if hello.protocol != PROTOCOL_VERSION:
            raise ProtocolError(
                "unsupported_protocol",
                _reason(
                    f"this server speaks protocol {PROTOCOL_VERSION}",
                    f"이 서버는 프로토콜 {PROTOCOL_VERSION}을 사용합니다",
                ),
            )
        if connection.session is not None:
            raise ProtocolError(
                "invalid_message",
                _reason("hello was already received", "hello는 한 번만 보내 주세요"),
            )
        live = self._players.get(hello.player_id)
        known = live.session if live is not None else None
        if known is None:
            record = await self._backplane.load_session(hello.player_id)
            known = Session.from_record(record) if record is not None else None
        if known is not None and not (
            hello.resume_token
            and secrets.compare_digest(hello.resume_token.encode(), known.token.encode())
        ):
            raise ProtocolError(
                "session_taken",
                _reason(
                    "this player_id is in use; send its resume_token or choose another id",
                    "이미 사용 중인 player_id입니다",
                ),
            )
        resumed = known is not None
        session = known or Session(
            player_id=hello.player_id, name=hello.name, token=secrets.token_urlsafe(24)
        )
        session.name = hello.name
        if hello.language:
            session.language = hello.language
        if hello.easy_mode:
            session.easy_mode = True
        if resumed:
            # The same player on another socket (here or on another replica) gives way.
            self._on_kick(session.player_id, connection.id)
            await self._backplane.kick(session.player_id, keep_connection=connection.id)
        connection.session = session
        self._players[session.player_id] = connection
        connection.send(
            Welcome(
                player_id=session.player_id,
                resume_token=session.token,
                resumed=resumed,
                room=session.room,
                rooms=[
                    RoomSummary(
                        id=room.id,
                        name=room.name.get(session.language),
                        npcs=[npc.id for npc in room.npcs],
                    )
                    for room in self.world.rooms
                ],
            ).frame()
        )
        if resumed and session.room is not None and self.world.room(session.room) is not None:
            await self._enter(connection, session.room, position=session.position, visit=False)
        else:
            session.room = None
            await self._save(session)

    async def _save(self, session: Session, *, ttl_seconds: float | None = None) -> None:
        if ttl_seconds is None:
            settings = self._settings
            ttl_seconds = settings.world_idle_timeout_seconds + settings.world_resume_seconds
        await self._backplane.save_session(session.record(), ttl_seconds=ttl_seconds)

    async def _disconnect(self, connection: Connection) -> None:
        self._connections.pop(connection.id, None)
        session = connection.session
        if session is None or connection.replaced:
            return
        if self._players.get(session.player_id) is connection:
            del self._players[session.player_id]
        if session.room is not None:
            await self._exit(connection, session, keep_room=True)
        await self._save(session, ttl_seconds=self._settings.world_resume_seconds)

    def _on_kick(self, player_id: str, keep_connection: str) -> None:
        for connection in list(self._connections.values()):
            session = connection.session
            if connection.id == keep_connection or session is None or connection.replaced:
                continue
            if session.player_id != player_id:
                continue
            connection.replaced = True
            if session.room is not None:
                members = self._members.get(session.room, {})
                if members.get(player_id) is connection:
                    del members[player_id]
            if self._players.get(player_id) is connection:
                del self._players[player_id]
            connection.error(
                "replaced",
                _reason("the player connected again elsewhere", "다른 곳에서 다시 접속했습니다"),
            )
            connection.close(CLOSE_REPLACED)

    # -- rooms --------------------------------------------------------------------------------

    def _deliver(self, room: str, frame: str, exclude: str | None, key: str | None) -> None:
        for player_id, connection in list(self._members.get(room, {}).items()):
            if player_id == exclude:
                continue
            if key is None:
                connection.send(frame)
            else:
                connection.send_latest(key, frame)

    def _room(self, room_id: str) -> Room:
        room = self.world.room(room_id)
        if room is None:
            raise ProtocolError(
                "unknown_room",
                _reason(
                    "no such room; welcome lists the rooms",
                    "없는 방입니다. 방 목록을 확인해 주세요",
                ),
            )
        return room

    @staticmethod
    def _not_in_room() -> ProtocolError:
        return ProtocolError("not_in_room", _reason("join a room first", "먼저 방에 입장해 주세요"))

    def _npc(self, session: Session, npc_id: str) -> tuple[Room, Npc]:
        if session.room is None:
            raise self._not_in_room()
        room = self._room(session.room)
        npc = room.npc(npc_id)
        if npc is None:
            raise ProtocolError(
                "unknown_npc",
                _reason("no such NPC in this room", "이 방에는 해당 안내원이 없습니다"),
            )
        return room, npc

    async def _enter(
        self,
        connection: Connection,
        room_id: str,
        *,
        position: Position | None,
        visit: bool = True,
    ) -> None:
        """Put the player in a room; a new visit starts at the entrance with no greetings yet."""
        session = connection.session
        assert session is not None
        room = self._room(room_id)
        if session.room is not None and (session.room != room.id or visit):
            await self._exit(connection, session, keep_room=False)
        if visit:
            session.greeted = set()
        session.room = room.id
        session.position = room.clamp(position or room.spawn)
        self._members.setdefault(room.id, {})[session.player_id] = connection
        others = [
            player
            for player in await self._backplane.presence(room.id)
            if player.player_id != session.player_id
        ]
        await self._backplane.set_presence(room.id, session.info())
        language = session.language
        connection.send(
            RoomState(
                room=room.id,
                name=room.name.get(language),
                half_size=room.half_size,
                color=room.color,
                you=session.position,
                npcs=[
                    NpcInfo(
                        id=npc.id,
                        name=npc.name.get(language),
                        persona=npc.persona.get(language),
                        greeting=npc.greeting.get(language),
                        position=npc.position,
                        radius=npc.radius,
                        handles=npc.handles,
                    )
                    for npc in room.npcs
                ],
                players=others,
            ).frame()
        )
        await self._backplane.publish(
            room.id,
            PlayerJoined(room=room.id, player=session.info()).frame(),
            exclude=session.player_id,
        )
        await self._save(session)
        await self._greet_nearby(connection, session, room)

    async def _exit(self, connection: Connection, session: Session, *, keep_room: bool) -> None:
        room = session.room
        if room is None:
            return
        members = self._members.get(room, {})
        if members.get(session.player_id) is connection:
            del members[session.player_id]
        if not keep_room:
            session.room = None
        await self._backplane.remove_presence(room, session.player_id)
        await self._backplane.publish(
            room, PlayerLeft(room=room, player_id=session.player_id).frame()
        )
        if not keep_room:
            await self._save(session)

    async def _move(self, connection: Connection, session: Session, move: Move) -> None:
        if session.room is None:
            raise self._not_in_room()
        room = self._room(session.room)
        session.position = room.clamp(Position(x=move.x, y=move.y, z=move.z))
        await self._backplane.set_presence(room.id, session.info())
        where = session.position
        await self._backplane.publish(
            room.id,
            PlayerMoved(
                room=room.id, player_id=session.player_id, x=where.x, y=where.y, z=where.z
            ).frame(),
            exclude=session.player_id,
            key=f"move:{session.player_id}",
        )
        await self._greet_nearby(connection, session, room)

    async def _greet_nearby(self, connection: Connection, session: Session, room: Room) -> None:
        """NPCs whose radius the player is in greet them, once per visit."""
        for npc in room.npcs:
            if npc.id in session.greeted:
                continue
            if session.position.ground_distance(npc.position) > npc.radius:
                continue
            session.greeted.add(npc.id)
            language = _language(session.language)
            connection.send(
                NpcSay(
                    npc=npc.id,
                    text=npc.greeting.get(language),
                    language=language,
                    emote="smile",
                    gesture="wave",
                ).frame()
            )
            await self._backplane.publish(
                room.id,
                NpcAnimation(
                    room=room.id,
                    npc=npc.id,
                    emote="smile",
                    gesture="wave",
                    toward=session.player_id,
                ).frame(),
            )

    async def _go(self, connection: Connection, session: Session, press: ButtonPress) -> None:
        """A redirect button (`go:<room>/<npc>`): take the player to that NPC."""
        self._npc(session, press.npc)
        room_id, _, npc_id = press.payload.removeprefix(GO_PREFIX).partition("/")
        room = self._room(room_id)
        position: Position | None = None
        if npc_id:
            npc = room.npc(npc_id)
            if npc is None:
                raise ProtocolError(
                    "unknown_npc", _reason("no such NPC in that room", "해당 안내원이 없습니다")
                )
            position = _near(npc, room.spawn)
        await self._enter(connection, room.id, position=position)

    # -- talking to NPCs ----------------------------------------------------------------------

    def _queue_talk(
        self, connection: Connection, session: Session, npc_id: str, text: str, *, from_button: bool
    ) -> None:
        room, npc = self._npc(session, npc_id)
        limit = self._settings.max_message_chars
        if len(text) > limit:
            raise ProtocolError(
                "invalid_message",
                _reason(
                    f"text is longer than {limit} characters",
                    f"메시지는 {limit}자까지 보낼 수 있습니다",
                ),
            )
        if not text.strip():
            raise ProtocolError(
                "invalid_message", _reason("text is blank", "메시지가 비어 있습니다")
            )
        try:
            connection.talks.put_nowait(
                PendingTalk(room=room.id, npc=npc.id, text=text, from_button=from_button)
            )
        except asyncio.QueueFull:
            raise ProtocolError(
                "busy",
                _reason(
                    "wait for the NPC to answer before asking more",
                    "앞선 질문에 답변드린 뒤 이어서 말씀해 주세요",
                ),
            ) from None

    async def _talk_worker(self, connection: Connection) -> None:
        """Answer one talk at a time per player, so replies come in the order asked."""
        while True:
            pending = await connection.talks.get()
            session = connection.session
            room = self.world.room(pending.room)
            npc = room.npc(pending.npc) if room is not None else None
            if session is None or room is None or npc is None:
                continue
            try:
                await self._answer(connection, session, room, npc, pending)
            except BACKPLANE_ERRORS as error:
                self._unavailable(connection, error)

    @staticmethod
    def _unavailable(connection: Connection, error: Exception) -> None:
        """The shared store (Redis) failed mid-request: say so; the socket stays open."""
        logger.warning("world: backplane unavailable (%s)", type(error).__name__)
        connection.error(
            "unavailable",
            _reason(
                "the world is briefly unavailable; please try again",
                "잠시 연결이 원활하지 않습니다. 다시 시도해 주세요",
            ),
        )

    async def _answer(
        self, connection: Connection, session: Session, room: Room, npc: Npc, pending: PendingTalk
    ) -> None:
        connection.send(NpcTyping(npc=npc.id).frame())
        try:
            # The agent itself answers topics this NPC sends elsewhere (one NLU pass): the
            # metadata says which, and where to.
            reply = await converse(
                self._rasa,
                channel="world",
                session_id=f"{session.conversation_key}:{npc.id}",
                text=pending.text,
                language=session.language,
                metadata={
                    "room": room.id,
                    "npc": npc.id,
                    "easy_mode": session.easy_mode,
                    "npc_redirects": self._redirect_offers(npc),
                },
            )
        except RasaUnavailable as error:
            logger.warning("world: rasa unavailable for npc %s: %s", npc.id, error)
            language = _language(session.language)
            connection.send(
                NpcSay(
                    npc=npc.id,
                    text=no_reply(language),
                    language=language,
                    emote="apologetic",
                    gesture="bow",
                    handoff=Handoff(state="offered", phone=self._settings.counsellor_phone),
                ).frame()
            )
            return
        messages = reply.messages
        if wants_voice(
            {"easy_mode": session.easy_mode}, messages, default=self._settings.voice_replies
        ):
            messages = await add_audio(self._voice, messages, language=reply.language, wait=False)
        for message in messages:
            hints = message.npc
            emote = hints.emote if hints is not None else None
            gesture = hints.gesture if hints is not None else None
            connection.send(
                NpcSay(
                    npc=npc.id,
                    text=message.text,
                    language=message.language or reply.language,
                    emote=emote,
                    gesture=gesture,
                    buttons=message.buttons,
                    card=message.card,
                    audio_url=message.audio_url,
                    handoff=message.handoff,
                ).frame()
            )
            if emote or gesture:
                await self._backplane.publish(
                    room.id,
                    NpcAnimation(
                        room=room.id,
                        npc=npc.id,
                        emote=emote,
                        gesture=gesture,
                        toward=session.player_id,
                    ).frame(),
                )

    def _redirect_offers(self, npc: Npc) -> list[dict[str, Any]]:
        """The topics this NPC sends on, with the intents, text and button the agent uses."""
        offers = []
        for topic_id in npc.redirects:
            topic = self.world.topics[topic_id]
            home = self.world.room(topic.home_room)
            assert home is not None  # checked when the config was loaded
            offers.append(
                {
                    "topic": topic_id,
                    "intents": list(topic.intents),
                    "text": {"ko": topic.redirect.get("ko"), "en": topic.redirect.get("en")},
                    "button": {
                        "ko": f"{_to_room_ko(home.name.ko)} 가기",
                        "en": f"Go to {home.name.en}",
                    },
                    "payload": f"{GO_PREFIX}{topic.home}",
                }
            )
        return offers
