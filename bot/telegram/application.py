"""The Telegram Application, built in one place, and long polling for local use."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from agent.rasa_client import RasaClient
from agent.translation import TranslatingAgent, translating_agent
from agent.voice import voice_for
from bot.settings import GatewaySettings
from bot.telegram.guards import RateLimiter
from bot.telegram.handlers import Channel
from bot.telegram.texts import COMMANDS

logger = logging.getLogger(__name__)

TelegramApplication = Application[ExtBot[None], Any, Any, Any, Any, Any]

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# Updates processed at once; messages of one chat still go to the agent in order.
CONCURRENT_UPDATES = 16


def telegram_token(settings: GatewaySettings) -> str | None:
    """The bot token, or None when Telegram is off."""
    if settings.telegram_token is None:
        return None
    return settings.telegram_token.get_secret_value().strip() or None


def build_application(
    settings: GatewaySettings,
    rasa: RasaClient,
    *,
    rate_limiter: RateLimiter | None = None,
    retry_delay_seconds: float = 1.0,
    polling: bool = True,
    agent: TranslatingAgent | None = None,
) -> TelegramApplication:
    """The bot with all its handlers; `polling=False` builds it without an Updater (webhook).

    `agent` is the gateway's translating agent (webhook mode); without one the bot makes its own
    over `rasa`, sharing translation memory through Redis when HAECHI_REDIS_URL is set.
    """
    token = telegram_token(settings)
    if token is None:
        raise ValueError("HAECHI_TELEGRAM_TOKEN is not set")
    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if not polling:
        builder = builder.updater(None)
    application: TelegramApplication = builder.build()
    channel = Channel(
        agent=agent
        or translating_agent(
            rasa,
            data_dir=settings.data_dir,
            redis_url=settings.redis_url,
            redis_prefix=settings.redis_prefix,
        ),
        max_message_chars=settings.max_message_chars,
        rate_limiter=rate_limiter or RateLimiter(),
        retry_delay_seconds=retry_delay_seconds,
        voice=voice_for(settings),
        voice_by_default=settings.voice_replies,
    )
    new_message = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, channel.drop_duplicates), group=-2)
    application.add_handler(TypeHandler(Update, channel.limit_rate), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", channel.start, filters=new_message),
            CommandHandler("help", channel.help, filters=new_message),
            CommandHandler("lang", channel.lang, filters=new_message),
            CommandHandler("easy", channel.easy, filters=new_message),
            CommandHandler("voice", channel.voice, filters=new_message),
            CommandHandler("counsellor", channel.counsellor, filters=new_message),
            CommandHandler("documents", channel.documents, filters=new_message),
            MessageHandler(new_message & filters.COMMAND, channel.unknown_command),
            MessageHandler(new_message & filters.TEXT, channel.text),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, channel.edited),
            MessageHandler(new_message & filters.ATTACHMENT, channel.unsupported),
            CallbackQueryHandler(channel.button),
        ]
    )
    application.add_error_handler(channel.on_error)
    return application


async def announce_commands(application: TelegramApplication) -> None:
    """Register the command menu: Korean by default, English for English-language apps."""
    try:
        for language, commands in COMMANDS.items():
            await application.bot.set_my_commands(
                [BotCommand(name, description) for name, description in commands],
                language_code=None if language == "ko" else language,
            )
    except TelegramError as error:
        logger.warning("could not set the Telegram command menu: %s", type(error).__name__)


async def serve_polling(
    application: TelegramApplication, stop: asyncio.Event, *, poll_timeout: int = 30
) -> None:
    """Long-poll Telegram until `stop` is set (removes any webhook first, as Telegram requires)."""
    updater = application.updater
    if updater is None:
        raise ValueError("the application was built without an Updater (webhook mode)")
    async with application:
        await announce_commands(application)
        await application.start()
        await updater.start_polling(
            timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
        )
        logger.info("Telegram long polling started")
        try:
            await stop.wait()
        finally:
            await updater.stop()
            await application.stop()
            logger.info("Telegram long polling stopped")
