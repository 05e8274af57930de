"""POST /api/v1/knowledge/search: the same search the agent uses, for staff and outside tools."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from bot.rate_limits import rate_limit
from bot.schemas import REFUSALS
from knowledge.knowledge_base import KnowledgeBase
from knowledge.language import SUPPORTED_LANGUAGES, detect_language

router = APIRouter(
    prefix="/api/v1/knowledge",
    tags=["knowledge"],
    dependencies=[Depends(rate_limit("search"))],
    responses=REFUSALS,
)


class KnowledgeSearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=1000)
    k: int = Field(default=10, ge=1, le=50)
    language: str | None = Field(default=None, pattern="^(" + "|".join(SUPPORTED_LANGUAGES) + ")$")
    collection: str | None = Field(default=None, min_length=1, max_length=40)


class KnowledgeSearchResponse(BaseModel):
    decision: str
    results: list[dict[str, Any]]


@router.post("/search", response_model=KnowledgeSearchResponse)
async def search(body: KnowledgeSearchRequest, request: Request) -> KnowledgeSearchResponse:
    knowledge_base: KnowledgeBase = request.app.state.knowledge_base
    # Kiwi and BM25 are CPU work; keep the event loop free for chat traffic.
    language = body.language or detect_language(body.query) or "ko"
    outcome = await asyncio.to_thread(
        knowledge_base.search,
        body.query,
        k=body.k,
        collection=body.collection,
        language=language,
    )
    return KnowledgeSearchResponse(decision=outcome.decision, results=outcome.results(language))
