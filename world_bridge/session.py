"""Players and their resumable sessions: hello, resume, replacing an older socket, saving."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from world_bridge.backplane import Backplane, SessionRecord
from world_bridge.config import Position, WorldConfig
from world_bridge.connection import CLOSE_REPLACED, Connection, reason
from world_bridge.protocol import (
    PROTOCOL_VERSION,
    SUPPORTED_PROTOCOLS,
    Hello,
    PlayerInfo,
    ProtocolError,
    RoomSummary,
    Welcome,
)
from world_bridge.settings import WorldSettings

logger = logging.getLogger(__name__)


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


class Players:
    """The sockets of this gateway and the players on them; sessions live in the backplane."""

    def __init__(
        self, *, world: WorldConfig, settings: WorldSettings, backplane: Backplane
    ) -> None:
        self.world = world
        self._settings = settings
        self._backplane = backplane
        self.connections: dict[str, Connection] = {}
        self.by_player: dict[str, Connection] = {}
        self.by_conversation: dict[str, Connection] = {}

    def __len__(self) -> int:
        return len(self.by_player)

    def connection_for(self, conversation_key: str) -> Connection | None:
        """The live socket of the player whose conversations are `world:<key>:<npc>`, if here."""
        return self.by_conversation.get(conversation_key)

    async def hello(self, connection: Connection, hello: Hello) -> bool:
        """Bind the socket to a new or resumed session and send `welcome`; True if resumed."""
        if hello.protocol not in SUPPORTED_PROTOCOLS:
            versions = " and ".join(str(version) for version in SUPPORTED_PROTOCOLS)
            raise ProtocolError(
                "unsupported_protocol",
                reason(
                    f"this server speaks protocols {versions} (newest: {PROTOCOL_VERSION})",
                    f"이 서버는 프로토콜 {', '.join(map(str, SUPPORTED_PROTOCOLS))}을 사용합니다",
                ),
            )
        if connection.session is not None:
            raise ProtocolError(
                "invalid_message",
                reason("hello was already received", "hello는 한 번만 보내 주세요"),
            )
        live = self.by_player.get(hello.player_id)
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
                reason(
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
            self.kick(session.player_id, connection.id)
            await self._backplane.kick(session.player_id, keep_connection=connection.id)
        connection.session = session
        connection.protocol = hello.protocol
        self.by_player[session.player_id] = connection
        self.by_conversation[session.conversation_key] = connection
        connection.send(
            Welcome(
                protocol=hello.protocol,
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
        return resumed

    async def save(self, session: Session, *, ttl_seconds: float | None = None) -> None:
        if ttl_seconds is None:
            settings = self._settings
            ttl_seconds = settings.world_idle_timeout_seconds + settings.world_resume_seconds
        await self._backplane.save_session(session.record(), ttl_seconds=ttl_seconds)

    def forget(self, connection: Connection) -> Session | None:
        """Drop a closed socket; the session it held if it still owned one, else None."""
        self.connections.pop(connection.id, None)
        session = connection.session
        if session is None or connection.replaced:
            return None
        self._unbind(session, connection)
        return session

    def _unbind(self, session: Session, connection: Connection) -> None:
        if self.by_player.get(session.player_id) is connection:
            del self.by_player[session.player_id]
        if self.by_conversation.get(session.conversation_key) is connection:
            del self.by_conversation[session.conversation_key]

    def kick(self, player_id: str, keep_connection: str) -> list[Connection]:
        """Close the player's sockets other than `keep_connection`; the ones closed."""
        kicked = []
        for connection in list(self.connections.values()):
            session = connection.session
            if connection.id == keep_connection or session is None or connection.replaced:
                continue
            if session.player_id != player_id:
                continue
            connection.replaced = True
            self._unbind(session, connection)
            connection.error(
                "replaced",
                reason("the player connected again elsewhere", "다른 곳에서 다시 접속했습니다"),
            )
            connection.close(CLOSE_REPLACED)
            kicked.append(connection)
        return kicked
