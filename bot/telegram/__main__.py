"""`python -m bot.telegram`: the Telegram worker (long polling) for local use.

With `--idle-when-off` (the Procfile), the worker stays up doing nothing when Telegram is off
(no token) or served by the gateway's webhook: honcho stops every process when one exits.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from telegram.error import InvalidToken, NetworkError

from agent import conversation
from agent.counsel_desk import CounselDesk
from agent.rasa_client import RasaClient
from agent.translation import translating_agent
from bot.settings import GatewaySettings, get_settings
from bot.telegram.application import build_application, serve_polling, telegram_token
from bot.telegram.counsel_delivery import TelegramDelivery
from knowledge.database import make_engine

logger = logging.getLogger("bot.telegram")

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_RETRY_MAX_SECONDS = 60.0


def _configure_logging(settings: GatewaySettings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs each request URL at INFO, and Telegram URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _idle() -> None:
    """Wait for SIGINT or SIGTERM without using the CPU."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    signal.sigwait(_STOP_SIGNALS)


async def _poll_until_stopped(settings: GatewaySettings) -> None:
    """Long-poll until a stop signal; a Telegram that cannot be reached is retried, not fatal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in _STOP_SIGNALS:
        loop.add_signal_handler(stop_signal, stop.set)
    rasa = RasaClient.from_settings(settings)
    # Chats in a counsellor hand-off go to the desk here too (the queue lives in the database).
    engine = make_engine(settings.effective_database_url)
    desk = conversation.counsel_desk = CounselDesk(engine, rasa, settings)
    delivery = TelegramDelivery.from_settings(settings)
    if delivery is not None:
        desk.register("telegram", delivery.deliver, delivery.typing)
    # Visitors in other languages: translated as on the web, memory shared through Redis.
    agent = translating_agent(
        rasa,
        data_dir=settings.data_dir,
        redis_url=settings.redis_url,
        redis_prefix=settings.redis_prefix,
    )
    delay = 1.0
    try:
        while not stop.is_set():
            application = build_application(settings, rasa, agent=agent)
            try:
                await serve_polling(application, stop)
            except InvalidToken:
                logger.error("Telegram refused HAECHI_TELEGRAM_TOKEN; the worker waits idle")
                await stop.wait()
            except NetworkError as error:
                logger.warning(
                    "Telegram is not reachable (%s); retrying in %.0f s",
                    type(error).__name__,
                    delay,
                )
                try:
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                except TimeoutError:
                    delay = min(delay * 2, _RETRY_MAX_SECONDS)
    finally:
        conversation.counsel_desk = None
        await desk.drain()  # the agent lines still being written
        if delivery is not None:
            await delivery.aclose()
        await agent.close()
        await rasa.aclose()
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.telegram", description="Haechi's Telegram worker (long polling)."
    )
    parser.add_argument(
        "--idle-when-off",
        action="store_true",
        help="stay up doing nothing when Telegram is off or in webhook mode (for the Procfile)",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    _configure_logging(settings)
    has_token = telegram_token(settings) is not None
    if not has_token or settings.telegram_mode != "polling":
        reason = (
            "HAECHI_TELEGRAM_TOKEN is not set"
            if not has_token
            else "HAECHI_TELEGRAM_MODE is webhook (the gateway serves /telegram/webhook)"
        )
        logger.info("Telegram polling is off: %s", reason)
        if args.idle_when_off:
            _idle()
        return 0
    asyncio.run(_poll_until_stopped(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
