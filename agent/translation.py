"""converse() for visitors writing in any language: offline machine translation around it.

Korean and English go straight to the agent, as before. Another language (identified by
knowledge.translation.identify) is, when a package for it is installed, translated into
English before the agent reads it, and every reply is translated back, marked as machine
translation, with a button that shows the English (or Korean) original. Without a package the
agent answers in English, or in Korean for a citizen who last wrote Korean, and says in one
line that it cannot translate into that language offline yet.

A conversation remembers its visitor's language, so a button press or an "ok" stays in it,
and writing Korean or English again switches back. That memory and the originals behind the
"show original" button live in this process (bounded); a restart forgets them, and the next
message in the visitor's language brings them back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from agent.conversation import AgentReply, converse
from agent.rasa_client import RasaClient
from agent.reply import Button, MachineTranslation, ReplyMessage
from knowledge.language import SUPPORTED_LANGUAGES
from knowledge.translation.identify import identify_language
from knowledge.translation.languages import language_name, machine_translation_mark
from knowledge.translation.translator import PIVOT, TranslationFailed, Translator

logger = logging.getLogger(__name__)

SHOW_ORIGINAL = "/show_original"
_MAX_SESSIONS = 10_000

_NO_PACKAGE = {
    "en": "I can't translate into {name} offline yet, so I'm answering in English.",
    "ko": "{name}는 아직 오프라인으로 번역할 수 없어 한국어로 안내해 드립니다.",
}
_NOTHING_TO_SHOW = {
    "en": "There is no translated answer to show the original of yet.",
    "ko": "원문을 보여 드릴 번역된 답변이 아직 없습니다.",
}
_SHOW_ORIGINAL_TITLE = {"en": "Show original (English)", "ko": "원문 보기 (한국어)"}


@dataclass
class _Session:
    # The visitor's own language when it is neither Korean nor English.
    foreign: str | None = None
    # Korean or English: the language the agent answers in when it cannot translate.
    base: str = PIVOT
    originals: list[ReplyMessage] = field(default_factory=list)


class TranslatingAgent:
    """Wraps converse() with identification and translation; one per gateway process."""

    def __init__(self, rasa: RasaClient, translator: Translator) -> None:
        self._rasa = rasa
        self._translator = translator
        self._sessions: OrderedDict[str, _Session] = OrderedDict()

    def _session(self, key: str) -> _Session:
        session = self._sessions.pop(key, None) or _Session()
        self._sessions[key] = session
        while len(self._sessions) > _MAX_SESSIONS:
            self._sessions.popitem(last=False)
        return session

    async def converse(
        self,
        *,
        channel: str,
        session_id: str,
        text: str,
        language: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> AgentReply:
        session = self._session(f"{channel}:{session_id}")
        if text.strip() == SHOW_ORIGINAL:
            return self._show_original(session)
        identified = identify_language(text)
        if identified in SUPPORTED_LANGUAGES:
            session.foreign = None
            session.base = identified
        elif identified is not None:
            session.foreign = identified
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
            notice = ReplyMessage(
                text=_NO_PACKAGE[base].format(name=language_name(foreign, base)), language=base
            )
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
                title=_SHOW_ORIGINAL_TITLE.get(original_language, "Show original"),
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

    def _show_original(self, session: _Session) -> AgentReply:
        if not session.originals:
            base = session.base
            return AgentReply(
                language=base,
                messages=[ReplyMessage(text=_NOTHING_TO_SHOW[base], language=base)],
                answered=True,
            )
        language = session.originals[-1].language or session.base
        return AgentReply(language=language, messages=list(session.originals), answered=True)
