"""The action server's one document office, and who the wallet holder of a conversation is.

The action server and the gateway share the database and key files under HAECHI_DATA_DIR, so
a credential issued here is listed by the gateway's wallet API and verified at /verify.
"""

from __future__ import annotations

from functools import lru_cache

from rasa_sdk import Tracker

from civic.documents.office import DocumentOffice
from civic.documents.settings import get_document_settings
from knowledge.database import make_engine


@lru_cache(maxsize=1)
def document_office() -> DocumentOffice:
    """Opened on first use (never at import): migrating and loading keys take a moment."""
    settings = get_document_settings()
    return DocumentOffice(make_engine(settings.effective_database_url), settings)


def wallet_holder(tracker: Tracker) -> str | None:
    """The holder a conversation's wallet belongs to, or None when nothing binds it.

    The server builds every sender id. A web conversation counts only when it is one the
    server issued and the message came with its secret (the gateway then says
    `session_verified`); a client-chosen web id is anonymous. A 3D player's conversations
    with every NPC share one wallet (`world:<server key>`).
    """
    sender = tracker.sender_id or ""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    channel, _, rest = sender.partition(":")
    if channel == "web":
        verified = isinstance(metadata, dict) and metadata.get("session_verified") is True
        return sender if verified and rest.startswith("s-") else None
    if channel == "telegram" and rest:
        return sender
    if channel == "world" and rest:
        key = rest.split(":")[0]
        return f"world:{key}" if key else None
    return None


def channel_of(holder: str) -> str:
    return holder.split(":", 1)[0]
