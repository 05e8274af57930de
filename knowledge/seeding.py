"""The curated seed (knowledge/seed/entries.jsonl) and loading it into an empty database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.curation import append_revision
from knowledge.models import KnowledgeEntry

SEED_FILE = Path(__file__).parent / "seed" / "entries.jsonl"
_REQUIRED_KEYS = ("id", "collection", "ko")


class SeedError(ValueError):
    """A seed line that cannot become an entry; names the line and the reason."""


def read_seed(path: Path = SEED_FILE) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise SeedError(f"{path.name}:{number}: not JSON ({error.msg})") from error
        missing = [key for key in _REQUIRED_KEYS if key not in record]
        if missing:
            raise SeedError(f"{path.name}:{number}: missing {', '.join(missing)}")
        records.append(record)
    return records


def entry_from_seed(record: dict[str, Any]) -> KnowledgeEntry:
    content = {
        language: {
            "question": record[language].get("question", ""),
            "answer": record[language]["answer"],
            "alternatives": list(record[language].get("alternatives", [])),
        }
        for language in ("ko", "en")
        if isinstance(record.get(language), dict) and record[language].get("answer")
    }
    return KnowledgeEntry(
        external_id=record["id"],
        collection=record["collection"],
        category=record.get("category", ""),
        tags=list(record.get("tags", [])),
        department=record.get("department"),
        source_url=record.get("source_url"),
        status="published",
        needs_review=bool(record.get("needs_review", False)),
        review_note=record.get("review_note"),
        content=content,
        updated_by="seed",
    )


def seed_if_empty(session: Session, path: Path = SEED_FILE) -> int:
    """Load the seed when the knowledge base has no entries; return how many were added.

    Only an empty base is seeded, so staff edits are never overwritten by a restart.
    """
    existing = session.scalar(select(func.count()).select_from(KnowledgeEntry))
    if existing:
        return 0
    entries = [entry_from_seed(record) for record in read_seed(path)]
    session.add_all(entries)
    # The "created" revisions go in the seed's one transaction, with the entries.
    for entry in entries:
        append_revision(session, entry, action="created", changed_by="seed")
    session.commit()
    return len(entries)
