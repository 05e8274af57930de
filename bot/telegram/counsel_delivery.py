"""Counsellor messages to a Telegram chat, sent as the bot's own messages through the Bot API.

The gateway sends them whether Telegram runs by webhook (in the gateway) or by long polling
(in the worker): sending needs only the token.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from agent.reply import ReplyMessage
from bot.settings import GatewaySettings
from bot.telegram.application import telegram_token
from bot.telegram.render import TextPart, render

logger = logging.getLogger(__name__)


class TelegramDelivery:
    def __init__(self, token: str, base_url: str) -> None:
        base = base_url.format(token=token) if "{token}" in base_url else base_url + token
        self._client = httpx.AsyncClient(base_url=base.rstrip("/") + "/", timeout=15.0)

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> TelegramDelivery | None:
        token = telegram_token(settings)
        return cls(token, settings.telegram_base_url) if token else None

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _call(self, method: str, params: dict[str, Any]) -> None:
        # As python-telegram-bot sends them: a form, objects as JSON strings.
        form = {
            key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            for key, value in params.items()
        }
        response = await self._client.post(method, data=form)
        if response.status_code != 200:
            logger.warning(
                "telegram %s for a counsellor message: HTTP %d", method, response.status_code
            )
            response.raise_for_status()

    async def deliver(self, session_id: str, message: ReplyMessage) -> None:
        """The message as the bot's messages in the chat (`session_id` is the chat id)."""
        shown = message
        if message.counsellor:
            shown = message.model_copy(update={"text": f"👤 {message.counsellor}: {message.text}"})
        for part in render(shown):
            if not isinstance(part, TextPart):
                continue
            params: dict[str, Any] = {
                "chat_id": session_id,
                "text": part.html,
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": True},
            }
            if part.keyboard is not None:
                params["reply_markup"] = part.keyboard.to_dict()
            await self._call("sendMessage", params)

    async def typing(self, session_id: str) -> None:
        await self._call("sendChatAction", {"chat_id": session_id, "action": "typing"})
