"""/api/v1/staff/unanswered and /api/v1/staff/analytics: what the agent missed, how it does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.staff.errors import domain_errors
from bot.staff.identity import CurrentStaff, DbSession, allowed
from bot.staff.schemas import UnansweredGroupPublic, UnansweredList
from knowledge import analytics
from knowledge.knowledge_base import KnowledgeBase
from knowledge.unanswered import UnansweredGroup, group_unanswered

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])

MAX_GROUPS = 100


def inbox(session: Session, knowledge_base: KnowledgeBase) -> list[UnansweredGroup]:
    """Groups of misses the knowledge base still does not answer, biggest first."""
    knowledge_base.sync(force=True)

    def answered(question: str) -> bool:
        return knowledge_base.search(question, k=1).decision == "answer"

    groups = group_unanswered(session, knowledge_base.embedder())
    open_groups: list[UnansweredGroup] = []
    for group in groups:
        if not answered(group.question):
            open_groups.append(group)
        if len(open_groups) >= MAX_GROUPS:
            break
    return open_groups


@router.get("/unanswered", response_model=UnansweredList)
def unanswered(identity: CurrentStaff, session: DbSession, request: Request) -> UnansweredList:
    """Questions the agent missed, grouped by meaning, with counts and first/last seen; a
    group leaves the list once an entry answers it."""
    allowed(identity, "unanswered.read")
    groups = inbox(session, request.app.state.knowledge_base)
    return UnansweredList(
        groups=[UnansweredGroupPublic.model_validate(group.as_dict()) for group in groups]
    )


def numbers(
    session: Session, knowledge_base: KnowledgeBase, start: str | None, end: str | None
) -> dict[str, Any]:
    with domain_errors():
        first, last = analytics.parse_range(start, end)
    result = analytics.summary(session, first, last)
    result["top_unanswered"] = [
        {"question": group.question, "count": group.count}
        for group in inbox(session, knowledge_base)[:10]
    ]
    return result


@router.get("/analytics")
def analytics_numbers(
    identity: CurrentStaff,
    session: DbSession,
    request: Request,
    start: str | None = Query(default=None, alias="from", description="YYYY-MM-DD"),
    end: str | None = Query(default=None, alias="to", description="YYYY-MM-DD"),
) -> dict[str, Any]:
    """Conversations per channel per day, answer/clarify/hand-off shares, top intents, top
    unanswered groups, tax calculations and hand-offs, for days from..to (default: 30 days)."""
    allowed(identity, "analytics.read")
    return numbers(session, request.app.state.knowledge_base, start, end)


@router.get("/analytics.csv")
def analytics_csv(
    identity: CurrentStaff,
    session: DbSession,
    request: Request,
    start: str | None = Query(default=None, alias="from"),
    end: str | None = Query(default=None, alias="to"),
) -> Response:
    allowed(identity, "analytics.read")
    result = numbers(session, request.app.state.knowledge_base, start, end)
    name = f"haechi-analytics-{result['from']}-{result['to']}.csv"
    return Response(
        analytics.summary_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
