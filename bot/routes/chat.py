"""POST /api/v1/chat: one citizen message in, the agent's reply out, for every channel."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, HTTPException

from bot.rasa_client import RasaUnavailable
from bot.reply import Handoff, ReplyMessage
from bot.routes.dependencies import RasaDep, SettingsDep
from bot.schemas import ChatRequest, ChatResponse
from civic.privacy import mask_personal_numbers
from knowledge.language import choose_language

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["chat"])

MAX_METADATA_BYTES = 4096

_NO_REPLY = {
    "ko": "죄송합니다. 지금은 답변을 드리기 어렵습니다. 잠시 후 다시 시도해 주시거나, 급하신 "
    "경우 국번 없이 120번으로 전화해 주세요.",
    "en": "I'm sorry, I can't answer right now. Please try again in a moment, or call 120 if "
    "it is urgent.",
}


@router.post("/chat", response_model=ChatResponse, response_model_exclude_none=True)
async def chat(request: ChatRequest, rasa: RasaDep, settings: SettingsDep) -> ChatResponse:
    """Pass the message to the agent (one conversation per channel and session) and reply."""
    if len(request.text) > settings.max_message_chars:
        raise HTTPException(
            status_code=422,
            detail=f"text is longer than {settings.max_message_chars} characters / "
            f"메시지는 {settings.max_message_chars}자까지 보낼 수 있습니다",
        )
    metadata = dict(request.metadata or {})
    if len(json.dumps(metadata, ensure_ascii=False).encode()) > MAX_METADATA_BYTES:
        raise HTTPException(
            status_code=422,
            detail=f"metadata is larger than {MAX_METADATA_BYTES} bytes / metadata가 너무 큽니다",
        )
    metadata["channel"] = request.channel
    if request.language:
        metadata["language"] = request.language
    sender_id = f"{request.channel}:{request.session_id}"
    logger.debug("chat %s: %s", sender_id, mask_personal_numbers(request.text))
    try:
        messages = await rasa.send(sender_id=sender_id, text=request.text, metadata=metadata)
    except RasaUnavailable as error:
        logger.warning("rasa unavailable for %s: %s", request.channel, error)
        raise HTTPException(
            status_code=503,
            detail="the assistant is not available right now / "
            "지금은 상담 도우미에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요",
        ) from error
    language = next((m.language for m in reversed(messages) if m.language), None)
    language = language or choose_language(
        requested=request.language, text=request.text, current=None
    )
    if not messages:
        # An action failed inside Rasa; the citizen still deserves an answer and a way out.
        logger.warning("rasa returned no reply (channel %s)", request.channel)
        messages = [
            ReplyMessage(
                text=_NO_REPLY.get(language, _NO_REPLY["ko"]),
                handoff=Handoff(state="offered", phone="120"),
                language=language,
            )
        ]
    return ChatResponse(session_id=request.session_id, language=language, messages=messages)
