"""NPC conversations: each (player, NPC) pair talks to the agent as sender `world:<key>:<npc>`.

Talks queue per player and are answered one at a time, so replies come in the order asked.
Replies go privately to the player who spoke (`npc_say`); the NPC's emote and gesture go to
the whole room (`npc_animation`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agent.conversation import no_reply
from agent.rasa_client import RasaUnavailable
from agent.reply import Handoff
from agent.translation import TranslatingAgent
from agent.voice import add_audio, voice_for, wants_voice
from world_bridge.backplane import BACKPLANE_ERRORS
from world_bridge.config import Npc, Room, WorldConfig
from world_bridge.connection import Connection, PendingTalk, reason
from world_bridge.presence import GO_PREFIX, RoomPresence, text_language
from world_bridge.protocol import Animation, NpcSay, NpcTyping, ProtocolError
from world_bridge.session import Players, Session
from world_bridge.settings import WorldSettings

logger = logging.getLogger(__name__)


def to_room_ko(name: str) -> str:
    """'택스스퀘어로', '서울광장으로': 으로 after a final consonant other than ㄹ."""
    last = name[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return f"{name}{'로' if final in (0, 8) else '으로'}"
    return f"{name}로"


def unavailable(connection: Connection, error: Exception) -> None:
    """The shared store (Redis) failed mid-request: say so; the socket stays open."""
    logger.warning("world: backplane unavailable (%s)", type(error).__name__)
    connection.error(
        "unavailable",
        reason(
            "the world is briefly unavailable; please try again",
            "잠시 연결이 원활하지 않습니다. 다시 시도해 주세요",
        ),
    )


class Conversations:
    """Players talking to NPCs through the one agent."""

    def __init__(
        self,
        *,
        world: WorldConfig,
        agent: TranslatingAgent,
        settings: WorldSettings,
        players: Players,
        presence: RoomPresence,
    ) -> None:
        self.world = world
        self._agent = agent
        self._settings = settings
        self._players = players
        self._presence = presence
        # NPCs speak their replies in easy mode (or when HAECHI_VOICE_REPLIES is on).
        self._voice = voice_for(settings)

    def send_npc_say(self, conversation_key: str, say: NpcSay) -> bool:
        """Send an NPC's line to the player whose conversations are `world:<key>:<npc>`.

        For lines that do not answer a talk (a counsellor's reply, a reminder). False when the
        player is not connected to this gateway.
        """
        connection = self._players.connection_for(conversation_key)
        if connection is None or connection.closing:
            return False
        connection.send_reply(say.frame())
        return True

    def queue(
        self, connection: Connection, session: Session, npc_id: str, text: str, *, from_button: bool
    ) -> None:
        """Queue a talk (or a button payload) for the NPC; `busy` when too many wait."""
        room, npc = self._presence.npc(session, npc_id)
        limit = self._settings.max_message_chars
        if len(text) > limit:
            raise ProtocolError(
                "invalid_message",
                reason(
                    f"text is longer than {limit} characters",
                    f"메시지는 {limit}자까지 보낼 수 있습니다",
                ),
            )
        if not text.strip():
            raise ProtocolError(
                "invalid_message", reason("text is blank", "메시지가 비어 있습니다")
            )
        try:
            connection.talks.put_nowait(
                PendingTalk(room=room.id, npc=npc.id, text=text, from_button=from_button)
            )
        except asyncio.QueueFull:
            raise ProtocolError(
                "busy",
                reason(
                    "wait for the NPC to answer before asking more",
                    "앞선 질문에 답변드린 뒤 이어서 말씀해 주세요",
                ),
            ) from None

    async def worker(self, connection: Connection) -> None:
        """Answer one talk at a time per player, so replies come in the order asked."""
        while True:
            pending = await connection.talks.get()
            session = connection.session
            room = self.world.room(pending.room)
            npc = room.npc(pending.npc) if room is not None else None
            if session is None or room is None or npc is None:
                continue
            try:
                await self.answer(connection, session, room, npc, pending)
            except BACKPLANE_ERRORS as error:
                unavailable(connection, error)

    async def answer(
        self, connection: Connection, session: Session, room: Room, npc: Npc, pending: PendingTalk
    ) -> None:
        connection.send_reply(NpcTyping(npc=npc.id).frame())
        try:
            # The agent itself answers topics this NPC sends elsewhere (one NLU pass): the
            # metadata says which, and where to. Through the translating agent, as on the web:
            # a visitor writing Japanese is answered in Japanese, marked, or told why not.
            reply = await self._agent.converse(
                channel="world",
                session_id=f"{session.conversation_key}:{npc.id}",
                text=pending.text,
                language=session.language,
                metadata={
                    "room": room.id,
                    "npc": npc.id,
                    "easy_mode": session.easy_mode,
                    "npc_redirects": self.redirect_offers(npc),
                },
            )
        except RasaUnavailable as error:
            logger.warning("world: rasa unavailable for npc %s: %s", npc.id, error)
            language = text_language(session.language)
            connection.send_reply(
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
            connection.send_reply(
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
                    translation=message.translation,
                ).frame()
            )
            if emote or gesture:
                self._presence.animate(
                    room.id,
                    Animation(npc=npc.id, emote=emote, gesture=gesture, toward=session.player_id),
                )

    def redirect_offers(self, npc: Npc) -> list[dict[str, Any]]:
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
                        "ko": f"{to_room_ko(home.name.ko)} 가기",
                        "en": f"Go to {home.name.en}",
                    },
                    "payload": f"{GO_PREFIX}{topic.home}",
                }
            )
        return offers
