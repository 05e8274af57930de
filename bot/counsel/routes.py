"""/api/v1/counsel: the counsellor's queue, accept, messages, transcript, close (role
counsellor or admin, staff auth as in the console: a cookie with its CSRF token, or a bearer)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.counsel.dependencies import Counsellor, CounsellorWriting, DeskDep, counsel_errors
from bot.counsel.schemas import (
    Accepted,
    Closed,
    CloseRequest,
    CounsellorText,
    QueueItem,
    QuickReply,
    Sent,
    Stats,
    Transcript,
    TranscriptLine,
)
from bot.schemas import REFUSALS
from civic.counsel import queue as counsel
from knowledge.counsel_models import CounselHandoff
from knowledge.knowledge_base import KnowledgeBase
from knowledge.language import detect_language

router = APIRouter(prefix="/api/v1/counsel", tags=["counsel"], responses=REFUSALS)

# A conversation is named as the server built it: web:…, telegram:…, world:…
ConversationId = str


def queue_items(session: Session) -> list[QueueItem]:
    items = []
    position = 0
    for handoff in counsel.queue(session):
        if handoff.state == "waiting":
            position += 1
        items.append(
            QueueItem(
                conversation_id=handoff.conversation_id,
                channel=handoff.channel,
                waiting_since=handoff.requested_at,
                preview=handoff.preview,
                state=handoff.state,
                language=handoff.language,
                position=position if handoff.state == "waiting" else None,
            )
        )
    return items


@router.get("/queue", response_model=list[QueueItem])
async def waiting_queue(identity: Counsellor, desk: DeskDep) -> list[QueueItem]:
    """Conversations waiting for a counsellor (first come first served), then messages left
    outside counselling hours."""
    items: list[QueueItem] = await desk.db(queue_items)
    return items


@router.get("/held", response_model=list[QueueItem])
async def held_by_me(identity: Counsellor, desk: DeskDep) -> list[QueueItem]:
    """The conversations this counsellor holds now."""

    def mine(session: Session) -> list[QueueItem]:
        rows = session.scalars(
            select(CounselHandoff)
            .where(CounselHandoff.state == "held", CounselHandoff.holder_id == identity.account_id)
            .order_by(CounselHandoff.accepted_at)
        )
        return [
            QueueItem(
                conversation_id=row.conversation_id,
                channel=row.channel,
                waiting_since=row.requested_at,
                preview=row.preview,
                state=row.state,
                language=row.language,
            )
            for row in rows
        ]

    items: list[QueueItem] = await desk.db(mine)
    return items


@router.post("/{conversation_id}/accept", response_model=Accepted)
async def accept(
    conversation_id: ConversationId, identity: CounsellorWriting, desk: DeskDep
) -> Accepted:
    """Take the conversation: 409 when another counsellor holds it, 404 when it is not waiting."""
    with counsel_errors():
        handoff = await desk.accept(
            conversation_id=conversation_id,
            holder_id=identity.account_id,
            holder_name=counsel.counsellor_name(identity.email),
        )
    return Accepted(
        conversation_id=handoff.conversation_id, state=handoff.state, counsellor=handoff.holder_name
    )


@router.post("/{conversation_id}/messages", response_model=Sent, status_code=201)
async def send_message(
    conversation_id: ConversationId,
    body: CounsellorText,
    identity: CounsellorWriting,
    desk: DeskDep,
) -> Sent:
    """Say something to the citizen (only the counsellor holding the conversation)."""
    with counsel_errors():
        stored = await desk.counsellor_says(
            conversation_id=conversation_id, holder_id=identity.account_id, text=body.text
        )
    return Sent(id=stored.id, at=stored.at)


@router.post("/{conversation_id}/typing", status_code=204)
async def typing(
    conversation_id: ConversationId, identity: CounsellorWriting, desk: DeskDep
) -> None:
    """Show the citizen that the counsellor is typing (a few seconds)."""
    with counsel_errors():
        await desk.counsellor_typing(conversation_id=conversation_id, holder_id=identity.account_id)


@router.get("/{conversation_id}/transcript", response_model=Transcript)
async def transcript(
    conversation_id: ConversationId, identity: Counsellor, desk: DeskDep
) -> Transcript:
    """The conversation so far (its latest hand-off), personal numbers masked."""

    def read(session: Session) -> Transcript | None:
        handoff = counsel.latest_handoff(session, conversation_id)
        if handoff is None:
            return None
        return Transcript(
            conversation_id=handoff.conversation_id,
            channel=handoff.channel,
            state=handoff.state,
            language=handoff.language,
            counsellor=handoff.holder_name,
            preview=handoff.preview,
            requested_at=handoff.requested_at,
            messages=[
                TranscriptLine(id=line.id, author=line.author, text=line.text, at=line.at)
                for line in counsel.transcript(session, handoff)
            ],
        )

    await desk.written(conversation_id)  # the agent's latest lines are in it too
    found: Transcript | None = await desk.db(read)
    if found is None:
        raise HTTPException(
            status_code=404, detail="no hand-off for this conversation / 상담 기록이 없습니다"
        )
    return found


@router.post("/{conversation_id}/close", response_model=Closed)
async def close(
    conversation_id: ConversationId, body: CloseRequest, identity: CounsellorWriting, desk: DeskDep
) -> Closed:
    """Finish: the agent takes the conversation back with a goodbye and a satisfaction question."""
    with counsel_errors():
        handoff = await desk.close(
            conversation_id=conversation_id,
            holder_id=identity.account_id,
            category=body.category,
            note=body.note,
        )
    return Closed(
        conversation_id=handoff.conversation_id, state=handoff.state, category=handoff.category
    )


@router.get("/replies", response_model=list[QuickReply])
async def quick_replies(
    request: Request,
    identity: Counsellor,
    q: Annotated[str, Query(min_length=1, max_length=300)],
    language: Annotated[str | None, Query(pattern="^(ko|en)$")] = None,
) -> list[QuickReply]:
    """Published knowledge-base answers for the counsellor to insert."""
    knowledge_base: KnowledgeBase = request.app.state.knowledge_base
    lang = language or detect_language(q) or "ko"
    outcome = await asyncio.to_thread(knowledge_base.search, q, k=5, language=lang)
    replies = []
    for hit in outcome.hits:
        text = hit.entry.text_for(lang) or hit.entry.text_for("ko")
        if text is None:
            continue
        replies.append(
            QuickReply(
                id=hit.entry.id,
                external_id=hit.entry.external_id,
                question=str(text.get("question") or ""),
                answer=str(text["answer"]),
                source_url=hit.entry.source_url,
            )
        )
    return replies


@router.get("/stats", response_model=Stats)
async def stats(
    identity: Counsellor,
    desk: DeskDep,
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
) -> Stats:
    """Wait and handling times, categories and satisfaction (default: the last 30 days)."""
    end = _aware(until) or datetime.now(UTC)
    start = _aware(since) or end - timedelta(days=30)
    if start >= end:
        raise HTTPException(
            status_code=422, detail="from must be before to / 기간이 올바르지 않습니다"
        )
    result = await desk.db(lambda session: counsel.stats(session, since=start, until=end))
    return Stats(**result.__dict__)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
