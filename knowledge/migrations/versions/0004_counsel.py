"""Counsellor hand-offs and their transcripts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "counsel_handoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("preview", sa.String(300), nullable=True),
        sa.Column(
            "holder_id",
            sa.Integer(),
            sa.ForeignKey(
                "staff_accounts.id", name="fk_counsel_handoffs_holder", ondelete="SET NULL"
            ),
            nullable=True,
        ),
        sa.Column("holder_name", sa.String(120), nullable=True),
        sa.Column("requested_at", _TIME, nullable=False),
        sa.Column("accepted_at", _TIME, nullable=True),
        sa.Column("closed_at", _TIME, nullable=True),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('waiting', 'held', 'writing', 'message', 'closed', 'left')",
            name="ck_counsel_handoffs_state",
        ),
    )
    op.create_index("ix_counsel_handoffs_conversation_id", "counsel_handoffs", ["conversation_id"])
    op.create_index("ix_counsel_handoffs_state", "counsel_handoffs", ["state"])
    op.create_index("ix_counsel_handoffs_holder_id", "counsel_handoffs", ["holder_id"])

    op.create_table(
        "counsel_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "handoff_id",
            sa.Integer(),
            sa.ForeignKey(
                "counsel_handoffs.id", name="fk_counsel_messages_handoff", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("author", sa.String(12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("delivery", sa.JSON(), nullable=True),
        sa.Column("at", _TIME, nullable=False),
    )
    op.create_index("ix_counsel_messages_handoff_id", "counsel_messages", ["handoff_id"])
    op.create_index("ix_counsel_messages_conversation_id", "counsel_messages", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("counsel_messages")
    op.drop_table("counsel_handoffs")
