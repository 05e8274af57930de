"""Fintech Lab live translation over HTTP and a WebSocket, and its page at /fintech-lab.

POST /api/v1/fintech-lab/rooms            {name, language} → host ticket + invite secret
POST /api/v1/fintech-lab/join             {invite, name, language} → member ticket
POST /api/v1/fintech-lab/messages         Bearer member token, {text} → the message as sent
GET  /api/v1/fintech-lab/messages?after=N Bearer member token → messages in the reader's language
WS   /ws/fintech-lab                      first frame {"type": "auth", "token"}, then pushes

The invite and the member token travel in bodies and headers, never in a URL, so they stay out
of access logs; the page keeps the invite in the address's fragment, which browsers never send.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, WebSocket
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.websockets import WebSocketDisconnect

from bot.authorization import bearer_token
from bot.fintech_lab.rooms import FintechLab, RoomError, Ticket, language_choices
from bot.routes.dependencies import SettingsDep

logger = logging.getLogger(__name__)

router = APIRouter(tags=["fintech-lab"])
PAGE = Path(__file__).resolve().parents[1] / "web" / "static" / "fintech-lab.html"
_AUTH_TIMEOUT_SECONDS = 10.0


class NewRoom(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    language: str = Field(min_length=2, max_length=16)


class JoinRoom(NewRoom):
    invite: str = Field(min_length=8, max_length=200)


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)


class TicketOut(BaseModel):
    room_id: str
    member_id: str
    member_token: str
    language: str
    invite: str | None = None


def _lab(request: Request) -> FintechLab:
    lab: FintechLab = request.app.state.fintech_lab
    return lab


LabDep = Annotated[FintechLab, Depends(_lab)]


def _token(authorization: Annotated[str | None, Header()] = None) -> str:
    token = bearer_token(authorization)
    if token is None:
        raise HTTPException(status_code=401, detail="a member token is required (Bearer)")
    return token


TokenDep = Annotated[str, Depends(_token)]


def _refused(error: RoomError) -> HTTPException:
    return HTTPException(status_code=error.status, detail=error.reason)


def _ticket(ticket: Ticket, invite: str | None = None) -> TicketOut:
    return TicketOut(
        room_id=ticket.room_id,
        member_id=ticket.member_id,
        member_token=ticket.member_token,
        language=ticket.language,
        invite=invite,
    )


@router.get("/fintech-lab", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")


@router.get("/api/v1/fintech-lab/languages")
async def languages() -> dict[str, object]:
    return {"languages": language_choices()}


@router.post("/api/v1/fintech-lab/rooms", status_code=201, response_model=TicketOut)
async def create_room(body: NewRoom, lab: LabDep) -> TicketOut:
    try:
        ticket, invite = await lab.create_room(name=body.name, language=body.language)
    except RoomError as error:
        raise _refused(error) from error
    return _ticket(ticket, invite)


@router.post("/api/v1/fintech-lab/join", response_model=TicketOut)
async def join_room(body: JoinRoom, lab: LabDep) -> TicketOut:
    try:
        ticket = await lab.join(invite=body.invite, name=body.name, language=body.language)
    except RoomError as error:
        raise _refused(error) from error
    return _ticket(ticket)


@router.post("/api/v1/fintech-lab/messages", status_code=201)
async def post_message(
    body: NewMessage, lab: LabDep, token: TokenDep, settings: SettingsDep
) -> dict[str, object]:
    if len(body.text) > settings.max_message_chars:
        raise HTTPException(
            status_code=422,
            detail=f"text is longer than {settings.max_message_chars} characters",
        )
    try:
        return await lab.post(token, body.text)
    except RoomError as error:
        raise _refused(error) from error


@router.get("/api/v1/fintech-lab/messages")
async def list_messages(
    lab: LabDep, token: TokenDep, after: Annotated[int, Query(ge=0)] = 0
) -> dict[str, object]:
    try:
        return {"messages": await lab.messages_after(token, after)}
    except RoomError as error:
        raise _refused(error) from error


@router.websocket("/ws/fintech-lab")
async def live(websocket: WebSocket) -> None:
    """Pushes each new message in the reader's language; the first frame must authenticate."""
    lab: FintechLab = websocket.app.state.fintech_lab
    await websocket.accept()
    try:
        first = await asyncio.wait_for(websocket.receive_text(), _AUTH_TIMEOUT_SECONDS)
        frame = json.loads(first)
        token = str(frame.get("token", "")) if isinstance(frame, dict) else ""
        queue = await lab.listen(token)
    except (TimeoutError, ValueError, RoomError, WebSocketDisconnect):
        await _close(websocket, 4401, "a member token is required")
        return
    try:
        language = await lab.member_language(token)
        await websocket.send_json({"type": "ready", "language": language})
        receiver = asyncio.create_task(_drain(websocket))
        while not receiver.done():
            getter = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait({getter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                break
            try:
                view = await lab.view(token, getter.result())
            except RoomError:
                break
            await websocket.send_json({"type": "message", "message": view})
    except WebSocketDisconnect:
        pass
    finally:
        await lab.stop_listening(token, queue)
        await _close(websocket, 1000, "bye")


async def _drain(websocket: WebSocket) -> None:
    """Reads (and ignores) what the client sends, so a closed socket ends the loop."""
    try:
        while True:
            await websocket.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        return


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    try:
        await websocket.close(code=code, reason=reason)
    except RuntimeError:
        pass  # already closed
