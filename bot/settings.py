"""Settings of the gateway process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.database import default_database_url


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAECHI_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    rasa_timeout_seconds: float = 30.0
    max_message_chars: int = 2000
    log_level: str = "INFO"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or default_database_url(self.data_dir)


@lru_cache(maxsize=1)
def get_settings() -> GatewaySettings:
    return GatewaySettings()
