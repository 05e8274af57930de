"""Settings of the action server process."""

from __future__ import annotations

from functools import lru_cache

from knowledge.settings import KnowledgeSettings


class ActionSettings(KnowledgeSettings):
    counsellor_phone: str = "120"


@lru_cache(maxsize=1)
def get_settings() -> ActionSettings:
    return ActionSettings()
