"""Counsellor hand-off tables: one row per hand-off, and its transcript.

A hand-off belongs to one conversation (the server-built sender id, `web:…`, `telegram:…`,
`world:…`); a conversation may hand off many times, one at a time. Transcript text is stored
masked (civic/privacy.py); what was delivered to the citizen (the counsellor's words, the
service's notices) is kept as the reply payload so a web page polling later still gets it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.models import Base, UTCDateTime, _now

# waiting: in the queue; held: a counsellor has it; writing: outside hours, the citizen is
# asked to leave a message; message: a left message waits for a counsellor; closed: done;
# left: the citizen left the queue (or never wrote the message).
HANDOFF_STATES = ("waiting", "held", "writing", "message", "closed", "left")
ACTIVE_STATES = ("waiting", "held", "writing", "message")
AUTHORS = ("citizen", "counsellor", "agent", "service")


class CounselHandoff(Base):
    __tablename__ = "counsel_handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(16), default="ko")
    state: Mapped[str] = mapped_column(String(10), index=True)
    preview: Mapped[str | None] = mapped_column(String(300))
    holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True
    )
    holder_name: Mapped[str | None] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    category: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(Integer)


class CounselMessage(Base):
    """One line of a hand-off's transcript; its id is the cursor web clients poll after."""

    __tablename__ = "counsel_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("counsel_handoffs.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    author: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    # The reply as the citizen's channel receives it (ReplyMessage JSON); None for lines that
    # are not delivered to the citizen (their own words, the transcript before the hand-off).
    delivery: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
