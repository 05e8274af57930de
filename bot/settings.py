"""Settings of the gateway process."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import SecretStr

from world_bridge.settings import WorldSettings


class GatewaySettings(WorldSettings):
    """The gateway: the HTTP app, web chat, Telegram, and the world bridge it mounts."""

    action_server_url: str = "http://127.0.0.1:5055"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    log_level: str = "INFO"
    # Per-client limits on public routes ("N/unit", several joined by ";"); shared through Redis
    # when HAECHI_REDIS_URL is set.
    rate_limits_enabled: bool = True
    rate_limit_chat: str = "60/minute;600/hour"
    rate_limit_sessions: str = "20/minute;200/hour"
    rate_limit_search: str = "60/minute"
    rate_limit_tax: str = "60/minute"
    rate_limit_staff_login: str = "10/minute;50/hour"
    # Prefix of the gateway's own Redis keys when HAECHI_REDIS_URL is set: translation memory
    # (`<prefix>translation:`) and Fintech Lab rooms (`<prefix>fintech:`).
    redis_prefix: str = "haechi:"
    # Web chat conversations: the key that signs their secrets (else a key file under the data
    # folder, made on first run).
    session_key: SecretStr | None = None
    # Telegram: off without a token. Polling runs in its own worker (`python -m bot.telegram`);
    # webhook mode is served by the gateway at POST /telegram/webhook.
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_url: str | None = None


@lru_cache(maxsize=1)
def get_settings() -> GatewaySettings:
    return GatewaySettings()
