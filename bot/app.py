"""The gateway application: chat API, NLU parse, health, the web chat page, Telegram webhook."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from agent import conversation
from agent.counsel_desk import CounselDesk
from agent.garbage_collection import freeze_start_up_objects
from agent.rasa_client import RasaClient
from agent.session_secrets import SessionSecrets, load_or_create_key
from agent.translation import translating_agent
from agent.voice import voice_for
from bot.counsel import console as counsel_console
from bot.counsel import routes as counsel_routes
from bot.counsel import socket as counsel_socket
from bot.fintech_lab.rooms import FintechLab
from bot.fintech_lab.stores import room_store_for
from bot.rate_limits import RateLimits
from bot.routes import (
    audio,
    chat,
    chat_events,
    documents,
    fintech_lab,
    health,
    identity,
    knowledge,
    nlu,
    tax,
)
from bot.schemas import REFUSALS
from bot.settings import GatewaySettings, get_settings
from bot.staff.routes import router as staff_router
from bot.telegram.counsel_delivery import TelegramDelivery
from bot.telegram.webhook import open_webhook_channel
from bot.telegram.webhook import router as telegram_router
from knowledge import morphemes
from knowledge.database import make_engine
from knowledge.knowledge_base import KnowledgeBase
from knowledge.translation.translator import translator_for
from world_bridge import counsel_relay
from world_bridge.bridge import WorldBridge
from world_bridge.routes import router as world_router

STATIC_DIR = Path(__file__).parent / "web" / "static"

logger = logging.getLogger(__name__)


def _lifespan(rasa: RasaClient | None, freeze_start_up: bool) -> Any:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = get_settings()
        app.state.rasa = rasa or RasaClient.from_settings(settings)
        app.state.session_secrets = SessionSecrets(_session_key(settings))
        app.state.rate_limits = RateLimits.from_settings(settings)
        # Spoken replies, cached under the data folder and served by GET /api/v1/audio/.
        app.state.voice = voice_for(settings)
        app.state.database = make_engine(settings.effective_database_url)
        # Opening is cheap; the index is built on the first search.
        app.state.knowledge_base = KnowledgeBase(app.state.database)
        conversation.turn_counter = app.state.knowledge_base.count_turn  # staff analytics
        # Every message is analysed here once (agent/conversation.py); load Kiwi now, not on
        # the first citizen's message.
        threading.Thread(target=morphemes.preload, name="kiwi-preload", daemon=True).start()
        # Human counsellors: the queue, holding and relaying (agent/counsel_desk.py).
        desk = app.state.counsel_desk = CounselDesk(app.state.database, app.state.rasa, settings)
        conversation.counsel_desk = desk
        telegram_delivery = TelegramDelivery.from_settings(settings)
        if telegram_delivery is not None:
            desk.register("telegram", telegram_delivery.deliver, telegram_delivery.typing)
        # Korean and English as they are; other languages through offline machine translation,
        # for every channel (web, Telegram, NPCs); memory in Redis when HAECHI_REDIS_URL is set.
        app.state.agent = translating_agent(
            app.state.rasa,
            data_dir=settings.data_dir,
            redis_url=settings.redis_url,
            redis_prefix=settings.redis_prefix,
        )
        # None unless HAECHI_TELEGRAM_MODE=webhook and a token are set.
        app.state.telegram = await open_webhook_channel(settings, app.state.rasa, app.state.agent)
        app.state.fintech_lab = FintechLab(
            translator_for(settings.data_dir),
            room_store_for(settings.redis_url, settings.redis_prefix),
        )
        # The 3D world's NPCs (/ws/world); shares rooms through Redis when HAECHI_REDIS_URL is set.
        app.state.world = await WorldBridge.open(settings, app.state.rasa, app.state.agent)
        counsel_relay.attach(app.state.world, desk)
        if freeze_start_up:  # no full collection re-walks what start-up loaded
            freeze_start_up_objects()
        try:
            yield
        finally:
            conversation.counsel_desk = None
            await desk.drain()  # the agent lines still being written
            if telegram_delivery is not None:
                await telegram_delivery.aclose()
            await app.state.world.close()
            if app.state.telegram is not None:
                await app.state.telegram.close()
            await app.state.agent.close()
            await app.state.fintech_lab.close()
            await app.state.rasa.aclose()
            conversation.turn_counter = None
            await asyncio.to_thread(app.state.knowledge_base.flush_events, 5.0)
            app.state.database.dispose()

    return lifespan


def _session_key(settings: GatewaySettings) -> bytes:
    if settings.session_key is not None:
        return settings.session_key.get_secret_value().encode()
    return load_or_create_key(settings.data_dir / "secrets" / "session.key")


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    """422 that names each bad field and why, without echoing the citizen's text back."""
    assert isinstance(error, RequestValidationError)
    problems = [
        {"field": ".".join(str(part) for part in item["loc"][1:]), "reason": item["msg"]}
        for item in error.errors()
    ]
    return JSONResponse(
        status_code=422,
        content={"detail": "invalid request / 요청 형식이 올바르지 않습니다", "errors": problems},
    )


def create_app(*, rasa: RasaClient | None = None, freeze_start_up: bool = False) -> FastAPI:
    """The gateway; tests pass a `rasa` client whose transport stands in for the Rasa server.

    `freeze_start_up` (the served gateway, `python -m bot`) tunes the process's garbage
    collector once started (agent/garbage_collection.py); tests leave theirs alone."""
    # Every route's 422 is the app's own shape (below), and the document says so.
    app = FastAPI(
        title="Haechi gateway",
        version="0.1.0",
        lifespan=_lifespan(rasa, freeze_start_up),
        responses=REFUSALS,
    )
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(chat.router)
    app.include_router(chat_events.router)
    app.include_router(counsel_routes.router)
    app.include_router(counsel_socket.router)
    app.include_router(counsel_console.router)
    app.include_router(audio.router)
    app.include_router(nlu.router)
    app.include_router(knowledge.router)
    app.include_router(health.router)
    app.include_router(tax.router)
    app.include_router(telegram_router)
    app.include_router(world_router)
    app.include_router(fintech_lab.router)
    app.include_router(staff_router)
    app.include_router(documents.router)
    app.include_router(identity.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def web_chat() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/verify", include_in_schema=False)
    async def verify_page() -> FileResponse:
        # Public: checks credentials (paste, PDF upload, or the PDF's QR code: /verify?id=…).
        return FileResponse(STATIC_DIR / "verify.html", media_type="text/html; charset=utf-8")

    return app
