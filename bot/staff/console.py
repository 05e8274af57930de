"""The staff console at /staff: server-rendered pages (Jinja2, autoescaped) over the same
domain calls and permissions as the JSON API; htmx swaps parts of pages.

This module has what every page shares (language, login, rendering) and the login pages;
console_entries.py the entry pages, console_pages.py the others. Every form that writes carries
the session's CSRF token (a hidden field, or the X-CSRF-Token header htmx adds from the page's
meta tag).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bot.rate_limits import rate_limit
from bot.staff.auth import log_in, set_session_cookie
from bot.staff.errors import domain_errors
from bot.staff.i18n import LANGUAGES, words
from bot.staff.identity import (
    SESSION_COOKIE,
    DbSession,
    csrf_checked_staff,
    find_identity,
)
from knowledge.review import can
from knowledge.staff_accounts import (
    StaffIdentity,
    close_session,
    csrf_token_for,
)

HERE = Path(__file__).parent
DIST = HERE / "client" / "dist"
LANGUAGE_COOKIE = "haechi_staff_lang"
_ASSET = re.compile(r"^[A-Za-z0-9_-]+\.(js|css)$")

templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/staff", include_in_schema=False)


def language_of(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return asked if asked in LANGUAGES else "ko"


def page_staff(request: Request, session: DbSession) -> StaffIdentity:
    identity = find_identity(request, session)
    if identity is None:
        raise HTTPException(status_code=303, headers={"Location": "/staff/login"})
    return identity


PageStaff = Annotated[StaffIdentity, Depends(page_staff)]
WriteStaff = Annotated[StaffIdentity, Depends(csrf_checked_staff)]


def render(
    request: Request,
    name: str,
    identity: StaffIdentity | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    language = language_of(request)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": words(language),
            "lang": language,
            "me": identity,
            "csrf": csrf_token_for(identity.session_secret)
            if identity and identity.session_secret
            else "",
            "can": (lambda permission: can(identity, permission)) if identity else None,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, samesite="strict", max_age=31_536_000)
    return response


def attempt(action: Callable[[], Any]) -> tuple[Any, str | None, int]:
    """Run a domain call; (result, error message, status) for the page to show."""
    try:
        with domain_errors():
            return action(), None, 200
    except HTTPException as error:
        return None, str(error.detail), error.status_code


@router.get("/assets/{name}")
def asset(name: str) -> FileResponse:
    match = _ASSET.match(name)
    path = DIST / name
    if match is None or not path.is_file():
        raise HTTPException(status_code=404, detail="not found (run `make staff-client`)")
    media = "text/javascript" if match.group(1) == "js" else "text/css"
    return FileResponse(path, media_type=f"{media}; charset=utf-8")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", None)


@router.post(
    "/login", response_class=HTMLResponse, dependencies=[Depends(rate_limit("staff_login"))]
)
def login_form(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=256)],
) -> Response:
    try:
        secret, _email, _role = log_in(session, email, password)
    except HTTPException as error:
        return render(request, "login.html", None, error.status_code, error=error.detail)
    response = RedirectResponse("/staff", status_code=303)
    set_session_cookie(request, response, secret)
    return response


@router.post("/logout")
def logout(identity: WriteStaff, session: DbSession) -> Response:
    if identity.session_secret:
        close_session(session, identity.session_secret)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def read_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def bad_form(error: Exception) -> str:
    if isinstance(error, HTTPException):
        return str(error.detail)
    errors = getattr(error, "errors", None)
    if callable(errors):
        return "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in errors()
        )
    return str(error)
