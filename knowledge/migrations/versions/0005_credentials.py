"""Documents as verifiable credentials: issued credentials, identity checks, wallet holders.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "document_credentials",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("document_type", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("holder_hash", sa.String(64), nullable=False),
        sa.Column("subject_hash", sa.String(64), nullable=False),
        sa.Column("request_key", sa.String(64), nullable=False),
        sa.Column("status_list", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(300), nullable=False),
        sa.Column("credential_enc", sa.Text(), nullable=False),
        sa.Column("pdf_enc", sa.Text(), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("issued_at", _TIME, nullable=False),
        sa.Column("valid_until", _TIME, nullable=False),
        sa.Column("revoked_at", _TIME, nullable=True),
        sa.Column("revoked_by", sa.String(200), nullable=True),
        sa.Column("revocation_reason", sa.String(300), nullable=True),
        sa.UniqueConstraint("request_key"),
        sa.UniqueConstraint("status_list", "status_index", name="uq_document_credentials_status"),
    )
    op.create_index("ix_document_credentials_holder_hash", "document_credentials", ["holder_hash"])
    op.create_index(
        "ix_document_credentials_subject_hash", "document_credentials", ["subject_hash"]
    )
    op.create_index("ix_document_credentials_pdf_sha256", "document_credentials", ["pdf_sha256"])

    op.create_table(
        "document_identity_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("holder_hash", sa.String(64), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("resident_enc", sa.Text(), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("verified_at", _TIME, nullable=True),
        sa.Column("locked_until", _TIME, nullable=True),
    )
    op.create_index(
        "ix_document_identity_checks_holder_hash", "document_identity_checks", ["holder_hash"]
    )

    op.create_table(
        "document_wallet_holders",
        sa.Column("holder_hash", sa.String(64), primary_key=True),
        sa.Column("did", sa.Text(), nullable=False),
        sa.Column("private_key_enc", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_wallet_holders")
    op.drop_index("ix_document_identity_checks_holder_hash", "document_identity_checks")
    op.drop_table("document_identity_checks")
    for column in ("pdf_sha256", "subject_hash", "holder_hash"):
        op.drop_index(f"ix_document_credentials_{column}", "document_credentials")
    op.drop_table("document_credentials")
