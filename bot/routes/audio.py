"""GET /api/v1/audio/{name}: spoken replies the gateway made (`<key>.ogg` Opus, `<key>.wav`)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from agent.voice import CLIP_NAME, MEDIA_TYPES
from bot.routes.dependencies import VoiceDep

router = APIRouter(prefix="/api/v1", tags=["audio"])


@router.get("/audio/{name}", response_class=FileResponse)
async def audio(name: str, voice: VoiceDep) -> FileResponse:
    """One clip by its keyed-hash name, waiting while it is still being spoken; any other name
    (paths, other files) is not found."""
    match = CLIP_NAME.fullmatch(name)
    path = await voice.ready(name) if match else None
    if match is None or path is None:
        raise HTTPException(status_code=404, detail="no such audio / 음성 파일이 없습니다")
    # A clip never changes: its name is the hash of what it says.
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[match["format"]],
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
