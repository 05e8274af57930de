"""Importing question/answer records from CSV or JSON Lines into the knowledge base.

Each record becomes the entry `{collection}:{id}`, so importing the same file again updates
those entries instead of adding copies. A bad record (no id, no answer, bytes that are not
UTF-8, an id seen earlier in the file) is reported with its row and skipped; only a problem
with the file as a whole (missing, unknown format, a named column absent) stops the import.
"""

from __future__ import annotations

import csv
import html
import importlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.curation import (
    UNSET,
    CurationError,
    create_entry,
    normalise_content,
    publish_entry,
    update_entry,
)
from knowledge.models import KnowledgeEntry

logger = logging.getLogger(__name__)

ImportFormat = Literal["csv", "jsonl"]
FORMATS: tuple[ImportFormat, ...] = ("csv", "jsonl")

# Published copies of 120 answers arrive escaped several times over (`&amp;amp;apos;`).
_MAX_UNESCAPE_ROUNDS = 10


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why."""


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    # The first rows as they were read and what became of them, for a dry-run preview.
    preview: list[dict[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {len(self.skipped)}"
        )


def clean_text(value: str) -> str:
    """Unescape HTML entities until none are left, and tidy whitespace line by line."""
    for _ in range(_MAX_UNESCAPE_ROUNDS):
        unescaped = html.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    lines = (" ".join(line.split()) for line in value.splitlines())
    return "\n".join(line for line in lines if line)


def _has_undecodable(value: str) -> bool:
    # surrogateescape turns each byte that is not UTF-8 into a lone surrogate U+DC80..U+DCFF.
    return any("\udc80" <= char <= "\udcff" for char in value)


_Row = tuple[int, dict[str, Any] | None, str | None]


def _csv_rows(path: Path, required: Iterable[str]) -> Iterator[_Row]:
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if any(_has_undecodable(name) for name in header):
            raise ImportFileError(f"{path.name}: the header row is not valid UTF-8")
        missing = [name for name in required if name not in header]
        if missing:
            raise ImportFileError(
                f"{path.name}: no column {', '.join(missing)} (columns: {', '.join(header)})"
            )
        last_line = reader.line_num
        while True:
            start = last_line + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                last_line = reader.line_num
                yield start, None, f"not readable as CSV ({error})"
                continue
            last_line = reader.line_num
            values = [value for value in record.values() if isinstance(value, str)]
            if any(_has_undecodable(value) for value in values):
                yield start, None, "not valid UTF-8"
                continue
            yield start, dict(record), None


def _jsonl_rows(path: Path) -> Iterator[_Row]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None, "not valid UTF-8"
                continue
            line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, None, f"not JSON ({error.msg})"
                continue
            if not isinstance(record, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, record, None


def _field(record: dict[str, Any], column: str | None) -> str:
    if column is None:
        return ""
    value = record.get(column)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CurationError(f"column {column!r} is not text")
    return clean_text(str(value))


def _with_progress(rows: Iterator[_Row], *, enabled: bool) -> Iterable[_Row]:
    if not enabled:
        return rows
    try:
        # Through importlib: tqdm ships no type information.
        tqdm_module: Any = importlib.import_module("tqdm")
    except ImportError:
        return rows
    # disable=None: a bar on a terminal, nothing in a pipe or a log file.
    bar: Iterable[_Row] = tqdm_module.tqdm(rows, unit=" rows", disable=None, leave=False)
    return bar


def import_file(
    session: Session,
    path: Path,
    *,
    format: ImportFormat,
    collection: str,
    id_column: str,
    answer_column: str,
    title_column: str | None = None,
    category_column: str | None = None,
    language: str = "ko",
    publish: bool = False,
    changed_by: str = "import",
    progress: bool = False,
    dry_run: bool = False,
    commit: bool = True,
) -> ImportReport:
    """Import a file in one transaction; new entries are drafts unless `publish` is set.

    `dry_run` reads and checks everything, then rolls back: the report says what would happen.
    `commit=False` leaves the commit to a caller that writes more in the same transaction.

    Entries already in the base keep their status (an import does not unpublish what staff
    published) and their other languages and alternatives; only this language's question and
    answer, and the category when a column is given, are replaced.
    """
    if format not in FORMATS:
        raise ImportFileError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    language = language.strip().lower()
    if not 2 <= len(language) <= 8:
        raise ImportFileError(f"{language!r} is not a language code")
    named = (id_column, answer_column, title_column, category_column)
    if format == "csv":
        rows: Iterator[_Row] = _csv_rows(path, [column for column in named if column])
    else:
        rows = _jsonl_rows(path)

    # One query for the entries this collection already has, instead of one per record.
    known = {
        entry.external_id: entry
        for entry in session.scalars(
            select(KnowledgeEntry).where(
                KnowledgeEntry.external_id.startswith(f"{collection}:", autoescape=True)
            )
        )
    }
    report = ImportReport()
    first_row_of: dict[str, int] = {}
    for number, record, problem in _with_progress(rows, enabled=progress):
        if record is None:
            report.skipped.append(SkippedRow(number, problem or "unreadable"))
            continue
        try:
            outcome = _import_record(
                session,
                record,
                number=number,
                first_row_of=first_row_of,
                known=known,
                collection=collection,
                id_column=id_column,
                answer_column=answer_column,
                title_column=title_column,
                category_column=category_column,
                language=language,
                publish=publish,
                changed_by=changed_by,
            )
        except CurationError as error:
            report.skipped.append(SkippedRow(number, str(error)))
            _add_preview(report, number, record, id_column, title_column, answer_column, "skipped")
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        _add_preview(report, number, record, id_column, title_column, answer_column, outcome)
    if dry_run:
        session.rollback()
        return report
    if commit:
        session.commit()
    logger.info("imported %s into %s: %s", path.name, collection, report.summary())
    return report


_PREVIEW_ROWS = 20


def _add_preview(
    report: ImportReport,
    number: int,
    record: dict[str, Any],
    id_column: str,
    title_column: str | None,
    answer_column: str,
    outcome: str,
) -> None:
    if len(report.preview) >= _PREVIEW_ROWS:
        return

    def shown(column: str | None, limit: int) -> str:
        try:
            return _field(record, column)[:limit]
        except CurationError:
            return ""  # a bad cell is what the skipped row's reason explains

    report.preview.append(
        {
            "row": str(number),
            "id": shown(id_column, 200),
            "question": shown(title_column, 200),
            "answer": shown(answer_column, 300),
            "outcome": outcome,
        }
    )


def _import_record(
    session: Session,
    record: dict[str, Any],
    *,
    number: int,
    first_row_of: dict[str, int],
    known: dict[str, KnowledgeEntry],
    collection: str,
    id_column: str,
    answer_column: str,
    title_column: str | None,
    category_column: str | None,
    language: str,
    publish: bool,
    changed_by: str,
) -> Literal["created", "updated", "unchanged"]:
    record_id = _field(record, id_column)
    if not record_id:
        raise CurationError(f"missing id ({id_column})")
    if record_id in first_row_of:
        raise CurationError(f"duplicate id {record_id!r} (first on row {first_row_of[record_id]})")
    first_row_of[record_id] = number
    answer = _field(record, answer_column)
    if not answer:
        raise CurationError(f"empty answer ({answer_column})")
    title = _field(record, title_column)
    category = _field(record, category_column)
    external_id = f"{collection}:{record_id}"

    entry = known.get(external_id)
    if entry is None:
        known[external_id] = create_entry(
            session,
            external_id=external_id,
            collection=collection,
            content={language: {"question": title, "answer": answer, "alternatives": []}},
            category=category,
            status="published" if publish else "draft",
            changed_by=changed_by,
            action="imported",
            commit=False,
            known_new=True,
        )
        return "created"

    content = dict(entry.content)
    previous = content.get(language) if isinstance(content.get(language), dict) else {}
    content[language] = {
        "question": title,
        "answer": answer,
        "alternatives": list((previous or {}).get("alternatives", [])),
    }
    content = normalise_content(content)
    changed = content != entry.content or (
        category_column is not None and category != entry.category
    )
    if changed:
        update_entry(
            session,
            external_id=external_id,
            content=content,
            category=category if category_column is not None else UNSET,
            changed_by=changed_by,
            action="imported",
            commit=False,
        )
    if publish and entry.status != "published":
        publish_entry(session, external_id=external_id, changed_by=changed_by, commit=False)
        changed = True
    return "updated" if changed else "unchanged"
