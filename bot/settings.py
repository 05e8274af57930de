"""Settings of the gateway process."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import SecretStr

from knowledge.settings import KnowledgeSettings


class GatewaySettings(KnowledgeSettings):
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    rasa_timeout_seconds: float = 30.0
    max_message_chars: int = 2000
    log_level: str = "INFO"
    # Telegram: off without a token. Polling runs in its own worker (`python -m bot.telegram`);
    # webhook mode is served by the gateway at POST /telegram/webhook.
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_url: str | None = None
    # World bridge (/ws/world): Redis shares rooms between gateway replicas; none = in-process.
    redis_url: str | None = None
    world_redis_prefix: str = "haechi:world:"
    world_idle_timeout_seconds: float = 300.0
    world_resume_seconds: float = 120.0
    world_max_frame_bytes: int = 16384
    world_rate_per_second: float = 20.0
    world_rate_burst: int = 40


@lru_cache(maxsize=1)
def get_settings() -> GatewaySettings:
    return GatewaySettings()
