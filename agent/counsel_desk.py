"""The counsellor desk: a conversation that asked for a person is queued, held by a counsellor
and given back to the agent, on whichever channel it lives.

`converse()` asks the desk first: while a counsellor holds the conversation the citizen's
message goes to them, not to the agent (and Rasa's tracker is paused too, so nothing else can
make the agent speak); a reply in which the agent hands off (`handoff.state == "requested"`)
queues the conversation, or outside counselling hours asks the citizen to leave a message.
What the counsellor or the desk says to the citizen is stored (civic/counsel) and handed to the
channel's deliverer: Telegram sends it from the bot, the world bridge has the NPC say it; web
pages fetch it by long poll. Waiters wake at once in this process and re-read the database
every `counsel_poll_seconds` for what other processes wrote.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from agent.counsel_texts import counsel_line, wait_words
from agent.rasa_client import RasaClient, RasaUnavailable
from agent.reply import Button, Handoff, ReplyMessage
from agent.settings import AgentSettings
from civic.counsel import queue as counsel
from civic.counsel.hours import CounselHours
from knowledge.counsel_models import CounselHandoff, CounselMessage
from knowledge.database import make_session_factory, migrate

logger = logging.getLogger(__name__)

LEAVE = "/counsel_leave"
RATING = "/counsel_rating"
RATING_SCORES = (5, 3, 1)
# How long a counsellor's typing signal shows.
TYPING_SECONDS = 6.0

# A channel's way to reach the citizen now: (session id within the channel, message).
Deliverer = Callable[[str, ReplyMessage], Awaitable[None]]
# Shows that the counsellor is typing: (session id within the channel).
TypingSignal = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class DeskReply:
    """What the desk answers instead of the agent (messages may be empty: a counsellor has it)."""

    language: str
    messages: list[ReplyMessage]


@dataclass(frozen=True)
class DeskCheck:
    """Before the agent's turn: the desk's own reply (None: the agent answers), and whether the
    conversation waits in the queue (then the agent's lines join what the counsellor will read)."""

    reply: DeskReply | None
    queued: bool


@dataclass(frozen=True)
class Events:
    messages: list[ReplyMessage]
    cursor: int
    typing: bool


def split_conversation(conversation_id: str) -> tuple[str, str]:
    """("web", "s-…") from "web:s-…" (a world session id keeps its own colon)."""
    channel, _, session_id = conversation_id.partition(":")
    return channel, session_id


def rating_score(text: str) -> int | None:
    """The score of a `/counsel_rating{"score": N}` button, or None."""
    raw = text.strip()[len(RATING) :]
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return None
    score = value.get("score") if isinstance(value, dict) else None
    return score if isinstance(score, int) and 1 <= score <= 5 else None


class CounselDesk:
    def __init__(self, engine: Engine, rasa: RasaClient, settings: AgentSettings) -> None:
        self._engine = engine
        self._migrated = False
        self._migrate_lock = threading.Lock()
        self._sessions = make_session_factory(engine)
        self._rasa = rasa
        self.hours = CounselHours.parse(settings.counsel_hours, settings.counsel_days)
        self._phone = settings.counsellor_phone
        self._handling = settings.counsel_handling_seconds
        self.poll_seconds = settings.counsel_poll_seconds
        self._deliverers: dict[str, Deliverer] = {}
        self._typing_signals: dict[str, TypingSignal] = {}
        self._typing_until: dict[str, float] = {}
        self._changed = asyncio.Event()
        # The agent's lines in a waiting conversation are written behind its reply, one
        # conversation's writes in order (each waits for the one before).
        self._writing: dict[str, asyncio.Task[None]] = {}

    # -- wiring -------------------------------------------------------------------------------

    def register(
        self, channel: str, deliver: Deliverer, typing: TypingSignal | None = None
    ) -> None:
        """How the desk reaches citizens of `channel` (web has none: its pages poll)."""
        self._deliverers[channel] = deliver
        if typing is not None:
            self._typing_signals[channel] = typing

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait_for_change(self, seconds: float) -> None:
        """Until something changes in this process, or `seconds` (capped by the poll period)."""
        changed = self._changed
        try:
            await asyncio.wait_for(changed.wait(), timeout=min(seconds, self.poll_seconds))
        except TimeoutError:
            pass

    async def db(self, work: Callable[[Session], Any]) -> Any:
        def run() -> Any:
            if not self._migrated:
                # The hand-off tables may be asked for before anything else migrated.
                with self._migrate_lock:
                    if not self._migrated:
                        migrate(self._engine)
                        self._migrated = True
            with self._sessions() as session:
                return work(session)

        return await asyncio.to_thread(run)

    # -- the citizen's side (converse) ------------------------------------------------------

    async def before_agent(
        self, *, channel: str, session_id: str, text: str, language: str | None
    ) -> DeskCheck:
        """The desk's answer when the conversation is in a hand-off, else the agent answers."""
        conversation_id = f"{channel}:{session_id}"
        await self.written(conversation_id)  # the agent's last lines before the citizen's
        stripped = text.strip()
        # A citizen waiting in the queue keeps talking to the agent: their line goes into the
        # transcript on the same visit to the store that finds the hand-off. Ratings and
        # leaving the queue are the desk's own (`_desk_reply`).
        noted = not stripped.startswith(RATING) and stripped != LEAVE

        def look_up(session: Session) -> tuple[CounselHandoff | None, bool]:
            handoff = counsel.active_handoff(session, conversation_id)
            if noted and handoff is not None and handoff.state == "waiting":
                counsel.add_message(session, handoff, author="citizen", text=text)
                return handoff, True
            return handoff, False

        handoff, written = await self.db(look_up)
        if written:
            self._notify()
            return DeskCheck(reply=None, queued=True)
        reply = await self._desk_reply(conversation_id, handoff, text, language)
        queued = handoff is not None and handoff.state == "waiting"
        return DeskCheck(reply=reply, queued=reply is None and queued)

    async def _desk_reply(
        self,
        conversation_id: str,
        handoff: CounselHandoff | None,
        text: str,
        language: str | None,
    ) -> DeskReply | None:
        stripped = text.strip()
        if stripped.startswith(RATING) and (handoff is None or handoff.state != "held"):
            return await self._rate(conversation_id, stripped, language)
        if handoff is None:
            return None
        lang = handoff.language
        if handoff.state == "held":
            await self.db(lambda s: counsel.add_message(s, handoff, author="citizen", text=text))
            self._notify()
            return DeskReply(language=lang, messages=[])
        if stripped == LEAVE and handoff.state in ("waiting", "writing", "message"):
            await self.db(lambda s: counsel.leave(s, handoff))
            await self._after_leaving_queue(handoff)
            self._notify()
            left = ReplyMessage(
                text=counsel_line("counsel.left", lang),
                handoff=Handoff(state="left"),
                language=lang,
            )
            return DeskReply(language=lang, messages=[left])
        if handoff.state == "writing" and not stripped.startswith("/"):
            await self.db(lambda s: counsel.leave_message(s, handoff, text))
            self._notify()
            taken = ReplyMessage(
                text=counsel_line("counsel.message_left", lang),
                handoff=Handoff(state="message_left"),
                language=lang,
            )
            return DeskReply(language=lang, messages=[taken])
        if handoff.state == "message":
            # The agent keeps answering after a message was left; the counsellor will see it.
            # (A waiting citizen's line was written by `before_agent`.)
            await self.db(lambda s: counsel.add_message(s, handoff, author="citizen", text=text))
            self._notify()
        return None

    async def after_agent(
        self,
        *,
        channel: str,
        session_id: str,
        text: str,
        language: str,
        messages: list[ReplyMessage],
        queued: bool = True,
    ) -> list[ReplyMessage]:
        """The agent's reply, with a hand-off request turned into a place in the queue.

        `queued` (from `before_agent`) False spares the store a visit on an ordinary turn."""
        conversation_id = f"{channel}:{session_id}"
        requested = next(
            (m for m in messages if m.handoff is not None and m.handoff.state == "requested"),
            None,
        )
        if requested is None:
            if queued:
                self._write_behind(conversation_id, messages)
            return messages
        lang = requested.language or language
        easy = bool(requested.easy_mode)
        earlier: list[tuple[str, str]] = []
        try:
            if not queued:  # asked again while waiting: the queue already has the transcript
                earlier = await self._rasa.recent_turns(conversation_id)
        except RasaUnavailable as error:
            logger.warning("counsel: no transcript from rasa (%s)", error)
        asked = [line for author, line in earlier if author == "citizen"]
        # The question before "a counsellor, please" says what it is about.
        preview = asked[-2] if len(asked) >= 2 else (asked[-1] if asked else text)
        open_now = self.hours.is_open(_utcnow())
        handoff, _created = await self.db(
            lambda s: counsel.join_queue(
                s,
                conversation_id=conversation_id,
                channel=channel,
                language=lang,
                preview=preview,
                earlier=earlier,
                open_now=open_now,
            )
        )
        self._notify()
        replaced = await self._queue_message(handoff, easy=easy)
        # The conversation's easy mode travels with the reply (channels follow it).
        replaced = replaced.model_copy(update={"easy_mode": requested.easy_mode})
        return [replaced if m is requested else m for m in messages]

    def _write_behind(self, conversation_id: str, messages: list[ReplyMessage]) -> None:
        """Add the agent's lines to the transcript after the reply has gone."""
        lines = [m.text for m in messages if m.text.strip()]
        if not lines:
            return
        before = self._writing.get(conversation_id)
        task = asyncio.create_task(self._record_agent_lines(conversation_id, lines, before))
        self._writing[conversation_id] = task
        task.add_done_callback(lambda done: self._written_done(conversation_id, done))

    def _written_done(self, conversation_id: str, task: asyncio.Task[None]) -> None:
        if self._writing.get(conversation_id) is task:
            del self._writing[conversation_id]

    async def written(self, conversation_id: str) -> None:
        """Until the agent lines being written for this conversation are in the store."""
        task = self._writing.get(conversation_id)
        if task is not None:
            await asyncio.shield(task)

    async def drain(self) -> None:
        """Until every agent line being written is in the store (on shutdown)."""
        while self._writing:
            await asyncio.gather(*self._writing.values(), return_exceptions=True)

    async def _record_agent_lines(
        self, conversation_id: str, lines: list[str], before: asyncio.Task[None] | None
    ) -> None:
        if before is not None:
            await asyncio.gather(before, return_exceptions=True)

        def record(session: Session) -> None:
            handoff = counsel.active_handoff(session, conversation_id)
            if handoff is not None and handoff.state == "waiting":
                for line in lines:
                    counsel.add_message(session, handoff, author="agent", text=line)

        try:
            await self.db(record)
        except Exception as error:  # noqa: BLE001 - the reply is out; say what was not kept
            logger.error("counsel: agent lines not kept (%s)", type(error).__name__)

    async def _queue_message(self, handoff: CounselHandoff, *, easy: bool) -> ReplyMessage:
        lang = handoff.language
        if handoff.state == "writing":
            return ReplyMessage(
                text=counsel_line(
                    "counsel.leave_message",
                    lang,
                    easy=easy,
                    hours=self.hours.describe(lang),
                    phone=self._phone,
                ),
                handoff=Handoff(state="leave_message", phone=self._phone),
                buttons=[Button(title=counsel_line("button.counsel.leave", lang), payload=LEAVE)],
                language=lang,
            )
        if handoff.state == "held":
            return ReplyMessage(
                text=counsel_line("counsel.connected", lang, easy=easy, name=handoff.holder_name),
                handoff=Handoff(state="connected", counsellor=handoff.holder_name),
                language=lang,
            )
        if handoff.state == "message":
            return ReplyMessage(
                text=counsel_line("counsel.message_left", lang, easy=easy),
                handoff=Handoff(state="message_left"),
                language=lang,
            )
        position, wait = await self.db(lambda s: self._position_and_wait(s, handoff))
        return ReplyMessage(
            text=counsel_line(
                "counsel.queued", lang, easy=easy, position=position, wait=wait_words(wait, lang)
            ),
            handoff=Handoff(state="queued", position=position, expected_wait_s=wait),
            buttons=[Button(title=counsel_line("button.counsel.leave", lang), payload=LEAVE)],
            language=lang,
        )

    def _position_and_wait(self, session: Session, handoff: CounselHandoff) -> tuple[int, int]:
        position = counsel.position_of(session, handoff)
        wait = counsel.expected_wait_seconds(session, position, default_handling=self._handling)
        return position, wait

    async def _rate(self, conversation_id: str, text: str, language: str | None) -> DeskReply:
        score = rating_score(text)
        rated = None
        if score is not None:
            rated = await self.db(lambda s: counsel.rate(s, conversation_id, score))
        lang = rated.language if rated is not None else (language or "ko")
        thanks = ReplyMessage(text=counsel_line("counsel.rated", lang), language=lang)
        return DeskReply(language=lang, messages=[thanks])

    # -- the counsellor's side --------------------------------------------------------------

    async def accept(
        self, *, conversation_id: str, holder_id: int, holder_name: str
    ) -> CounselHandoff:
        """Hold the conversation (AlreadyHeld / NotInQueue otherwise): the agent is paused,
        the citizen told who joined, and those still waiting their new place."""
        await self.written(conversation_id)  # the transcript the counsellor reads is whole
        before: CounselHandoff | None = await self.db(
            lambda s: counsel.active_handoff(s, conversation_id)
        )
        handoff: CounselHandoff = await self.db(
            lambda s: counsel.accept(
                s, conversation_id=conversation_id, holder_id=holder_id, holder_name=holder_name
            )
        )
        if before is not None and before.state == "held":
            return handoff  # the same counsellor again: nothing new to say
        await self._pause_agent(conversation_id)
        lang = handoff.language
        await self.say(
            handoff,
            ReplyMessage(
                text=counsel_line("counsel.connected", lang, name=holder_name),
                handoff=Handoff(state="connected", counsellor=holder_name),
                language=lang,
            ),
            author="service",
        )
        if before is not None and before.state == "waiting":
            await self._after_leaving_queue(handoff)
        return handoff

    async def _pause_agent(self, conversation_id: str) -> None:
        try:
            await self._rasa.append_events(conversation_id, [{"event": "pause"}])
        except RasaUnavailable as error:
            # The desk already keeps the agent out of a held conversation; this is the second
            # lock, for anything that would reach Rasa directly.
            logger.warning("counsel: could not pause the agent (%s)", error)

    async def counsellor_says(
        self, *, conversation_id: str, holder_id: int, text: str
    ) -> CounselMessage:
        clean = counsel.clean_text(text)
        handoff: CounselHandoff = await self.db(
            lambda s: counsel.held_by(s, conversation_id, holder_id)
        )
        self._typing_until.pop(conversation_id, None)
        return await self.say(
            handoff,
            ReplyMessage(text=clean, counsellor=handoff.holder_name, language=handoff.language),
            author="counsellor",
        )

    async def counsellor_typing(self, *, conversation_id: str, holder_id: int) -> None:
        handoff: CounselHandoff = await self.db(
            lambda s: counsel.held_by(s, conversation_id, holder_id)
        )
        self._typing_until[conversation_id] = time.monotonic() + TYPING_SECONDS
        self._notify()
        signal = self._typing_signals.get(handoff.channel)
        if signal is not None:
            _, session_id = split_conversation(conversation_id)
            try:
                await signal(session_id)
            except Exception as error:  # noqa: BLE001 - a typing hint must never fail a request
                logger.info("counsel: typing signal failed (%s)", type(error).__name__)

    def is_typing(self, conversation_id: str) -> bool:
        until = self._typing_until.get(conversation_id)
        return until is not None and until > time.monotonic()

    async def close(
        self, *, conversation_id: str, holder_id: int, category: str, note: str | None
    ) -> CounselHandoff:
        """Finish: category and note kept, the agent resumed, goodbye and a one-tap rating."""

        def finish(session: Session) -> CounselHandoff:
            handoff = counsel.held_by(session, conversation_id, holder_id)
            return counsel.close(session, handoff, category=category, note=note)

        handoff: CounselHandoff = await self.db(finish)
        self._typing_until.pop(conversation_id, None)
        try:
            await self._rasa.append_events(conversation_id, [{"event": "resume"}])
        except RasaUnavailable as error:
            logger.warning("counsel: could not resume the agent (%s)", error)
        lang = handoff.language
        await self.say(
            handoff,
            ReplyMessage(
                text=counsel_line("counsel.closed", lang),
                handoff=Handoff(state="closed"),
                buttons=[
                    Button(
                        title=counsel_line(f"button.counsel.rating.{score}", lang),
                        payload=f'{RATING}{{"score": {score}}}',
                    )
                    for score in RATING_SCORES
                ],
                language=lang,
            ),
            author="service",
        )
        return handoff

    async def say(
        self, handoff: CounselHandoff, message: ReplyMessage, *, author: str
    ) -> CounselMessage:
        """Keep the message in the transcript and deliver it on the conversation's channel."""
        payload = message.as_payload()
        stored: CounselMessage = await self.db(
            lambda s: counsel.add_message(
                s, handoff, author=author, text=message.text, delivery=payload
            )
        )
        self._notify()
        deliver = self._deliverers.get(handoff.channel)
        if deliver is not None:
            _, session_id = split_conversation(handoff.conversation_id)
            try:
                await deliver(session_id, message)
            except Exception as error:  # noqa: BLE001 - kept in the transcript; log and go on
                logger.warning(
                    "counsel: delivery on %s failed (%s)", handoff.channel, type(error).__name__
                )
        return stored

    async def _after_leaving_queue(self, gone: CounselHandoff) -> None:
        """Everyone who waited behind `gone` moved up one place: tell them."""

        def behind(session: Session) -> list[tuple[CounselHandoff, int, int]]:
            moved = []
            for handoff in counsel.waiting(session):
                if (handoff.requested_at, handoff.id) > (gone.requested_at, gone.id):
                    position, wait = self._position_and_wait(session, handoff)
                    moved.append((handoff, position, wait))
            return moved

        for handoff, position, wait in await self.db(behind):
            lang = handoff.language
            await self.say(
                handoff,
                ReplyMessage(
                    text=counsel_line(
                        "counsel.moved", lang, position=position, wait=wait_words(wait, lang)
                    ),
                    handoff=Handoff(state="queued", position=position, expected_wait_s=wait),
                    language=lang,
                ),
                author="service",
            )

    # -- web pages --------------------------------------------------------------------------

    async def events(
        self, conversation_id: str, *, after: int, wait_seconds: float, shown_typing: bool = False
    ) -> Events:
        """Messages for the citizen after the cursor; waits up to `wait_seconds` for the first, or
        for the counsellor's typing to differ from what the page shows."""
        deadline = time.monotonic() + wait_seconds
        while True:
            rows: list[CounselMessage] = await self.db(
                lambda s: counsel.deliveries_after(s, conversation_id, after)
            )
            typing = self.is_typing(conversation_id)
            remaining = deadline - time.monotonic()
            if rows or typing != shown_typing or remaining <= 0:
                messages = [
                    ReplyMessage.model_validate(row.delivery) for row in rows if row.delivery
                ]
                cursor = rows[-1].id if rows else after
                return Events(messages=messages, cursor=cursor, typing=typing)
            await self.wait_for_change(remaining)


def _utcnow() -> datetime:
    return datetime.now(UTC)
