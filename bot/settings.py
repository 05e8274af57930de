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
