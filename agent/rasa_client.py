"""The client every surface uses for the Rasa server: the gateway channel, parse and status.

Rasa listens on loopback and refuses calls without the internal token: its HTTP API takes it as
`?token=` (Rasa's `--auth-token`), the gateway channel as a bearer header.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from agent.reply import Button, ReplyMessage
from agent.settings import AgentSettings
from knowledge import morphemes

logger = logging.getLogger(__name__)

# nlu/channels/gateway_channel.py: the REST channel behind the internal token.
WEBHOOK_PATH = "/webhooks/gateway/webhook"

# Rasa is warmed (its first prediction builds TensorFlow's graphs) with one message in a
# conversation no citizen channel can name, carrying its morphemes like every citizen's message:
# Rasa's /model/parse takes no metadata and would make Rasa load Kiwi's model for nothing.
WARM_UP_SENDER = "health:warm-up"
WARM_UP_TEXT = "/greet"


def warm_up_message() -> dict[str, Any]:
    """The body to POST to WEBHOOK_PATH (with the internal token) to warm a Rasa server."""
    return {
        "sender": WARM_UP_SENDER,
        "message": WARM_UP_TEXT,
        "metadata": {"channel": "health", "morphemes": morphemes.analysis(WARM_UP_TEXT)},
    }


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout_seconds: float,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        # Set once the server has made its first prediction (the gateway's health check does it).
        self.warm = False
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._api_params = {"token": token} if token else {}
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout_seconds, transport=transport, headers=headers
        )

    @classmethod
    def from_settings(cls, settings: AgentSettings) -> RasaClient:
        token = settings.rasa_token.get_secret_value() if settings.rasa_token else None
        return cls(settings.rasa_url, timeout_seconds=settings.rasa_timeout_seconds, token=token)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _post(
        self,
        path: str,
        payload: dict[str, Any] | list[dict[str, Any]],
        params: dict[str, str] | None = None,
    ) -> Any:
        try:
            response = await self._client.post(path, json=payload, params=params)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(f"{path}: {type(error).__name__}") from error

    async def send(
        self, *, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[ReplyMessage]:
        raw = await self._post(
            WEBHOOK_PATH,
            {"sender": sender_id, "message": text, "metadata": metadata},
        )
        if not isinstance(raw, list):
            raise RasaUnavailable(f"{WEBHOOK_PATH}: not a list")
        return [message for item in raw if (message := reply_from_rasa(item)) is not None]

    async def warm_up(self) -> None:
        body = await asyncio.to_thread(warm_up_message)
        await self.send(sender_id=body["sender"], text=body["message"], metadata=body["metadata"])

    async def parse(self, text: str) -> dict[str, Any]:
        raw = await self._post("/model/parse", {"text": text}, params=self._api_params)
        if not isinstance(raw, dict):
            raise RasaUnavailable("/model/parse: not an object")
        return raw

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Add events to a conversation's tracker (Rasa's HTTP API), e.g. `{"event": "pause"}`
        (ConversationPaused: the agent stays silent) and `{"event": "resume"}`."""
        path = f"/conversations/{quote(conversation_id, safe=':@')}/tracker/events"
        await self._post(path, events, params=self._api_params)

    async def recent_turns(self, conversation_id: str, *, limit: int = 20) -> list[tuple[str, str]]:
        """The conversation's last user and agent lines, oldest first: ("citizen"|"agent", text).

        Only plain text is taken (custom payloads by their `text`); button payloads stay out."""
        path = f"/conversations/{quote(conversation_id, safe=':@')}/tracker"
        try:
            response = await self._client.get(path, params=self._api_params)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(f"tracker: {type(error).__name__}") from error
        turns: list[tuple[str, str]] = []
        for event in body.get("events") or [] if isinstance(body, dict) else []:
            if not isinstance(event, dict):
                continue
            if event.get("event") == "user":
                text = event.get("text")
                if isinstance(text, str) and text.strip() and not text.startswith("/"):
                    turns.append(("citizen", text))
            elif event.get("event") == "bot":
                data = event.get("data") if isinstance(event.get("data"), dict) else {}
                custom = data.get("custom") if isinstance(data, dict) else None
                text = custom.get("text") if isinstance(custom, dict) else event.get("text")
                if isinstance(text, str) and text.strip():
                    turns.append(("agent", text))
        return turns[-limit:]

    async def status(self) -> dict[str, Any]:
        try:
            response = await self._client.get("/status", timeout=5.0, params=self._api_params)
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
