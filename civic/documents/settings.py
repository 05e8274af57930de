"""Settings of the document office, shared by the gateway and the action server (both issue)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import quote, urlsplit

from pydantic import SecretStr

from knowledge.settings import KnowledgeSettings


class DocumentSettings(KnowledgeSettings):
    """Where the issuer lives on the web, its keys, and how citizens prove who they are."""

    # The public address of the gateway: the issuer's did:web, the status list and the QR
    # code's verification link are built from it.
    public_url: str = "http://127.0.0.1:8000"
    # AES-256 key (64 hex characters) for personal data at rest; else secrets/documents.key
    # under the data folder, made on first run.
    documents_key: SecretStr | None = None
    # Issuer signing keys as JSON ({"keys": [...]}, as in secrets/issuer-keys.json); else that
    # file, made on first run. Replicas must share one or the other.
    issuer_keys: SecretStr | None = None
    # "demo": synthetic residents and a one-time code shown in the conversation (labelled);
    # "oidc": OpenID Connect against the provider below.
    identity_provider: Literal["demo", "oidc"] = "demo"
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_redirect_url: str | None = None
    # One-time codes: how long one lasts, wrong tries allowed, how long a holder is then locked.
    otp_ttl_seconds: int = 300
    otp_max_attempts: int = 5
    otp_lockout_seconds: int = 900
    # How long a verified identity stays attached to a conversation.
    identity_ttl_seconds: int = 1800

    @property
    def issuer_did(self) -> str:
        """did:web for public_url (W3C did:web: the port's colon percent-encoded, path as ':')."""
        parts = urlsplit(self.public_url)
        host = quote(parts.netloc, safe="")
        path = ":".join(segment for segment in parts.path.split("/") if segment)
        return f"did:web:{host}" + (f":{path}" if path else "")

    def url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


@lru_cache(maxsize=1)
def get_document_settings() -> DocumentSettings:
    return DocumentSettings()
