"""Settings every process that talks to or acts for the agent shares (one place each)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import SecretStr

from knowledge.settings import KnowledgeSettings


class AgentSettings(KnowledgeSettings):
    """What the gateway, the world bridge and the action server all need to agree on."""

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 30.0
    # Internal tokens (scripts/internal-tokens.sh provides them to every process it starts):
    # the gateway's for Rasa's API and channel, Rasa's for the action server.
    rasa_token: SecretStr | None = None
    action_token: SecretStr | None = None
    # The longest message a citizen may send on any channel.
    max_message_chars: int = 2000
    # The number offered for a human 120 counsellor, on every channel and in every reply.
    counsellor_phone: str = "120"


@lru_cache(maxsize=1)
def get_settings() -> AgentSettings:
    return AgentSettings()
