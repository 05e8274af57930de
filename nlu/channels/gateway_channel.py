"""The gateway's channel into Rasa: the REST channel, refused without the internal token.

Rasa's `--auth-token` guards its HTTP API but not channel webhooks, and every surface reaches
Rasa through the gateway, so this channel checks the same token the gateway sends
(`Authorization: Bearer <HAECHI_RASA_TOKEN>`). Without a configured token it refuses everything:
an open webhook would let anyone on the host write into any conversation.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from agent.garbage_collection import freeze_start_up_objects
from nlu import turn_speed

TOKEN_VARIABLE = "HAECHI_RASA_TOKEN"

# Rasa loads this channel in `rasa run`: the place to take two per-turn costs out of Rasa.
turn_speed.install()


def token_matches(header: str | None, expected: str | None) -> bool:
    """True when the Authorization header carries exactly the expected bearer token."""
    if not expected or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").encode(), expected.encode())


class GatewayInput(RestInput):
    """`POST /webhooks/gateway/webhook`, same body and reply as Rasa's REST channel."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def require_token(request: Request) -> HTTPResponse | None:
            if request.path.rstrip("/").endswith("/webhooks/gateway"):
                return None  # the channel's own health check carries no data
            if token_matches(request.headers.get("Authorization"), os.environ.get(TOKEN_VARIABLE)):
                return None
            return response.json({"error": "unauthorised"}, status=401)

        @webhook.listener("after_server_start")
        async def freeze_loaded_model(_app: Any, _loop: Any) -> None:
            # The model was loaded before the server started: TensorFlow's and Rasa's objects
            # are never walked again by a full collection (agent/garbage_collection.py).
            freeze_start_up_objects()

        return webhook
