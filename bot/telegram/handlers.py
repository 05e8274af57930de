"""Telegram handlers: pass the citizen's text to the agent and render the agent's reply.

State stays in the agent's tracker (sender `telegram:<chat_id>`); what this module remembers
(recent update ids, rate-limit windows, edited-message notices) is short-lived protection only.
Message text is never logged above DEBUG, and then masked.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from agent.conversation import AgentReply
from agent.language import choose_language
from agent.rasa_client import RasaUnavailable
from agent.reply import ReplyMessage
from agent.translation import TranslatingAgent
from agent.voice import AUDIO_ROUTE, Voice, add_audio, wants_voice
from bot.telegram.guards import ChatLocks, RateLimiter, RecentKeys, Verdict
from bot.telegram.render import (
    BUTTON_BY_INDEX,
    MAX_CALLBACK_BYTES,
    MAX_MESSAGE_LENGTH,
    RETRY,
    AudioPart,
    TextPart,
    compact_payload,
    escape,
    render,
    units,
)
from bot.telegram.texts import command_list, line
from knowledge.language import normalise_language

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
Context = ContextTypes.DEFAULT_TYPE

# Commands that go to the agent as intents (button payloads skip NLU).
COMMAND_INTENTS = {
    "start": "/greet",
    "help": "/ask_capabilities",
    "easy": "/easy_mode",
    "counsellor": "/human_handoff",
    "documents": "/request_document",
}
# The chat's own voice toggle (/voice) and whether its last reply was spoken, kept in the
# application's chat_data (per worker process; a restart falls back to easy mode and the setting).
VOICE_CHOICE = "voice"
VOICE_HEARD = "voice_heard"
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}
_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def change_language_payload(code: str) -> str:
    return f'/change_language{{"language":"{code}"}}'


def notice_language(update: Update, text: str = "") -> str:
    """Language for the channel's own notices: the text's, else the Telegram app's setting."""
    user = update.effective_user
    return choose_language(requested=user.language_code if user else None, text=text, current=None)


class Channel:
    """The handlers of one Telegram application, sharing the agent client and the guards."""

    def __init__(
        self,
        *,
        agent: TranslatingAgent,
        max_message_chars: int,
        rate_limiter: RateLimiter,
        retry_delay_seconds: float,
        voice: Voice | None = None,
        voice_by_default: bool = False,
    ) -> None:
        self._agent = agent
        self._voice = voice
        self._voice_by_default = voice_by_default
        self._max_message_chars = max_message_chars
        self._rate_limiter = rate_limiter
        self._retry_delay_seconds = retry_delay_seconds
        self._seen_updates = RecentKeys()
        self._edited_messages = RecentKeys()
        self._locks = ChatLocks()

    # Guards (groups before the handlers) -------------------------------------------------

    async def drop_duplicates(self, update: Update, context: Context) -> None:
        """Handle each update_id once: Telegram resends updates whose answer came late."""
        if not self._seen_updates.add(update.update_id):
            logger.info("dropped a duplicate update %s", update.update_id)
            raise ApplicationHandlerStop

    async def limit_rate(self, update: Update, context: Context) -> None:
        """Let each user send a few messages a moment; tell them politely once, then wait."""
        user = update.effective_user
        if user is None:
            return
        verdict = self._rate_limiter.check(user.id)
        if verdict is Verdict.ALLOWED:
            return
        logger.info("rate limit for a telegram user (%s)", verdict.value)
        if verdict is Verdict.NOTIFY:
            said = update.effective_message.text if update.effective_message else None
            notice = line("rate_limited", notice_language(update, said or ""))
            if update.callback_query is not None:
                await self._answer_query(update, notice)
            elif update.effective_chat is not None:
                await context.bot.send_message(update.effective_chat.id, notice)
        elif update.callback_query is not None:
            await self._answer_query(update)
        raise ApplicationHandlerStop

    # Commands ----------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """Greet with the main services as buttons, in the language of the user's Telegram."""
        user = update.effective_user
        language = normalise_language(user.language_code if user else None)
        await self._ask(update, context, COMMAND_INTENTS["start"], language=language)

    async def help(self, update: Update, context: Context) -> None:
        """List what Haechi can help with."""
        await self._ask(update, context, COMMAND_INTENTS["help"])

    async def easy(self, update: Update, context: Context) -> None:
        """Switch to easy mode: short sentences, plain words, one question at a time."""
        await self._ask(update, context, COMMAND_INTENTS["easy"])

    async def voice(self, update: Update, context: Context) -> None:
        """`/voice` turns spoken replies (voice notes) on or off for this chat."""
        chat_data = context.chat_data if context.chat_data is not None else {}
        heard = chat_data.get(VOICE_HEARD, self._voice_by_default)
        spoken = not chat_data.get(VOICE_CHOICE, heard)
        chat_data[VOICE_CHOICE] = spoken
        await self._notify(
            update, context, line("voice.on" if spoken else "voice.off", notice_language(update))
        )

    async def counsellor(self, update: Update, context: Context) -> None:
        """Ask for a human 120 counsellor."""
        await self._ask(update, context, COMMAND_INTENTS["counsellor"])

    async def documents(self, update: Update, context: Context) -> None:
        """Start a request for an administrative document (delivered to the wallet)."""
        await self._ask(update, context, COMMAND_INTENTS["documents"])

    async def lang(self, update: Update, context: Context) -> None:
        """`/lang en` switches the reply language; `/lang` alone offers the choices."""
        code = context.args[0] if context.args else ""
        if _LANGUAGE_CODE.match(code):
            await self._ask(update, context, change_language_payload(code.lower()))
            return
        choices = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(name, callback_data=change_language_payload(code))]
                for code, name in LANGUAGE_NAMES.items()
            ]
        )
        await self._notify(
            update, context, line("choose_language", notice_language(update)), markup=choices
        )

    async def unknown_command(self, update: Update, context: Context) -> None:
        """Answer a command we do not know with the list of those we do."""
        language = notice_language(update)
        text = line("unknown_command", language, commands=command_list(language))
        await self._notify(update, context, text)

    # Messages ----------------------------------------------------------------------------

    async def text(self, update: Update, context: Context) -> None:
        """Pass a text message to the agent and show its reply."""
        message = update.effective_message
        if message is None or not message.text:
            return
        if len(message.text) > self._max_message_chars:
            notice = line(
                "too_long",
                notice_language(update, message.text),
                limit=str(self._max_message_chars),
            )
            await self._notify(update, context, notice)
            return
        await self._ask(update, context, message.text, reply_to=message)

    async def edited(self, update: Update, context: Context) -> None:
        """An edit is not a new question: say so once per message, never ask the agent again."""
        message = update.edited_message
        if message is None or not self._edited_messages.add((message.chat_id, message.message_id)):
            return
        notice = line("edited", notice_language(update, message.text or ""))
        await self._notify(update, context, notice)

    async def unsupported(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice notes and files get a helpful reply instead of silence."""
        message = update.effective_message
        if message is None:
            return
        if message.sticker is not None:
            kind = "sticker"
        elif message.photo or message.video or message.animation or message.video_note:
            kind = "photo"
        elif message.voice is not None or message.audio is not None:
            kind = "voice"
        elif message.document is not None:
            kind = "file"
        else:
            kind = "other"
        await self._notify(update, context, line(f"unsupported.{kind}", notice_language(update)))

    async def button(self, update: Update, context: Context) -> None:
        """A pressed inline button: answer the query, note the choice, ask the agent."""
        query = update.callback_query
        if query is None:
            return
        await self._answer_query(update)
        data = query.data or ""
        message = query.message if isinstance(query.message, Message) else None
        if data == RETRY:
            await self._retry(update, context, message)
            return
        title = _pressed_title(message, data)
        text = title if data.startswith(BUTTON_BY_INDEX) else data
        if not text:
            return
        if message is not None:
            await _mark_choice(message, title)
        await self._ask(update, context, text)

    async def on_error(self, update: object, context: Context) -> None:
        """Log a failed update by its kind only: the error, never the citizen's text."""
        error = context.error
        logger.error(
            "telegram update failed: %s",
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__) if error is not None else None,
        )

    async def _notify(
        self,
        update: Update,
        context: Context,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """One of the channel's own notices, in turn with the chat's other replies."""
        chat = update.effective_chat
        if chat is None:
            return
        async with self._locks.hold(chat.id):
            await context.bot.send_message(chat.id, text, reply_markup=markup)

    # The agent ---------------------------------------------------------------------------

    async def _ask(
        self,
        update: Update,
        context: Context,
        text: str,
        *,
        language: str | None = None,
        reply_to: Message | None = None,
    ) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        async with self._locks.hold(chat.id):
            await _typing(context, chat.id)
            user = update.effective_user
            visitor_language = user.language_code if user else None
            reply = await self._converse_with_retry(chat.id, text, language, visitor_language)
            if reply is None:
                await self._apologise(update, context, text, reply_to=reply_to)
                return
            messages = reply.messages
            choice = context.chat_data.get(VOICE_CHOICE) if context.chat_data else None
            metadata = {} if choice is None else {"voice": choice}
            spoken = wants_voice(metadata, messages, default=self._voice_by_default)
            if context.chat_data is not None:
                context.chat_data[VOICE_HEARD] = spoken
            await send_reply(context, chat.id, messages, voice=self._voice)
            if self._voice is not None and spoken:
                # The text first; the voice notes follow once spoken (Piper takes seconds).
                voiced = await add_audio(self._voice, messages, language=reply.language)
                notes = [
                    ReplyMessage(audio_url=said.audio_url, language=said.language)
                    for said, original in zip(voiced, messages, strict=True)
                    if said.audio_url and said.audio_url != original.audio_url
                ]
                await send_reply(context, chat.id, notes, voice=self._voice)

    async def _converse_with_retry(
        self, chat_id: int, text: str, language: str | None, visitor_language: str | None
    ) -> AgentReply | None:
        """The agent's reply, trying twice; None when the agent is down both times.

        Through the translating agent, as on the web: a visitor writing Japanese (or whose
        Telegram app is set to it) is answered in Japanese, marked, when a package is installed,
        and otherwise in English with one line saying why."""
        for attempt in (1, 2):
            try:
                reply = await self._agent.converse(
                    channel=CHANNEL,
                    session_id=str(chat_id),
                    text=text,
                    language=language,
                    visitor_language=visitor_language,
                )
            except RasaUnavailable as error:
                logger.warning("agent unavailable for telegram (try %d): %s", attempt, error)
            else:
                if reply.answered:
                    return reply
                logger.warning("agent gave no reply for telegram (try %d)", attempt)
            if attempt == 1:
                await asyncio.sleep(self._retry_delay_seconds)
        return None

    async def _apologise(
        self, update: Update, context: Context, text: str, *, reply_to: Message | None
    ) -> None:
        """Say sorry with a retry button; the retry finds the text in the replied-to message."""
        chat = update.effective_chat
        if chat is None:
            return
        language = notice_language(update, text)
        retry_data: str | None = RETRY if reply_to is not None else compact_payload(text)
        if retry_data is not None and len(retry_data.encode()) > MAX_CALLBACK_BYTES:
            retry_data = None
        markup = (
            InlineKeyboardMarkup(
                [[InlineKeyboardButton(line("button.retry", language), callback_data=retry_data)]]
            )
            if retry_data
            else None
        )
        await context.bot.send_message(
            chat.id,
            line("outage", language),
            reply_markup=markup,
            reply_to_message_id=reply_to.message_id if reply_to else None,
        )

    async def _retry(self, update: Update, context: Context, message: Message | None) -> None:
        original = message.reply_to_message if message is not None else None
        if original is None or not original.text:
            chat = update.effective_chat
            if chat is not None:
                await context.bot.send_message(
                    chat.id, line("outage.resend", notice_language(update))
                )
            return
        if message is not None:
            await _without_keyboard(message)
        await self._ask(update, context, original.text, reply_to=original)

    async def _answer_query(self, update: Update, text: str | None = None) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer(text=text)
        except TelegramError as error:
            # Too old or already answered: the press is still handled.
            logger.info("could not answer a callback query: %s", type(error).__name__)


async def send_reply(
    context: Context, chat_id: int, messages: list[ReplyMessage], *, voice: Voice | None = None
) -> None:
    """Send the agent's messages in order: text parts, then audio."""
    for reply in messages:
        for part in render(reply):
            if isinstance(part, TextPart):
                await context.bot.send_message(
                    chat_id,
                    part.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=part.keyboard,
                    link_preview_options=_NO_PREVIEW,
                )
            elif isinstance(part, AudioPart):
                await _send_audio(context, chat_id, part, reply.language, voice)


async def _send_audio(
    context: Context, chat_id: int, part: AudioPart, language: str | None, voice: Voice | None
) -> None:
    """Our own clips are uploaded from the cache (Telegram cannot reach the gateway); other
    audio goes by URL. When Telegram refuses, a link to listen instead."""
    if part.url.startswith(f"{AUDIO_ROUTE}/"):
        clip = voice.find(part.url.removeprefix(f"{AUDIO_ROUTE}/")) if voice else None
        if clip is None:
            logger.warning("a spoken clip is missing from the cache; sent without audio")
            return
        try:
            if part.voice:
                await context.bot.send_voice(chat_id, voice=clip)
            else:
                await context.bot.send_audio(chat_id, audio=clip)
        except TelegramError as error:
            logger.warning("voice note could not be sent (%s)", type(error).__name__)
        return
    try:
        if part.voice:
            await context.bot.send_voice(chat_id, voice=part.url)
        else:
            await context.bot.send_audio(chat_id, audio=part.url)
    except TelegramError as error:
        logger.warning("audio could not be sent (%s); sending a link", type(error).__name__)
        label = escape(line("audio.link", language))
        await context.bot.send_message(
            chat_id,
            f'🔊 <a href="{html.escape(part.url, quote=True)}">{label}</a>',
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
        )


async def _typing(context: Context, chat_id: int) -> None:
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as error:
        logger.debug("typing indicator failed: %s", type(error).__name__)


def _pressed_title(message: Message | None, data: str) -> str:
    """The title of the pressed button, read from the message's own keyboard."""
    if message is None or message.reply_markup is None:
        return ""
    for row in message.reply_markup.inline_keyboard:
        for key in row:
            if key.callback_data == data:
                return key.text
    return ""


async def _mark_choice(message: Message, title: str) -> None:
    """Show what was chosen under the question and take the buttons away (no stale presses)."""
    try:
        original = message.text_html if message.text else ""
        echo = f"▶ {title}" if title else ""
        if original and echo and units(message.text or "") + units(echo) + 2 <= MAX_MESSAGE_LENGTH:
            await message.edit_text(
                f"{original}\n\n{escape(echo)}",
                parse_mode=ParseMode.HTML,
                link_preview_options=_NO_PREVIEW,
            )
        else:
            await message.edit_reply_markup(reply_markup=None)
    except TelegramError as error:
        logger.debug("could not mark the choice: %s", type(error).__name__)


async def _without_keyboard(message: Message) -> None:
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramError as error:
        logger.debug("could not remove a keyboard: %s", type(error).__name__)
