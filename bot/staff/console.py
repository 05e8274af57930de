"""The staff console at /staff: server-rendered pages (Jinja2, autoescaped) over the same
domain calls and permissions as the JSON API; htmx swaps parts of pages.

Every form that writes carries the session's CSRF token (a hidden field, or the X-CSRF-Token
header htmx adds from the page's meta tag).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

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
from bot.staff.insight import inbox, numbers
from bot.staff.preview import ask_haechi
from bot.staff.schemas import AskRequest, EntryContent
from bot.staff.transfer import run_import
from knowledge import review
from knowledge.models import ENTRY_STATUSES, KnowledgeEntry
from knowledge.review import EntryFilter, can
from knowledge.staff_accounts import (
    StaffIdentity,
    close_session,
    csrf_token_for,
    issue_token,
    list_accounts,
    list_tokens,
    revoke_token,
)

HERE = Path(__file__).parent
DIST = HERE / "client" / "dist"
LANGUAGE_COOKIE = "haechi_staff_lang"
_ASSET = re.compile(r"^[A-Za-z0-9_-]+\.(js|css)$")

templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/staff", include_in_schema=False)


class LoginRequired(Exception):
    """Raised by page dependencies; the app answers with a redirect to the login page."""


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


@router.get("", response_class=HTMLResponse)
def entries_page(
    request: Request,
    identity: PageStaff,
    session: DbSession,
    q: str = "",
    collection: str = "",
    status: str = "",
    department: str = "",
    needs_review: str = "",
) -> HTMLResponse:
    filters = EntryFilter(
        text=q[:200] or None,
        collection=collection[:40] or None,
        status=status if status in ENTRY_STATUSES else None,
        department=department[:200] or None,
        needs_review=True if needs_review else None,
    )
    entries = review.find_entries(session, filters, limit=300)
    collections = sorted(
        {e.collection for e in review.find_entries(session, EntryFilter(), limit=100_000)}
    )
    return render(
        request,
        "entries.html",
        identity,
        entries=entries,
        filters=filters,
        collections=collections,
        statuses=ENTRY_STATUSES,
    )


def _form_content(form: dict[str, str]) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for language in ("ko", "en"):
        question = form.get(f"{language}_question", "").strip()
        answer = form.get(f"{language}_answer", "").strip()
        alternatives = [
            line.strip() for line in form.get(f"{language}_alternatives", "").splitlines()
        ]
        if language == "en" and not question and not answer:
            continue
        content[language] = {
            "question": question,
            "answer": answer,
            "alternatives": [line for line in alternatives if line],
        }
    # The same limits as the API (1 to 500 / 20,000 characters, 30 phrasings).
    EntryContent.model_validate(content)
    return content


def _form_date(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        day = datetime.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(status_code=422, detail=f"{value!r} is not a date") from None
    return day if day.tzinfo else day.replace(tzinfo=UTC)


def _form_fields(form: dict[str, str]) -> dict[str, Any]:
    source = form.get("source_url", "").strip() or None
    if source and not source.lower().startswith(("https://", "http://")):
        raise HTTPException(status_code=422, detail="source_url must start with https://")
    return {
        "category": form.get("category", "").strip()[:80],
        "source_url": source,
        "department": form.get("department", "").strip()[:200] or None,
        "valid_from": _form_date(form.get("valid_from", "")),
        "valid_until": _form_date(form.get("valid_until", "")),
        "needs_review": bool(form.get("needs_review")),
        "review_note": form.get("review_note", "").strip()[:2000] or None,
    }


async def _read_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _bad_form(error: Exception) -> str:
    if isinstance(error, HTTPException):
        return str(error.detail)
    errors = getattr(error, "errors", None)
    if callable(errors):
        return "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in errors()
        )
    return str(error)


@router.get("/entries/new", response_class=HTMLResponse)
def new_entry_page(
    request: Request, identity: PageStaff, question: str = "", collection: str = "dasan"
) -> HTMLResponse:
    draft = {"ko": {"question": question[:500], "answer": "", "alternatives": []}}
    return render(
        request,
        "entry.html",
        identity,
        entry=None,
        content=draft,
        collection=collection[:40],
        revision=0,
        history=[],
        from_inbox=bool(question),
    )


@router.post("/entries/new", response_class=HTMLResponse)
async def create_entry(request: Request, identity: WriteStaff, session: DbSession) -> Response:
    form = await _read_form(request)
    collection = form.get("collection", "").strip()
    try:
        content = _form_content(form)
        fields = _form_fields(form)
    except (ValueError, HTTPException) as problem:
        return render(
            request,
            "entry.html",
            identity,
            422,
            entry=None,
            content=_raw_content(form),
            collection=collection,
            revision=0,
            history=[],
            error=_bad_form(problem),
        )

    def create() -> KnowledgeEntry:
        return review.create(session, identity, collection=collection, content=content, **fields)

    entry, error, status = await run_in_threadpool(attempt, create)
    if error:
        return render(
            request,
            "entry.html",
            identity,
            status,
            entry=None,
            content=_raw_content(form),
            collection=collection,
            revision=0,
            history=[],
            error=error,
        )
    return RedirectResponse(f"/staff/entries/{entry.id}?saved=1", status_code=303)


def _raw_content(form: dict[str, str]) -> dict[str, Any]:
    return {
        language: {
            "question": form.get(f"{language}_question", ""),
            "answer": form.get(f"{language}_answer", ""),
            "alternatives": form.get(f"{language}_alternatives", "").splitlines(),
        }
        for language in ("ko", "en")
    }


def _entry_page(
    request: Request,
    identity: StaffIdentity,
    session: Session,
    entry_id: int,
    *,
    status_code: int = 200,
    error: str | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    with domain_errors():
        entry = review.get_entry(session, entry_id)
        history = review.history(session, entry_id)
    session.refresh(entry)
    return render(
        request,
        "entry.html",
        identity,
        status_code,
        entry=entry,
        content=entry.content,
        collection=entry.collection,
        revision=review.current_revision(session, entry_id),
        history=history,
        error=error,
        notice=notice,
    )


@router.get("/entries/{entry_id}", response_class=HTMLResponse)
def entry_page(
    request: Request, entry_id: int, identity: PageStaff, session: DbSession
) -> HTMLResponse:
    notice = words(language_of(request))["saved"] if request.query_params.get("saved") else None
    return _entry_page(request, identity, session, entry_id, notice=notice)


@router.post("/entries/{entry_id}", response_class=HTMLResponse)
async def save_entry(
    request: Request, entry_id: int, identity: WriteStaff, session: DbSession
) -> Response:
    form = await _read_form(request)
    try:
        changes = {"content": _form_content(form), **_form_fields(form)}
        if form.get("collection", "").strip():
            changes["collection"] = form["collection"].strip()
        base = int(form.get("revision") or 0) or None
    except (ValueError, HTTPException) as problem:
        return _entry_page(
            request, identity, session, entry_id, status_code=422, error=_bad_form(problem)
        )

    def save() -> KnowledgeEntry:
        return review.update(session, identity, entry_id, base_revision=base, changes=changes)

    _entry, error, status = await run_in_threadpool(attempt, save)
    if error:
        session.rollback()
        message = words(language_of(request))["stale"] if status == 409 else error
        return _entry_page(request, identity, session, entry_id, status_code=status, error=message)
    return RedirectResponse(f"/staff/entries/{entry_id}?saved=1", status_code=303)


@router.post("/entries/{entry_id}/{step}", response_class=HTMLResponse)
async def workflow_step(
    request: Request, entry_id: int, step: str, identity: WriteStaff, session: DbSession
) -> Response:
    form = await _read_form(request)
    steps: dict[str, Callable[[], Any]] = {
        "submit": lambda: review.submit(session, identity, entry_id),
        "publish": lambda: review.publish(session, identity, entry_id),
        "archive": lambda: review.archive(session, identity, entry_id),
        "send-back": lambda: review.send_back(
            session, identity, entry_id, comment=form.get("comment", "")
        ),
        "revert": lambda: review.revert(
            session,
            identity,
            entry_id,
            to_revision=int(form.get("to_revision") or 0),
            base_revision=int(form.get("revision") or 0) or None,
        ),
    }
    if step not in steps:
        raise HTTPException(status_code=404, detail="no such step")
    _result, error, status = await run_in_threadpool(attempt, steps[step])
    if error:
        session.rollback()
        return _entry_page(request, identity, session, entry_id, status_code=status, error=error)
    if step == "publish":
        # This process answers from the new entry at once; the others follow the revision feed.
        knowledge_base = request.app.state.knowledge_base
        await run_in_threadpool(knowledge_base.sync, force=True)
    return RedirectResponse(f"/staff/entries/{entry_id}?saved=1", status_code=303)


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, identity: PageStaff) -> HTMLResponse:
    return render(request, "ask.html", identity, result=None, question="")


@router.post("/ask", response_class=HTMLResponse)
async def ask_form(request: Request, identity: WriteStaff) -> HTMLResponse:
    form = await _read_form(request)
    question = form.get("question", "")
    try:
        body = AskRequest(question=question[:1000])
    except ValueError as problem:
        return render(
            request,
            "ask.html",
            identity,
            422,
            result=None,
            question=question,
            error=_bad_form(problem),
        )
    result = await run_in_threadpool(ask_haechi, request.app.state.knowledge_base, body)
    template = "ask_result.html" if request.headers.get("HX-Request") else "ask.html"
    return render(request, template, identity, result=result, question=question)


@router.get("/unanswered", response_class=HTMLResponse)
def unanswered_page(request: Request, identity: PageStaff, session: DbSession) -> HTMLResponse:
    groups = inbox(session, request.app.state.knowledge_base)
    return render(request, "unanswered.html", identity, groups=groups)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, identity: PageStaff) -> HTMLResponse:
    return render(request, "import.html", identity, report=None, form={})


@router.post("/import", response_class=HTMLResponse)
async def import_form(
    request: Request,
    identity: WriteStaff,
    session: DbSession,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    form = await _read_form(request)
    data = await file.read(20 * 1024 * 1024 + 1)
    file_format = form.get("format", "csv")

    def run() -> Any:
        if file_format not in ("csv", "jsonl"):
            raise HTTPException(status_code=422, detail="format must be csv or jsonl")
        return run_import(
            session,
            identity,
            data,
            format="jsonl" if file_format == "jsonl" else "csv",
            collection=form.get("collection", "").strip(),
            id_column=form.get("id_column", "").strip(),
            answer_column=form.get("answer_column", "").strip(),
            title_column=form.get("title_column", "").strip() or None,
            category_column=form.get("category_column", "").strip() or None,
            language="en" if form.get("language") == "en" else "ko",
            dry_run=bool(form.get("dry_run")),
            publish=bool(form.get("publish")),
        )

    report, error, status = await run_in_threadpool(attempt, run)
    return render(request, "import.html", identity, status, report=report, form=form, error=error)


def _chart(kind: str, labels: list[str], datasets: list[dict[str, Any]], **options: Any) -> str:
    # Embedded in <script type="application/json">: "</" is escaped so no text ends the tag.
    spec = {"type": kind, "data": {"labels": labels, "datasets": datasets}, "options": options}
    return json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request, identity: PageStaff, session: DbSession, start: str = "", end: str = ""
) -> HTMLResponse:
    start = request.query_params.get("from", start)
    end = request.query_params.get("to", end)
    result, error, status = attempt(
        lambda: numbers(session, request.app.state.knowledge_base, start or None, end or None)
    )
    if error:
        result = numbers(session, request.app.state.knowledge_base, None, None)
    t = words(language_of(request))
    days = sorted({row["day"] for row in result["conversations"]})
    channels = sorted({row["channel"] for row in result["conversations"]})
    per_day = {
        (row["day"], row["channel"]): row["conversations"] for row in result["conversations"]
    }
    charts = {
        "chart-conversations": _chart(
            "bar",
            days,
            [
                {"label": channel, "data": [per_day.get((day, channel), 0) for day in days]}
                for channel in channels
            ],
            scales={"x": {"stacked": True}, "y": {"stacked": True, "beginAtZero": True}},
        ),
        "chart-decisions": _chart(
            "doughnut",
            [t[f"decision.{name}"] for name in result["decisions"]],
            [{"label": t["decision"], "data": list(result["decisions"].values())}],
        ),
        "chart-intents": _chart(
            "bar",
            [row["intent"] for row in result["top_intents"]],
            [{"label": t["count"], "data": [row["count"] for row in result["top_intents"]]}],
            indexAxis="y",
        ),
        "chart-tax": _chart(
            "bar",
            list(result["tax_calculations"]["by_kind"]),
            [
                {
                    "label": t["analytics.tax"],
                    "data": list(result["tax_calculations"]["by_kind"].values()),
                }
            ],
        ),
        "chart-handoffs": _chart(
            "line",
            [row["day"] for row in result["handoffs"]["by_day"]],
            [
                {
                    "label": t["analytics.handoffs"],
                    "data": [row["count"] for row in result["handoffs"]["by_day"]],
                }
            ],
        ),
    }
    return render(
        request, "analytics.html", identity, status, numbers=result, charts=charts, error=error
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, identity: PageStaff, session: DbSession) -> HTMLResponse:
    if not can(identity, "tokens.manage"):
        return render(
            request, "error.html", identity, 403, error=words(language_of(request))["forbidden"]
        )
    return render(
        request,
        "tokens.html",
        identity,
        tokens=list_tokens(session),
        accounts=list_accounts(session),
        issued=None,
    )


@router.post("/tokens", response_class=HTMLResponse)
async def tokens_form(request: Request, identity: WriteStaff, session: DbSession) -> HTMLResponse:
    if not can(identity, "tokens.manage"):
        return render(
            request, "error.html", identity, 403, error=words(language_of(request))["forbidden"]
        )
    form = await _read_form(request)
    issued, error, status = None, None, 200
    if form.get("revoke"):
        _result, error, status = attempt(
            lambda: revoke_token(session, token_id=int(form["revoke"]), actor=identity.email)
        )
    else:
        result, error, status = attempt(
            lambda: issue_token(
                session,
                email=form.get("email", ""),
                name=form.get("name", ""),
                actor=identity.email,
            )
        )
        issued = result[1] if result else None
    return render(
        request,
        "tokens.html",
        identity,
        status,
        tokens=list_tokens(session),
        accounts=list_accounts(session),
        issued=issued,
        error=error,
    )
