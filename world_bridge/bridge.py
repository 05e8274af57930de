"""The world bridge: players on WebSockets, rooms, proximity greetings, NPC conversations.

Each (player, NPC) pair is one conversation with the agent (sender `world:<player>:<npc>`),
sent through the same translating agent as the web chat and Telegram. Replies go privately to
the player who spoke; moves, arrivals and NPC animations go to everyone in the room through the
backplane (in-process, or Redis pub/sub across gateway replicas).

The parts: connection.py (one socket: outbox, writer, limits), session.py (hello, resume,
replacing a socket), presence.py (rooms: enter, leave, move, greetings), conversation.py (talks
to NPCs through the agent), fintech_room.py (players chatting across languages in the Fintech
Lab). This module reads sockets and routes each message to its part.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fastapi import WebSocket

from agent.rasa_client import RasaClient
from agent.translation import TranslatingAgent, translating_agent
from world_bridge.admission import ConnectionLimits
from world_bridge.backplane import (
    BACKPLANE_ERRORS,
    Backplane,
    LocalBackplane,
    RedisBackplane,
)
from world_bridge.config import WorldConfig, default_world
from world_bridge.connection import (
    CLOSE_GOING_AWAY,
    CLOSE_NORMAL,
    CLOSE_POLICY,
    Connection,
    reason,
)
from world_bridge.conversation import Conversations, unavailable
from world_bridge.fintech_room import ChatRelay, FintechRoom, LocalChatRelay, chat_relay_for
from world_bridge.presence import GO_PREFIX, RoomPresence, not_in_room
from world_bridge.protocol import (
    ButtonPress,
    ClientMessage,
    Hello,
    Join,
    Leave,
    Move,
    NpcSay,
    Ping,
    Pong,
    ProtocolError,
    Say,
    Settings,
    Talk,
    parse_client_message,
)
from world_bridge.session import Players
from world_bridge.settings import WorldSettings

logger = logging.getLogger(__name__)

# Consecutive frames over the rate limit before the socket is closed.
FLOOD_FRAMES = 200


class WorldBridge:
    def __init__(
        self,
        *,
        world: WorldConfig,
        agent: TranslatingAgent,
        settings: WorldSettings,
        backplane: Backplane,
        chat_relay: ChatRelay | None = None,
    ) -> None:
        self.world = world
        self._settings = settings
        self._backplane = backplane
        self.players = Players(world=world, settings=settings, backplane=backplane)
        self.presence = RoomPresence(
            world=world, settings=settings, players=self.players, backplane=backplane
        )
        self.conversations = Conversations(
            world=world,
            agent=agent,
            settings=settings,
            players=self.players,
            presence=self.presence,
        )
        self.fintech_room = FintechRoom(
            agent,
            chat_relay or LocalChatRelay(),
            lambda room: list(self.presence.members.get(room, {}).values()),
            max_chars=settings.max_message_chars,
        )
        self._ticker: asyncio.Task[None] | None = None
        self._limits = ConnectionLimits(settings)

    @classmethod
    async def open(
        cls, settings: WorldSettings, rasa: RasaClient, agent: TranslatingAgent | None = None
    ) -> WorldBridge:
        """The bridge for the gateway: Redis-backed when HAECHI_REDIS_URL is set.

        `agent` is the gateway's translating agent; without one the bridge makes its own.
        """
        backplane: Backplane
        if settings.redis_url:
            stale = settings.world_idle_timeout_seconds + 30.0
            backplane = RedisBackplane(
                settings.redis_url, prefix=settings.world_redis_prefix, stale_seconds=stale
            )
        else:
            backplane = LocalBackplane()
        agent = agent or translating_agent(
            rasa, data_dir=settings.data_dir, redis_url=settings.redis_url
        )
        bridge = cls(
            world=default_world(),
            agent=agent,
            settings=settings,
            backplane=backplane,
            chat_relay=chat_relay_for(settings.redis_url, settings.world_redis_prefix),
        )
        await backplane.start(bridge.presence.fanout.deliver, bridge._on_kick)
        bridge._ticker = asyncio.create_task(bridge.presence.fanout.run(), name="world-ticks")
        await bridge.fintech_room.start()
        return bridge

    async def close(self) -> None:
        for connection in list(self.players.connections.values()):
            connection.close(CLOSE_GOING_AWAY)
        await self.fintech_room.close()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        await self._backplane.close()

    @property
    def player_count(self) -> int:
        return len(self.players)

    def send_npc_say(self, conversation_key: str, say: NpcSay) -> bool:
        """An NPC's line to the player of conversation `world:<key>:<npc>` (see Conversations)."""
        return self.conversations.send_npc_say(conversation_key, say)

    def connection_for(self, conversation_key: str) -> Connection | None:
        """The live socket of the player whose conversations use this key (counsel_relay.py)."""
        for connection in self.players.connections.values():
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
        self.players.connections[connection.id] = connection
        writer = asyncio.create_task(connection.write())
        talker = asyncio.create_task(self.conversations.worker(connection))
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
                    reason(
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
                    reason("send JSON in text frames", "JSON 텍스트 프레임으로 보내 주세요"),
                )
                continue
            if len(text) > settings.world_max_frame_bytes or (
                len(text.encode("utf-8")) > settings.world_max_frame_bytes
            ):
                connection.error(
                    "frame_too_large",
                    reason(
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
                unavailable(connection, error)

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
                reason(
                    f"more than {self._settings.world_rate_per_second:g} messages a second; "
                    "frames were dropped",
                    "메시지를 너무 빠르게 보내고 있습니다. 잠시 후 다시 보내 주세요",
                ),
            )

    async def _handle(self, connection: Connection, message: ClientMessage) -> None:
        if isinstance(message, Ping):
            # Answered after the room traffic already recorded for this player's room, so a
            # pong marks that everything before the ping has been sent.
            room = connection.session.room if connection.session is not None else None
            if self.presence.fanout.has_pending(room):
                self.presence.fanout.after_tick(connection, Pong().frame())
            else:
                connection.send(Pong().frame())
            return
        if isinstance(message, Hello):
            await self._hello(connection, message)
            return
        session = connection.session
        if session is None:
            raise ProtocolError(
                "hello_required", reason("send hello first", "먼저 hello 메시지를 보내 주세요")
            )
        if isinstance(message, Join):
            await self.presence.enter(connection, message.room, position=None)
        elif isinstance(message, Move):
            await self.presence.move(connection, session, message)
        elif isinstance(message, Talk):
            self.conversations.queue(
                connection, session, message.npc, message.text, from_button=False
            )
        elif isinstance(message, ButtonPress):
            if message.payload.startswith(GO_PREFIX):
                await self.presence.go(connection, session, message.npc, message.payload)
            else:
                self.conversations.queue(
                    connection, session, message.npc, message.payload, from_button=True
                )
        elif isinstance(message, Say):
            if session.room is None:
                raise not_in_room()
            await self.fintech_room.say(session, self.presence.room(session.room), message.text)
        elif isinstance(message, Leave):
            await self.presence.leave(connection, session)
        elif isinstance(message, Settings):
            if message.language is not None:
                session.language = message.language
            if message.easy_mode is not None:
                session.easy_mode = message.easy_mode
            await self.players.save(session)

    # -- sessions -----------------------------------------------------------------------------

    async def _hello(self, connection: Connection, hello: Hello) -> None:
        resumed = await self.players.hello(connection, hello)
        session = connection.session
        assert session is not None
        if resumed and session.room is not None and self.world.room(session.room) is not None:
            await self.presence.enter(
                connection, session.room, position=session.position, visit=False
            )
        else:
            session.room = None
            await self.players.save(session)

    async def _disconnect(self, connection: Connection) -> None:
        session = self.players.forget(connection)
        if session is None:
            return
        if session.room is not None:
            await self.presence.exit(connection, session, keep_room=True)
        await self.players.save(session, ttl_seconds=self._settings.world_resume_seconds)

    def _on_kick(self, player_id: str, keep_connection: str) -> None:
        for connection in self.players.kick(player_id, keep_connection):
            self.presence.drop(connection)
