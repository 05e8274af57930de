"""Knowledge entries with status and validity, their revision history, unanswered questions.

Revision ID: 0001
Revises:
Create Date: 2025-11-29

Databases made before migrations existed (by `create_all` of the first model) already hold
knowledge_entries with seed data; this revision adopts them by adding the missing columns
instead of failing on "table already exists", so no one has to delete their data folder.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS_CHECK = "status IN ('draft', 'in_review', 'published', 'archived')"


def _create_entries() -> None:
    op.create_table(
        "knowledge_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("collection", sa.String(40), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("department", sa.String(200), nullable=True),
        sa.Column("source_url", sa.String(500), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_STATUS_CHECK, name="ck_knowledge_entries_status"),
    )
    op.create_index(
        "ix_knowledge_entries_external_id", "knowledge_entries", ["external_id"], unique=True
    )
    op.create_index("ix_knowledge_entries_collection", "knowledge_entries", ["collection"])
    op.create_index("ix_knowledge_entries_status", "knowledge_entries", ["status"])


def _adopt_entries() -> None:
    with op.batch_alter_table("knowledge_entries") as batch:
        batch.add_column(sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    # The first model had no created_at; its last update is the best date there is.
    op.execute("UPDATE knowledge_entries SET created_at = updated_at")
    with op.batch_alter_table("knowledge_entries") as batch:
        batch.alter_column("created_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.create_check_constraint("ck_knowledge_entries_status", _STATUS_CHECK)


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("knowledge_entries"):
        _adopt_entries()
    else:
        _create_entries()

    op.create_table(
        "knowledge_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey(
                "knowledge_entries.id",
                name="fk_knowledge_revisions_entry_id",
                ondelete="RESTRICT",
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(120), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_id", "revision", name="uq_knowledge_revisions_entry_revision"),
    )
    op.create_index("ix_knowledge_revisions_entry_id", "knowledge_revisions", ["entry_id"])
    op.create_index("ix_knowledge_revisions_changed_at", "knowledge_revisions", ["changed_at"])

    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("top_external_id", sa.String(200), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_unanswered_questions_asked_at", "unanswered_questions", ["asked_at"])


def downgrade() -> None:
    op.drop_table("unanswered_questions")
    op.drop_table("knowledge_revisions")
    op.drop_table("knowledge_entries")
