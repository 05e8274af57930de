"""WS /ws/counsel: the counsellor console's live line.

The browser's staff login cookie (same origin only) or a first frame `{"type": "auth",
"token": "<API token>"}` says who is there; role counsellor or admin. The server sends
`{"type": "queue", "items": [...]}` whenever the queue changes and `{"type": "message", ...}`
for every new line of the conversations this counsellor holds; the counsellor sends
`{"type": "send", "conversation_id", "text"}` and `{"type": "typing", "conversation_id"}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.counsel_desk import CounselDesk
from bot.counsel.routes import queue_items
from bot.staff.identity import SESSION_COOKIE
from civic.counsel import queue as counsel
from civic.counsel.queue import CounselError
from knowledge.counsel_models import CounselHandoff
from knowledge.database import make_session_factory
from knowledge.review import can
from knowledge.staff_accounts import StaffIdentity, identity_from_session, identity_from_token

logger = logging.getLogger(__name__)

router = APIRouter()

CLOSE_POLICY = 1008
MAX_FRAME_CHARS = 8192
AUTH_SECONDS = 10.0


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser: it must still prove who it is
    return urlsplit(origin).netloc.lower() == (websocket.headers.get("host") or "").lower()


def _identity(session: Session, *, cookie: str | None, token: str | None) -> StaffIdentity | None:
    if token:
        return identity_from_token(session, token)
    return identity_from_session(session, cookie) if cookie else None


class CounsellorLine:
    """One counsellor's socket: pushes queue snapshots and lines of their conversations."""

    def __init__(self, websocket: WebSocket, desk: CounselDesk, identity: StaffIdentity) -> None:
        self.websocket = websocket
        self.desk = desk
        self.identity = identity

    async def send(self, frame: dict[str, Any]) -> None:
        await self.websocket.send_text(json.dumps(frame, ensure_ascii=False, default=str))

    async def push(self) -> None:
        cursor: int = await self.desk.db(counsel.latest_message_id)
        last_queue: list[dict[str, Any]] | None = None
        while True:
            items = [item.model_dump(mode="json") for item in await self.desk.db(queue_items)]
            if items != last_queue:
                await self.send({"type": "queue", "items": items})
                last_queue = items
            cursor = await self._new_lines(cursor)
            await self.desk.wait_for_change(self.desk.poll_seconds)

    async def _new_lines(self, cursor: int) -> int:
        me = self.identity.account_id

        def read(session: Session) -> tuple[int, list[dict[str, Any]]]:
            lines = counsel.messages_after(session, cursor)
            if not lines:
                return cursor, []
            held = {
                row.id: row.conversation_id
                for row in session.scalars(
                    select(CounselHandoff).where(
                        CounselHandoff.id.in_({line.handoff_id for line in lines}),
                        CounselHandoff.holder_id == me,
                    )
                )
            }
            frames = [
                {
                    "type": "message",
                    "conversation_id": held[line.handoff_id],
                    "id": line.id,
                    "author": line.author,
                    "text": line.text,
                    "at": line.at.isoformat(),
                }
                for line in lines
                if line.handoff_id in held
            ]
            return lines[-1].id, frames

        new_cursor, frames = await self.desk.db(read)
        for frame in frames:
            await self.send(frame)
        return int(new_cursor)

    async def read(self) -> None:
        while True:
            raw = await self.websocket.receive_text()
            if len(raw) > MAX_FRAME_CHARS:
                await self.send(
                    {"type": "error", "reason": "frame too large / 메시지가 너무 깁니다"}
                )
                continue
            try:
                frame = json.loads(raw)
            except ValueError:
                await self.send({"type": "error", "reason": "send JSON / JSON으로 보내 주세요"})
                continue
            await self._handle(frame if isinstance(frame, dict) else {})

    async def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        conversation_id = frame.get("conversation_id")
        if kind not in ("send", "typing") or not isinstance(conversation_id, str):
            await self.send(
                {
                    "type": "error",
                    "reason": "send {type: send|typing, conversation_id} / 형식 오류",
                }
            )
            return
        try:
            if kind == "typing":
                await self.desk.counsellor_typing(
                    conversation_id=conversation_id, holder_id=self.identity.account_id
                )
                return
            text = frame.get("text")
            await self.desk.counsellor_says(
                conversation_id=conversation_id,
                holder_id=self.identity.account_id,
                text=text if isinstance(text, str) else "",
            )
        except CounselError as error:
            await self.send(
                {"type": "error", "conversation_id": conversation_id, "reason": str(error)}
            )


@router.websocket("/ws/counsel")
async def counsellor_socket(websocket: WebSocket) -> None:
    desk: CounselDesk = websocket.app.state.counsel_desk
    if not _same_origin(websocket):
        await websocket.close(code=CLOSE_POLICY, reason="origin not allowed")
        return
    await websocket.accept()
    cookie = websocket.cookies.get(SESSION_COOKIE)
    token: str | None = None
    if not cookie:
        try:
            first = json.loads(await asyncio.wait_for(websocket.receive_text(), AUTH_SECONDS))
        except (TimeoutError, ValueError, WebSocketDisconnect):
            first = None
        if isinstance(first, dict) and first.get("type") == "auth":
            token = str(first.get("token") or "")
    factory = make_session_factory(websocket.app.state.database)

    def who() -> StaffIdentity | None:
        with factory() as session:
            return _identity(session, cookie=cookie, token=token)

    identity = await asyncio.to_thread(who)
    if identity is None or not can(identity, "counsel"):
        with contextlib.suppress(Exception):
            await websocket.close(
                code=CLOSE_POLICY, reason="log in as a counsellor / 상담사 로그인이 필요합니다"
            )
        return
    line = CounsellorLine(websocket, desk, identity)
    await line.send(
        {
            "type": "hello",
            "counsellor": counsel.counsellor_name(identity.email),
            "role": identity.role,
        }
    )
    pusher = asyncio.create_task(line.push())
    try:
        await line.read()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        pusher.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pusher
