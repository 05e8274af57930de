"""The action server: rasa-sdk's app in one process, on loopback, behind the internal token.

rasa-sdk's own `main` serves from a Sanic worker process spawned by a manager process, so the
index warmed in the manager was built a second time by the worker at the first question (two
processes, 1.36 GB). Here the index is built inside the serving process before it listens:
when the port answers, the first citizen's question is answered warm.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from typing import Any, cast

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.knowledge_answers import knowledge_base
from actions.settings import ActionSettings, get_settings
from agent.garbage_collection import freeze_start_up_objects

logger = logging.getLogger(__name__)

# The paths that run actions or describe them; /health stays open so probes need no secret.
PROTECTED_PATHS = ("/webhook", "/actions")


def token_matches(given: str | None, expected: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def build_app(settings: ActionSettings, *, warm_up: bool = True) -> Sanic[Any, Any]:
    """rasa-sdk's Sanic app for our actions, with the token check and the warm-up attached."""
    executor = ActionExecutor()
    executor.register_package("actions")
    app = cast("Sanic[Any, Any]", create_app(executor, cors_origins=[]))
    expected = settings.action_token.get_secret_value() if settings.action_token else None

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if not request.path.startswith(PROTECTED_PATHS):
            return None
        # Rasa's EndpointConfig sends the token as ?token=...; a bearer header works as well.
        given = request.args.get("token")
        header = request.headers.get("Authorization", "")
        if given is None and header.startswith("Bearer "):
            given = header.removeprefix("Bearer ")
        if token_matches(given, expected):
            return None
        return response.json({"error": "unauthorised"}, status=401)

    if warm_up:

        @app.before_server_start
        async def warm_knowledge_index(_app: Sanic[Any, Any]) -> None:
            started = time.monotonic()
            base = knowledge_base()
            # Blocking work (the index, the embedding model, FAISS) off the event loop. The
            # query encoder is warmed without a search: a search would load Kiwi, which this
            # process leaves to the gateway (messages come with their morphemes).
            await asyncio.to_thread(base.index)
            await asyncio.to_thread(base.embedder().embed_query, "서울시 120 다산콜센터")
            logger.info("knowledge index warm in %.1f s", time.monotonic() - started)
            base.follow()  # answer what staff publish within seconds, searched or not

        @app.after_server_start
        async def freeze_warm_index(_app: Sanic[Any, Any]) -> None:
            freeze_start_up_objects()  # agent/garbage_collection.py

    return app


def run() -> None:
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not settings.action_token:
        logger.warning("HAECHI_ACTION_TOKEN is not set: every action call will be refused")
    app = build_app(settings)
    app.run(
        host=settings.action_host,
        port=settings.action_port,
        single_process=True,
        access_log=False,
        motd=False,
    )
