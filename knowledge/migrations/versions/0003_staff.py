"""Staff accounts, login sessions, API tokens, audit log, review fields, analytics events.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _TIME, nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.CheckConstraint(
            "role IN ('editor', 'reviewer', 'counsellor', 'admin')", name="ck_staff_accounts_role"
        ),
    )
    op.create_index("ix_staff_accounts_email", "staff_accounts", ["email"], unique=True)

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey(
                "staff_accounts.id", name="fk_staff_sessions_account", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])
    op.create_index("ix_staff_sessions_secret_hash", "staff_sessions", ["secret_hash"], unique=True)

    op.create_table(
        "staff_api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("staff_accounts.id", name="fk_staff_tokens_account", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("last_used_at", _TIME, nullable=True),
        sa.Column("revoked_at", _TIME, nullable=True),
    )
    op.create_index("ix_staff_api_tokens_account_id", "staff_api_tokens", ["account_id"])
    op.create_index(
        "ix_staff_api_tokens_token_hash", "staff_api_tokens", ["token_hash"], unique=True
    )

    op.create_table(
        "staff_audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target_type", sa.String(40), nullable=False),
        sa.Column("target_id", sa.String(200), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("at", _TIME, nullable=False),
    )
    op.create_index("ix_staff_audit_log_actor", "staff_audit_log", ["actor"])
    op.create_index("ix_staff_audit_log_target_id", "staff_audit_log", ["target_id"])
    op.create_index("ix_staff_audit_log_at", "staff_audit_log", ["at"])

    op.create_table(
        "analytics_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("detail", sa.String(80), nullable=True),
        sa.Column("subject", sa.String(32), nullable=True),
        sa.Column("at", _TIME, nullable=False),
    )
    op.create_index("ix_analytics_events_kind", "analytics_events", ["kind"])
    op.create_index("ix_analytics_events_day", "analytics_events", ["day"])

    op.create_table(
        "analytics_day_keys",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False),
    )

    with op.batch_alter_table("knowledge_entries") as batch:
        batch.add_column(sa.Column("submitted_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("review_comment", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_entries") as batch:
        batch.drop_column("review_comment")
        batch.drop_column("reviewed_by")
        batch.drop_column("submitted_by")
    for table in (
        "analytics_day_keys",
        "analytics_events",
        "staff_audit_log",
        "staff_api_tokens",
        "staff_sessions",
        "staff_accounts",
    ):
        op.drop_table(table)
