"""Settings of the action server process."""

from __future__ import annotations

from functools import lru_cache

from agent.settings import AgentSettings


class ActionSettings(AgentSettings):
    """The action server; counsellor phone and message limits come from AgentSettings."""


@lru_cache(maxsize=1)
def get_settings() -> ActionSettings:
    return ActionSettings()
