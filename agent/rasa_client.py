"""The gateway's client for the Rasa server: the REST channel, the parse API and status."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from pydantic import ValidationError

from agent.reply import Button, ReplyMessage

logger = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout_seconds: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout_seconds, transport=transport
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        try:
            response = await self._client.post(path, json=payload)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(f"{path}: {type(error).__name__}") from error

    async def send(
        self, *, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[ReplyMessage]:
        raw = await self._post(
            "/webhooks/rest/webhook",
            {"sender": sender_id, "message": text, "metadata": metadata},
        )
        if not isinstance(raw, list):
            raise RasaUnavailable("/webhooks/rest/webhook: not a list")
        return [message for item in raw if (message := reply_from_rasa(item)) is not None]

    async def parse(self, text: str) -> dict[str, Any]:
        raw = await self._post("/model/parse", {"text": text})
        if not isinstance(raw, dict):
            raise RasaUnavailable("/model/parse: not an object")
        return raw

    async def status(self) -> dict[str, Any]:
        try:
            response = await self._client.get("/status", timeout=5.0)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(f"/status: {type(error).__name__}") from error
        return body if isinstance(body, dict) else {}


def reply_from_rasa(item: dict[str, Any]) -> ReplyMessage | None:
    """One REST-channel message to the reply schema: our custom payload, or plain text/buttons."""
    custom = item.get("custom")
    if isinstance(custom, dict):
        try:
            return ReplyMessage.model_validate(custom)
        except ValidationError:
            logger.warning("dropped a custom payload that does not fit the reply schema")
            return None
    text = item.get("text")
    if not isinstance(text, str) or not text:
        return None
    buttons = [
        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in item.get("buttons") or []
        if isinstance(b, dict) and b.get("title") and b.get("payload")
    ]
    return ReplyMessage(text=text, buttons=buttons or None)
