"""GET /api/v1/chat/events: what a counsellor (or the hand-off desk) sent to a web conversation,
by long poll, for the holder of the session's secret."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from agent.counsel_desk import CounselDesk
from agent.reply import ReplyMessage
from bot.routes.chat import presented_secret
from bot.routes.dependencies import SessionSecretsDep
from bot.schemas import REFUSALS

router = APIRouter(prefix="/api/v1/chat", tags=["chat"], responses=REFUSALS)

LONG_POLL_SECONDS = 25.0


class ChatEvents(BaseModel):
    messages: list[ReplyMessage]
    cursor: int
    typing: bool = False


@router.get("/events", response_model=ChatEvents, response_model_exclude_none=True)
async def events(
    request: Request,
    session_secrets: SessionSecretsDep,
    session_id: Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._@-]+$")],
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    wait: Annotated[float, Query(ge=0, le=LONG_POLL_SECONDS)] = LONG_POLL_SECONDS,
    typing: Annotated[bool, Query(description="what the page shows now")] = False,
) -> ChatEvents:
    """Messages pushed to the conversation after `after` (the last `cursor`), waiting up to
    `wait` seconds (25 at most) for one; `typing` while the counsellor types."""
    if not session_secrets.verify(session_id, presented_secret(request)):
        raise HTTPException(
            status_code=403,
            detail="this conversation needs its session secret / 이 대화의 세션 정보가 없습니다",
        )
    desk: CounselDesk = request.app.state.counsel_desk
    found = await desk.events(
        f"web:{session_id}", after=after, wait_seconds=wait, shown_typing=typing
    )
    return ChatEvents(messages=found.messages, cursor=found.cursor, typing=found.typing)
