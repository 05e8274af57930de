"""The landmarks as knowledge entries: loaded once from landmarks.yml, then staff's to edit.

Each landmark is one published entry of the "landmark" collection whose `data` holds the
typed facts and whose text (for search) is written from them. A landmark's entry is written
only while it has no data: once it has, the knowledge base's copy is the truth, so a restart
never undoes a staff edit.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from knowledge.curation import create_entry, get_entry_by_external_id, update_entry
from knowledge.landmarks import bundled_landmarks
from knowledge.landmarks.answers import overview_answer
from knowledge.landmarks.facts import Landmark
from knowledge.models import KnowledgeEntry

logger = logging.getLogger(__name__)

COLLECTION = "landmark"
_CHANGED_BY = "landmarks"


def entry_content(landmark: Landmark) -> dict[str, Any]:
    """The entry's searchable text in both languages, written from the facts."""
    return {
        language: {
            "question": (
                f"{landmark.name.ko}: 관람 시간, 입장료, 가는 길"
                if language == "ko"
                else f"{landmark.name.en}: opening hours, admission and directions"
            ),
            "answer": overview_answer(landmark, language),
            "alternatives": [alias for alias in landmark.aliases if alias],
        }
        for language in ("ko", "en")
    }


def _review_note(landmark: Landmark) -> str | None:
    notes = [group.review_note for group in landmark.fact_groups() if group.review_note]
    return " / ".join(notes) if notes else None


def load_landmarks(session: Session, landmarks: tuple[Landmark, ...] | None = None) -> int:
    """Write each landmark that has no facts in the knowledge base yet; return how many."""
    written = 0
    for landmark in landmarks if landmarks is not None else bundled_landmarks():
        data = landmark.model_dump(mode="json")
        source = landmark.source(landmark.description.source)
        existing = get_entry_by_external_id(session, external_id=landmark.entry_id)
        if existing is not None and existing.data is not None:
            continue
        fields: dict[str, Any] = {
            "content": entry_content(landmark),
            "category": "문화관광",
            "tags": list(landmark.aliases),
            "source_url": source.url,
            "department": source.title.ko,
            "needs_review": landmark.needs_review,
            "review_note": _review_note(landmark),
            "data": data,
        }
        if existing is None:
            create_entry(
                session,
                external_id=landmark.entry_id,
                collection=COLLECTION,
                changed_by=_CHANGED_BY,
                status="published",
                commit=False,
                **fields,
            )
        else:
            update_entry(
                session,
                external_id=landmark.entry_id,
                changed_by=_CHANGED_BY,
                collection=COLLECTION,
                commit=False,
                **fields,
            )
        written += 1
    session.commit()
    return written


def landmark_of(entry: KnowledgeEntry) -> Landmark | None:
    """The typed facts of an entry, or None when it has none or staff left them invalid."""
    if entry.collection != COLLECTION or not entry.data:
        return None
    try:
        return Landmark.model_validate(entry.data)
    except ValidationError:
        logger.warning("landmark entry %s has facts that do not validate", entry.external_id)
        return None
