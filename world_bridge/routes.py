"""The world's routes: the WebSocket `/ws/world`, and the reference 3D client at `/world`."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, WebSocket
from fastapi.responses import FileResponse, PlainTextResponse, Response

from world_bridge.bridge import WorldBridge

CLIENT_DIST = Path(__file__).parent / "client" / "dist"
_ASSET_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(js|css|map|png|svg)$")
_MEDIA_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "map": "application/json",
    "png": "image/png",
    "svg": "image/svg+xml",
}

router = APIRouter(tags=["world"])


@router.websocket("/ws/world")
async def world_socket(websocket: WebSocket) -> None:
    """One player's connection to the world (protocol in docs/world-protocol.md)."""
    bridge: WorldBridge = websocket.app.state.world
    await bridge.serve(websocket)


@router.get("/world", include_in_schema=False)
async def world_page() -> Response:
    index = CLIENT_DIST / "index.html"
    if not index.is_file():
        return PlainTextResponse(
            "The 3D client is not built yet: run `make world-client`.", status_code=503
        )
    return FileResponse(index, media_type="text/html; charset=utf-8")


@router.get("/world/assets/{name}", include_in_schema=False)
async def world_asset(name: str) -> FileResponse:
    """Built files of the client (flat folder; names are checked, so no path escapes it)."""
    match = _ASSET_NAME.match(name)
    path = CLIENT_DIST / name
    if match is None or not path.is_file():
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(path, media_type=_MEDIA_TYPES[match.group(1)])
