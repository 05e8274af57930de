"""POST /api/v1/chat: one citizen message in, the agent's reply out, for every channel."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, HTTPException

from agent.conversation import converse
from agent.rasa_client import RasaUnavailable
from agent.voice import add_audio, wants_voice
from bot.routes.dependencies import RasaDep, SettingsDep, VoiceDep
from bot.schemas import ChatRequest, ChatResponse

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["chat"])

MAX_METADATA_BYTES = 4096


@router.post("/chat", response_model=ChatResponse, response_model_exclude_none=True)
async def chat(
    request: ChatRequest, rasa: RasaDep, settings: SettingsDep, voice: VoiceDep
) -> ChatResponse:
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
    try:
        reply = await converse(
            rasa,
            channel=request.channel,
            session_id=request.session_id,
            text=request.text,
            language=request.language,
            metadata=metadata,
        )
    except RasaUnavailable as error:
        logger.warning("rasa unavailable for %s: %s", request.channel, error)
        raise HTTPException(
            status_code=503,
            detail="the assistant is not available right now / "
            "지금은 상담 도우미에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요",
        ) from error
    messages = reply.messages
    if wants_voice(metadata, messages, default=settings.voice_replies):
        # The reply goes out now; GET /api/v1/audio/ waits for a clip still being made.
        messages = await add_audio(voice, messages, language=reply.language, wait=False)
    return ChatResponse(session_id=request.session_id, language=reply.language, messages=messages)
