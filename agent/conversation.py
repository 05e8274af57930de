"""One citizen message to the agent and its reply: the path every channel shares.

The web chat API (`/api/v1/chat`) and the Telegram channel both call `converse`; each channel
validates its own input and renders the reply its own way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent.language import choose_language
from agent.rasa_client import RasaClient
from agent.reply import Handoff, ReplyMessage
from agent.settings import get_settings
from civic.privacy import mask_personal_numbers, mask_registration_numbers
from knowledge import morphemes

if TYPE_CHECKING:
    from agent.counsel_desk import CounselDesk

logger = logging.getLogger(__name__)

# Set by a process that keeps analytics (the gateway): counts each message of a conversation
# (channel, sender id) so staff see conversations per channel per day; the id is never stored.
# It must return at once (KnowledgeBase.count_turn queues the write).
turn_counter: Callable[[str, str], None] | None = None
# Set by a process that serves citizens (the gateway, the Telegram worker): conversations in a
# counsellor hand-off go to the desk (agent/counsel_desk.py), and a hand-off request queues.
counsel_desk: CounselDesk | None = None

_NO_REPLY = {
    "ko": "죄송합니다. 지금은 답변을 드리기 어렵습니다. 잠시 후 다시 시도해 주시거나, 급하신 "
    "경우 국번 없이 {phone}번으로 전화해 주세요.",
    "en": "I'm sorry, I can't answer right now. Please try again in a moment, or call {phone} "
    "if it is urgent.",
}


def no_reply(language: str) -> str:
    """The apology when the agent cannot answer, with the counsellor number from settings."""
    template = _NO_REPLY.get(language, _NO_REPLY["ko"])
    return template.format(phone=get_settings().counsellor_phone)


@dataclass(frozen=True)
class AgentReply:
    """The agent's reply: its language, the messages, and whether the agent itself answered.

    `answered` is False when the agent returned nothing (an action failed inside Rasa) and the
    messages are our stand-in apology with a counsellor offer.
    """

    language: str
    messages: list[ReplyMessage]
    answered: bool


async def converse(
    rasa: RasaClient,
    *,
    channel: str,
    session_id: str,
    text: str,
    language: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> AgentReply:
    """Pass one message to the agent (one conversation per channel and session) and reply.

    Raises `RasaUnavailable` when Rasa does not answer; callers decide how to say so.
    """
    metadata = dict(metadata or {})
    metadata["channel"] = channel
    if language:
        metadata["language"] = language
    sender_id = f"{channel}:{session_id}"
    logger.debug("chat %s: %s", sender_id, mask_personal_numbers(text))
    # Nothing Haechi does needs a registration number typed into a chat (identity is proven
    # with a one-time code): it never reaches Rasa's tracker store in clear.
    text = mask_registration_numbers(text)
    desk = counsel_desk
    # Kiwi runs once a message, here: Rasa's tokenizer and the action server's search read these
    # morphemes instead of each keeping Kiwi's model in memory (nlu/components/kiwi_tokenizer.py).
    # Analysed while the desk looks the conversation up.
    analysing = asyncio.ensure_future(asyncio.to_thread(morphemes.analysis, text))
    queued = True
    if desk is not None:
        try:
            check = await desk.before_agent(
                channel=channel, session_id=session_id, text=text, language=language
            )
        except Exception as error:  # noqa: BLE001 - the desk's store failing must not cost
            # the citizen a reply: the agent answers instead.
            logger.error("counsel desk unavailable: %s", type(error).__name__)
            desk = None
        else:
            queued = check.queued
            if check.reply is not None:
                # A counsellor has the conversation (or the desk answered itself): no agent
                # turn.
                analysing.cancel()
                return AgentReply(
                    language=check.reply.language, messages=check.reply.messages, answered=True
                )
    try:
        metadata["morphemes"] = await analysing
    except Exception as error:  # noqa: BLE001 - Rasa then analyses the message itself
        logger.error("no morphemes for this message: %s", type(error).__name__)
    messages = await rasa.send(sender_id=sender_id, text=text, metadata=metadata)
    if turn_counter is not None:
        turn_counter(channel, sender_id)  # queued: written behind the reply
    reply_language = next((m.language for m in reversed(messages) if m.language), None)
    reply_language = reply_language or choose_language(requested=language, text=text, current=None)
    if desk is not None and messages:
        try:
            messages = await desk.after_agent(
                channel=channel,
                session_id=session_id,
                text=text,
                language=reply_language,
                messages=messages,
                queued=queued,
            )
        except Exception as error:  # noqa: BLE001 - the agent's own reply (call 120) stands
            logger.error("counsel desk could not queue: %s", type(error).__name__)
    if messages:
        return AgentReply(language=reply_language, messages=messages, answered=True)
    # An action failed inside Rasa; the citizen still deserves an answer and a way out.
    logger.warning("rasa returned no reply (channel %s)", channel)
    apology = ReplyMessage(
        text=no_reply(reply_language),
        handoff=Handoff(state="offered", phone=get_settings().counsellor_phone),
        language=reply_language,
    )
    return AgentReply(language=reply_language, messages=[apology], answered=False)
