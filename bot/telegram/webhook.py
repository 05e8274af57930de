"""POST /telegram/webhook: Telegram pushes updates to the gateway (webhook mode).

Only requests carrying the secret given to setWebhook (header
`X-Telegram-Bot-Api-Secret-Token`, compared in constant time) are processed. Any number of
gateway workers can serve the webhook: the conversation lives in the agent's tracker.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from telegram import Update
from telegram.error import TelegramError

from agent.rasa_client import RasaClient
from agent.translation import TranslatingAgent
from bot.settings import GatewaySettings
from bot.telegram.application import (
    ALLOWED_UPDATES,
    TelegramApplication,
    announce_commands,
    build_application,
    telegram_token,
)

logger = logging.getLogger(__name__)

router = APIRouter(tags=["telegram"])

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"
MAX_UPDATE_BYTES = 1_000_000
# What Telegram accepts as a secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class WebhookChannel:
    """The Telegram application inside the gateway, initialized once on first need."""

    def __init__(self, application: TelegramApplication, *, secret: str) -> None:
        self.application = application
        self._secret = secret.encode()
        self._ready = False
        self._lock = asyncio.Lock()

    def accepts(self, secret: str | None) -> bool:
        """Whether the request carries our secret (constant-time comparison)."""
        return secret is not None and hmac.compare_digest(secret.encode(), self._secret)

    async def ready(self) -> TelegramApplication:
        """The initialized application (getMe on first use); raises TelegramError if down."""
        async with self._lock:
            if not self._ready:
                await self.application.initialize()
                self._ready = True
        return self.application

    async def register(self, url: str) -> None:
        """Tell Telegram where to send updates, with our secret, and set the command menu."""
        application = await self.ready()
        await application.bot.set_webhook(
            url=url,
            secret_token=self._secret.decode(),
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
        await announce_commands(application)
        logger.info("Telegram webhook registered")

    async def close(self) -> None:
        async with self._lock:
            if self._ready:
                await self.application.shutdown()
                self._ready = False


async def open_webhook_channel(
    settings: GatewaySettings, rasa: RasaClient, agent: TranslatingAgent | None = None
) -> WebhookChannel | None:
    """The webhook channel when Telegram runs in webhook mode, else None (route answers 404)."""
    if telegram_token(settings) is None or settings.telegram_mode != "webhook":
        return None
    secret = (
        settings.telegram_webhook_secret.get_secret_value()
        if settings.telegram_webhook_secret is not None
        else ""
    )
    if not _SECRET.match(secret):
        logger.error(
            "Telegram webhook is off: HAECHI_TELEGRAM_WEBHOOK_SECRET must be 1-256 characters "
            "of A-Z, a-z, 0-9, _ and -"
        )
        return None
    channel = WebhookChannel(
        build_application(settings, rasa, polling=False, agent=agent), secret=secret
    )
    try:
        if settings.telegram_webhook_url:
            await channel.register(settings.telegram_webhook_url)
        else:
            await channel.ready()
            logger.info("Telegram webhook mode without HAECHI_TELEGRAM_WEBHOOK_URL: not registered")
    except TelegramError as error:
        # The gateway serves the web chat regardless; the route retries on the next update.
        logger.warning("Telegram is not reachable at startup: %s", type(error).__name__)
    return channel


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def telegram_webhook(request: Request) -> Response:
    """One update from Telegram: checked, de-duplicated and handled before we answer 200."""
    channel: WebhookChannel | None = getattr(request.app.state, "telegram", None)
    if channel is None:
        return JSONResponse(status_code=404, content={"detail": "Telegram webhook is not enabled"})
    if not channel.accepts(request.headers.get(SECRET_HEADER)):
        logger.warning("Telegram webhook call with a wrong or missing secret")
        return JSONResponse(status_code=403, content={"detail": "wrong secret token"})
    body = await request.body()
    if len(body) > MAX_UPDATE_BYTES:
        return JSONResponse(status_code=413, content={"detail": "update too large"})
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # deep nesting passes the size check
        return JSONResponse(status_code=400, content={"detail": "body is not JSON"})
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return JSONResponse(status_code=400, content={"detail": "not a Telegram update"})
    try:
        application = await channel.ready()
    except TelegramError as error:
        logger.warning("Telegram not ready for a webhook update: %s", type(error).__name__)
        # Telegram retries on errors, and the update id guard handles the retry once.
        return JSONResponse(status_code=503, content={"detail": "Telegram not ready"})
    try:
        update = Update.de_json(data, application.bot)
    except Exception:  # noqa: BLE001 - de_json does not validate: a list of null entities
        # raises AttributeError, a date past time_t OverflowError; none of them is an update.
        return JSONResponse(status_code=400, content={"detail": "not a Telegram update"})
    await application.process_update(update)
    return Response(status_code=200)
