"""Settings of the knowledge tools (the `python -m knowledge` command line)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.database import default_database_url


class KnowledgeSettings(BaseSettings):
    """Where the knowledge base lives; each process's settings class extends this one."""

    model_config = SettingsConfigDict(env_prefix="HAECHI_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None

    @property
    def effective_database_url(self) -> str:
        return self.database_url or default_database_url(self.data_dir)


@lru_cache(maxsize=1)
def get_settings() -> KnowledgeSettings:
    return KnowledgeSettings()
