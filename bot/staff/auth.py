"""/api/v1/staff/auth: log in (a cookie with a server-issued secret), who am I, log out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from bot.rate_limits import rate_limit
from bot.staff.identity import SESSION_COOKIE, CurrentStaff, DbSession, StaffWriter
from bot.staff.schemas import LoginRequest, StaffPublic
from knowledge.staff_accounts import (
    SESSION_LIFETIME,
    AccountLocked,
    LoginFailed,
    StaffIdentity,
    authenticate,
    close_session,
    csrf_token_for,
    open_session,
)

router = APIRouter(prefix="/api/v1/staff/auth", tags=["staff"])


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def log_in(session: DbSession, email: str, password: str) -> tuple[str, str, str]:
    """(secret, email, role) of a new login session, or the HTTP error saying why not."""
    try:
        account = authenticate(session, email=email, password=password)
    except AccountLocked as locked:
        raise HTTPException(
            status_code=423,
            detail="too many failed logins: the account is locked for a while / "
            "로그인 실패가 많아 계정이 잠시 잠겼습니다",
            headers={"Retry-After": "900"},
        ) from locked
    except LoginFailed:
        raise HTTPException(
            status_code=401, detail="wrong email or password / 이메일 또는 비밀번호가 틀립니다"
        ) from None
    return open_session(session, account), account.email, account.role


@router.post(
    "/login", response_model=StaffPublic, dependencies=[Depends(rate_limit("staff_login"))]
)
def login(
    body: LoginRequest, request: Request, response: Response, session: DbSession
) -> StaffPublic:
    """Log in; the session cookie is HttpOnly and SameSite=Strict, and every write through it
    must carry the returned csrf_token in the X-CSRF-Token header."""
    # Per-client rate limits (bot/rate_limits.py) stop guessing across accounts; the
    # per-account lockout below stops it on one account from many addresses.
    secret, email, role = log_in(session, body.email, body.password)
    set_session_cookie(request, response, secret)
    return StaffPublic(email=email, role=role, via="session", csrf_token=csrf_token_for(secret))


@router.get("/me", response_model=StaffPublic)
def me(identity: CurrentStaff) -> StaffPublic:
    return _public(identity)


@router.post("/logout", status_code=204)
def logout(identity: StaffWriter, response: Response, session: DbSession) -> Response:
    if identity.session_secret:
        close_session(session, identity.session_secret)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.status_code = 204
    return response


def _public(identity: StaffIdentity) -> StaffPublic:
    csrf = csrf_token_for(identity.session_secret) if identity.session_secret else None
    return StaffPublic(email=identity.email, role=identity.role, via=identity.via, csrf_token=csrf)
