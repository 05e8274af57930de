"""Who is calling: a bearer API token or the console's login cookie, and the CSRF check.

Writes through the cookie need the session's CSRF token (header X-CSRF-Token, or the form field
csrf_token for plain forms); bearer tokens are not sent by browsers on their own, so they need
none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.authorization import bearer_token
from knowledge.database import make_session_factory, migrate
from knowledge.review import PermissionDenied, require
from knowledge.staff_accounts import (
    StaffIdentity,
    csrf_token_matches,
    identity_from_session,
    identity_from_token,
)

SESSION_COOKIE = "haechi_staff"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def database_session(request: Request) -> Iterator[Session]:
    engine: Engine = request.app.state.database
    factory = getattr(request.app.state, "staff_sessions", None)
    if factory is None:
        # The gateway otherwise migrates when it first builds the search index; a staff login
        # may come before any search.
        migrate(engine)
        factory = request.app.state.staff_sessions = make_session_factory(engine)
    with factory() as session:
        yield session


DbSession = Annotated[Session, Depends(database_session)]


def find_identity(request: Request, session: Session) -> StaffIdentity | None:
    """The caller, or None; a bearer header that is present but wrong is a 401 of its own."""
    header = request.headers.get("authorization")
    if header:
        token = bearer_token(header)
        identity = identity_from_token(session, token) if token else None
        if identity is None:
            raise HTTPException(
                status_code=401,
                detail="invalid or revoked API token / API 토큰이 올바르지 않습니다",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return identity
    secret = request.cookies.get(SESSION_COOKIE)
    return identity_from_session(session, secret) if secret else None


def current_staff(request: Request, session: DbSession) -> StaffIdentity:
    identity = find_identity(request, session)
    if identity is None:
        raise HTTPException(
            status_code=401,
            detail="log in or send an API token / 로그인이 필요합니다",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return identity


CurrentStaff = Annotated[StaffIdentity, Depends(current_staff)]


async def csrf_checked_staff(request: Request, identity: CurrentStaff) -> StaffIdentity:
    """The caller of a write; a cookie login must show its CSRF token too."""
    if identity.via == "session":
        assert identity.session_secret is not None
        token = request.headers.get(CSRF_HEADER)
        if token is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            field = form.get(CSRF_FIELD)
            token = field if isinstance(field, str) else None
        if not csrf_token_matches(identity.session_secret, token):
            raise HTTPException(
                status_code=403, detail="missing or wrong CSRF token / 보안 토큰이 맞지 않습니다"
            )
    return identity


StaffWriter = Annotated[StaffIdentity, Depends(csrf_checked_staff)]


def allowed(identity: StaffIdentity, permission: str) -> None:
    """403 with the reason when the role may not do this."""
    try:
        require(identity, permission)
    except PermissionDenied as denied:
        raise HTTPException(status_code=403, detail=str(denied)) from None
