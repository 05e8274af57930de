"""converse() for visitors writing in any language: offline machine translation around it.

Korean and English go straight to the agent, as before. Another language (identified by
knowledge.translation.identify) is, when a package for it is installed, translated into
English before the agent reads it, and every reply is translated back, marked as machine
translation, with a button that shows the English (or Korean) original. Without a package the
agent answers in English, or in Korean for a citizen who last wrote Korean, and says in one
line that it cannot translate into that language offline yet.

A conversation remembers its visitor's language, so a button press or an "ok" stays in it,
and writing Korean or English again switches back. A channel that knows the visitor's language
before any text shows it (Telegram's language_code) passes it as `visitor_language`; the text
wins once it shows one. That memory and the originals behind the "show original" button live in
agent/translation_memory.py: in this process by default, in Redis (shared by every replica and
the Telegram worker) when HAECHI_REDIS_URL is set.

Every channel goes through one TranslatingAgent: the web chat, Telegram and the world's NPCs.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from agent.conversation import AgentReply, converse
from agent.rasa_client import RasaClient
from agent.reply import Button, MachineTranslation, ReplyMessage
from agent.translation_memory import (
    LocalTranslationMemory,
    TranslationMemory,
    VisitorSession,
    translation_memory_for,
)
from agent.translation_texts import translation_line
from knowledge.language import SUPPORTED_LANGUAGES
from knowledge.translation.identify import identify_language
from knowledge.translation.languages import LANGUAGE_NAMES, language_name, machine_translation_mark
from knowledge.translation.translator import TranslationFailed, Translator, translator_for

logger = logging.getLogger(__name__)

SHOW_ORIGINAL = "/show_original"


def _easy(messages: list[ReplyMessage]) -> bool:
    """Whether the conversation is in easy mode, as the agent's own reply says."""
    return any(message.easy_mode for message in messages)


def _channel_language(code: str | None) -> str | None:
    """A channel's language hint ("ja-JP", "pt_BR") as a code the agent knows, else None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGE_NAMES else None


class TranslatingAgent:
    """Wraps converse() with identification and translation; one per gateway process."""

    def __init__(
        self,
        rasa: RasaClient,
        translator: Translator,
        memory: TranslationMemory | None = None,
    ) -> None:
        self._rasa = rasa
        self._translator = translator
        self._memory: TranslationMemory = memory or LocalTranslationMemory()

    async def close(self) -> None:
        await self._memory.close()

    # People's own words (the world's live-translation rooms), not the agent's replies.

    @staticmethod
    def identify(text: str) -> str | None:
        """The language a text is written in (ISO 639-1), or None when it shows none."""
        return identify_language(text)

    async def translate_words(self, text: str, source: str, target: str) -> str | None:
        """A person's message in another language; None when no installed package can."""

        def run() -> str | None:
            if source == target:
                return text
            if not self._translator.can_translate(source, target):
                return None
            try:
                return self._translator.translate(text, source, target)
            except TranslationFailed:
                return None

        return await asyncio.to_thread(run)

    async def converse(
        self,
        *,
        channel: str,
        session_id: str,
        text: str,
        language: str | None = None,
        metadata: dict[str, Any] | None = None,
        visitor_language: str | None = None,
    ) -> AgentReply:
        key = f"{channel}:{session_id}"
        remembered = await self._memory.load(key)
        session = remembered or VisitorSession()
        if text.strip() == SHOW_ORIGINAL:
            return self._show_original(session)
        before = (session.foreign, session.base)
        identified = identify_language(text)
        if identified is None and remembered is None:
            # Nothing in the text (a command, a button) and nothing remembered: the channel's
            # idea of the visitor's language, if it has one.
            identified = _channel_language(visitor_language)
        if identified in SUPPORTED_LANGUAGES:
            session.foreign = None
            session.base = identified
        elif identified is not None:
            session.foreign = identified
        if remembered is None or (session.foreign, session.base) != before:
            await self._memory.save(key, session)
        foreign = session.foreign
        if foreign is None:
            return await converse(
                self._rasa,
                channel=channel,
                session_id=session_id,
                text=text,
                language=language,
                metadata=metadata,
            )
        metadata = dict(metadata or {})
        metadata["visitor_language"] = foreign
        base = await asyncio.to_thread(self._base_for, foreign, session.base)
        if base is None:
            # English, or Korean for a citizen who has written Korean in this conversation.
            base = session.base
            metadata["machine_translation"] = False
            reply = await converse(
                self._rasa,
                channel=channel,
                session_id=session_id,
                text=text,
                language=base,
                metadata=metadata,
            )
            said = translation_line(
                "translation.no_package",
                base,
                easy=_easy(reply.messages),
                name=language_name(foreign, base),
            )
            notice = ReplyMessage(text=said, language=base, easy_mode=_easy(reply.messages) or None)
            return AgentReply(
                language=base, messages=[notice, *reply.messages], answered=reply.answered
            )
        metadata["machine_translation"] = True
        understood = text
        if identified == foreign:
            understood = await self._translate(text, foreign, base) or text
        reply = await converse(
            self._rasa,
            channel=channel,
            session_id=session_id,
            text=understood,
            language=base,
            metadata=metadata,
        )
        session.originals = reply.messages
        await self._memory.save(key, session)
        translated = [await self._translated_message(m, foreign, base) for m in reply.messages]
        return AgentReply(language=foreign, messages=translated, answered=reply.answered)

    def _base_for(self, foreign: str, preferred: str) -> str | None:
        """Korean or English, whichever packages translate to and from (the citizen's first)."""
        for base in (preferred, *(code for code in SUPPORTED_LANGUAGES if code != preferred)):
            both = self._translator.can_translate(foreign, base)
            if both and self._translator.can_translate(base, foreign):
                return base
        return None

    async def _translate(self, text: str, source: str, target: str) -> str | None:
        try:
            return await asyncio.to_thread(self._translator.translate, text, source, target)
        except TranslationFailed:
            return None

    async def _translated_message(
        self, message: ReplyMessage, foreign: str, base: str
    ) -> ReplyMessage:
        """The message in the visitor's language, marked, with its original one tap away."""
        original_language = message.language or base
        text = (
            await self._translate(message.text, original_language, foreign) if message.text else ""
        )
        if text is None:
            return message  # the original beats no answer; it stays unmarked because it is one
        buttons: list[Button] = []
        for button in message.buttons or []:
            title = await self._translate(button.title, original_language, foreign)
            buttons.append(Button(title=(title or button.title)[:120], payload=button.payload))
        buttons.append(
            Button(
                title=translation_line("button.show_original", original_language),
                payload=SHOW_ORIGINAL,
            )
        )
        marked = f"{text}\n\n[{machine_translation_mark(foreign)}]" if text else text
        return message.model_copy(
            update={
                "text": marked,
                "buttons": buttons,
                "language": foreign,
                "translation": MachineTranslation(
                    source_language=original_language,
                    target_language=foreign,
                    original_text=message.text,
                ),
            }
        )

    def _show_original(self, session: VisitorSession) -> AgentReply:
        if not session.originals:
            base = session.base
            said = translation_line("translation.nothing_to_show", base)
            return AgentReply(
                language=base,
                messages=[ReplyMessage(text=said, language=base)],
                answered=True,
            )
        language = session.originals[-1].language or session.base
        return AgentReply(language=language, messages=list(session.originals), answered=True)


def translating_agent(
    rasa: RasaClient, *, data_dir: Path, redis_url: str | None, redis_prefix: str = "haechi:"
) -> TranslatingAgent:
    """The process's agent: packages under the data folder, memory in Redis when there is one."""
    memory = translation_memory_for(redis_url, redis_prefix)
    return TranslatingAgent(rasa, translator_for(data_dir), memory)
