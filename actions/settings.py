"""Settings of the action server process."""

from __future__ import annotations

from functools import lru_cache

from agent.settings import AgentSettings


class ActionSettings(AgentSettings):
    """The action server; counsellor phone and message limits come from AgentSettings."""

    # Loopback by default: only Rasa calls the action server.
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> ActionSettings:
    return ActionSettings()
