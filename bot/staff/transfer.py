"""/api/v1/staff/import and /export: CSV or JSONL with column mapping and a dry-run preview."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.staff.errors import domain_errors
from bot.staff.identity import CurrentStaff, DbSession, StaffWriter, allowed
from bot.staff.schemas import ImportReportPublic
from knowledge.audit import record_audit
from knowledge.importer import import_file
from knowledge.review import EntryFilter, find_entries
from knowledge.staff_accounts import StaffIdentity

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])

MAX_IMPORT_BYTES = 20 * 1024 * 1024
Column = Annotated[str | None, Form(max_length=100)]


def run_import(
    session: Session,
    identity: StaffIdentity,
    data: bytes,
    *,
    format: Literal["csv", "jsonl"],
    collection: str,
    id_column: str,
    answer_column: str,
    title_column: str | None,
    category_column: str | None,
    language: str,
    dry_run: bool,
    publish: bool,
) -> ImportReportPublic:
    allowed(identity, "import")
    if publish:
        allowed(identity, "import.publish")
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(status_code=413, detail="the file is larger than 20 MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload.{format}"
        path.write_bytes(data)
        with domain_errors():
            report = import_file(
                session,
                path,
                format=format,
                collection=collection,
                id_column=id_column,
                answer_column=answer_column,
                title_column=title_column or None,
                category_column=category_column or None,
                language=language,
                publish=publish,
                changed_by=identity.email,
                dry_run=dry_run,
                commit=False,
            )
    if not dry_run:
        record_audit(
            session,
            actor=identity.email,
            action="entries.import",
            target_type="collection",
            target_id=collection,
            after={"summary": report.summary(), "publish": publish},
        )
        session.commit()
    return ImportReportPublic(
        dry_run=dry_run,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        skipped=[{"row": row.row, "reason": row.reason} for row in report.skipped[:200]],
        preview=report.preview,
    )


@router.post("/import", response_model=ImportReportPublic)
async def import_entries(
    identity: StaffWriter,
    session: DbSession,
    file: Annotated[UploadFile, File()],
    format: Annotated[Literal["csv", "jsonl"], Form()],
    collection: Annotated[str, Form(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")],
    id_column: Annotated[str, Form(min_length=1, max_length=100)],
    answer_column: Annotated[str, Form(min_length=1, max_length=100)],
    title_column: Column = None,
    category_column: Column = None,
    language: Annotated[Literal["ko", "en"], Form()] = "ko",
    dry_run: Annotated[bool, Form()] = True,
    publish: Annotated[bool, Form()] = False,
) -> ImportReportPublic:
    """Import a file (drafts unless publish, which needs a reviewer). dry_run (the default)
    checks every row and shows what would happen, writing nothing; bad rows are listed."""
    data = await file.read(MAX_IMPORT_BYTES + 1)
    return await run_in_threadpool(
        run_import,
        session,
        identity,
        data,
        format=format,
        collection=collection,
        id_column=id_column,
        answer_column=answer_column,
        title_column=title_column,
        category_column=category_column,
        language=language,
        dry_run=dry_run,
        publish=publish,
    )


def export_text(session: Session, format: str, filters: EntryFilter) -> str:
    entries = find_entries(session, filters, limit=100_000)
    if format == "jsonl":
        lines = [
            json.dumps(
                {
                    "id": entry.id,
                    "external_id": entry.external_id,
                    "collection": entry.collection,
                    "status": entry.status,
                    "category": entry.category,
                    "department": entry.department,
                    "source_url": entry.source_url,
                    "needs_review": entry.needs_review,
                    "content": entry.content,
                },
                ensure_ascii=False,
            )
            for entry in entries
        ]
        return "\n".join(lines) + ("\n" if lines else "")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "external_id",
            "collection",
            "status",
            "category",
            "question_ko",
            "answer_ko",
            "question_en",
            "answer_en",
            "source_url",
        ]
    )
    for entry in entries:
        ko = entry.content.get("ko") or {}
        en = entry.content.get("en") or {}
        row = [
            entry.external_id,
            entry.collection,
            entry.status,
            entry.category,
            ko.get("question", ""),
            ko.get("answer", ""),
            en.get("question", ""),
            en.get("answer", ""),
            entry.source_url or "",
        ]
        # A cell starting with = + - @ would run as a formula when opened in a spreadsheet.
        writer.writerow(["'" + cell if cell[:1] in ("=", "+", "-", "@") else cell for cell in row])
    return out.getvalue()


@router.get("/export")
def export_entries(
    identity: CurrentStaff,
    session: DbSession,
    format: Literal["csv", "jsonl"] = "jsonl",
    collection: str | None = Query(default=None, max_length=40),
    status: str | None = Query(default=None, max_length=20),
) -> Response:
    """Every entry matching the filters, as JSONL (re-importable shape) or CSV."""
    allowed(identity, "export")
    text = export_text(session, format, EntryFilter(collection=collection, status=status))
    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    return Response(
        text,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="haechi-entries.{format}"'},
    )
