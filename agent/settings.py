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
    # Spoken replies (OGG/Opus and WAV) for every conversation; easy mode speaks regardless, and
    # a conversation's own toggle (metadata `voice`) wins over both.
    voice_replies: bool = False
    # The longest stretch of a reply that is spoken (cut at a sentence).
    voice_max_chars: int = 600
    # Chat counselling hours, Seoul time ("HH:MM-HH:MM", "00:00-24:00" all day) and days
    # ("mon,...,sun"); outside them a citizen leaves a message, answered later on its channel.
    counsel_hours: str = "00:00-24:00"
    counsel_days: str = "mon,tue,wed,thu,fri,sat,sun"
    # Expected handling time of one conversation until there is history to average.
    counsel_handling_seconds: int = 300
    # How often waiting streams (web long polls, counsellor sockets) re-read the database for
    # what other processes wrote (the Telegram worker, the action server, other replicas).
    counsel_poll_seconds: float = 1.0


@lru_cache(maxsize=1)
def get_settings() -> AgentSettings:
    return AgentSettings()
