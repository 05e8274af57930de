"""Console pages: ask Haechi, the unanswered inbox, import and export, analytics, API tokens."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from bot.staff.console import (
    PageStaff,
    WriteStaff,
    attempt,
    bad_form,
    language_of,
    read_form,
    render,
)
from bot.staff.i18n import words
from bot.staff.identity import (
    DbSession,
)
from bot.staff.insight import inbox, numbers
from bot.staff.preview import ask_haechi
from bot.staff.schemas import AskRequest
from bot.staff.transfer import run_import
from knowledge.review import can
from knowledge.staff_accounts import (
    issue_token,
    list_accounts,
    list_tokens,
    revoke_token,
)

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, identity: PageStaff) -> HTMLResponse:
    return render(request, "ask.html", identity, result=None, question="")


@router.post("/ask", response_class=HTMLResponse)
async def ask_form(request: Request, identity: WriteStaff) -> HTMLResponse:
    form = await read_form(request)
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
            error=bad_form(problem),
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
    form = await read_form(request)
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
    form = await read_form(request)
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
