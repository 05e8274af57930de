"""Console pages of the entries: the list with filters, writing, editing, the workflow, history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
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
from bot.staff.errors import domain_errors
from bot.staff.i18n import words
from bot.staff.identity import (
    DbSession,
)
from bot.staff.schemas import EntryContent
from knowledge import review
from knowledge.models import ENTRY_STATUSES, KnowledgeEntry
from knowledge.review import EntryFilter
from knowledge.staff_accounts import (
    StaffIdentity,
)

router = APIRouter(prefix="/staff", include_in_schema=False)


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
    form = await read_form(request)
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
            error=bad_form(problem),
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
    form = await read_form(request)
    try:
        changes = {"content": _form_content(form), **_form_fields(form)}
        if form.get("collection", "").strip():
            changes["collection"] = form["collection"].strip()
        base = int(form.get("revision") or 0) or None
    except (ValueError, HTTPException) as problem:
        return _entry_page(
            request, identity, session, entry_id, status_code=422, error=bad_form(problem)
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
    form = await read_form(request)
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
