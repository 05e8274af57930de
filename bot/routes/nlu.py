"""POST /api/v1/nlu/parse: what the trained model understands of a text."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from agent.rasa_client import RasaUnavailable
from bot.rate_limits import rate_limit
from bot.routes.dependencies import RasaDep
from bot.schemas import REFUSALS, IntentScore, ParseRequest, ParseResponse

router = APIRouter(
    prefix="/api/v1/nlu",
    tags=["nlu"],
    dependencies=[Depends(rate_limit("search"))],
    responses=REFUSALS,
)


def _intent(raw: Any) -> IntentScore:
    raw = raw if isinstance(raw, dict) else {}
    return IntentScore(name=raw.get("name"), confidence=float(raw.get("confidence") or 0.0))


@router.post("/parse", response_model=ParseResponse)
async def parse(request: ParseRequest, rasa: RasaDep) -> ParseResponse:
    try:
        raw = await rasa.parse(request.text)
    except RasaUnavailable as error:
        raise HTTPException(
            status_code=503, detail="NLU is not available right now / NLU에 연결할 수 없습니다"
        ) from error
    return ParseResponse(
        intent=_intent(raw.get("intent")),
        entities=[e for e in raw.get("entities") or [] if isinstance(e, dict)],
        intent_ranking=[_intent(item) for item in raw.get("intent_ranking") or []],
    )
