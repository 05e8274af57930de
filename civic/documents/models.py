"""Tables of the document office: issued credentials, identity checks, wallet holder keys.

Personal data is stored only encrypted (columns ending in `_enc`, civic/documents/keys.py);
holders and residents are found through keyed hashes (`*_hash`), never by a clear identifier.
The schema is owned by knowledge/migrations (revision 0005).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.models import Base, UTCDateTime, _now


class IssuedCredential(Base):
    """One issued document: the signed credential and its PDF (encrypted), and its status."""

    __tablename__ = "document_credentials"
    __table_args__ = (
        UniqueConstraint("status_list", "status_index", name="uq_document_credentials_status"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_type: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(40))
    holder_hash: Mapped[str] = mapped_column(String(64), index=True)
    subject_hash: Mapped[str] = mapped_column(String(64), index=True)
    # A keyed hash of the holder and the confirmed request: a retried confirmation finds it.
    request_key: Mapped[str] = mapped_column(String(64), unique=True)
    status_list: Mapped[int] = mapped_column(Integer)
    status_index: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(300))
    credential_enc: Mapped[str] = mapped_column(Text)
    pdf_enc: Mapped[str] = mapped_column(Text)
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revocation_reason: Mapped[str | None] = mapped_column(String(300))


class IdentityCheck(Base):
    """One attempt to prove who a conversation's citizen is (a one-time code, or OpenID)."""

    __tablename__ = "document_identity_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_hash: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(20))
    resident_enc: Mapped[str | None] = mapped_column(Text)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WalletHolder(Base):
    """A wallet's own key pair (did:jwk): credentials are bound to it, presentations signed."""

    __tablename__ = "document_wallet_holders"

    holder_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    did: Mapped[str] = mapped_column(Text)
    private_key_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
