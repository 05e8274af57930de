"""The unanswered-questions inbox: misses grouped by meaning, with counts and first/last seen.

Questions are embedded with the knowledge base's own model (cached by text) and grouped
greedily: each question joins the first group whose first question is at least
GROUP_SIMILARITY alike (cosine), else starts a group. A group whose question the knowledge base
now answers is left out: once staff publish an entry for it, it leaves the inbox.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.embeddings import Embedder
from knowledge.models import UnansweredQuestion

# multilingual-e5-small cosines run high; 0.9 keeps paraphrases together and topics apart
# (checked on the seed paraphrases in tests/knowledge/test_unanswered.py).
GROUP_SIMILARITY = 0.9
MAX_QUESTIONS = 2000
SAMPLES = 5


@dataclass
class UnansweredGroup:
    key: str
    question: str
    count: int
    first_seen: datetime
    last_seen: datetime
    samples: list[str] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "question": self.question,
            "count": self.count,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "samples": self.samples,
            "languages": sorted(self.languages),
            "channels": sorted(self.channels),
        }


def group_unanswered(
    session: Session,
    embedder: Embedder,
    *,
    answered: Callable[[str], bool] | None = None,
    similarity: float = GROUP_SIMILARITY,
    limit: int = MAX_QUESTIONS,
) -> list[UnansweredGroup]:
    """Groups of the latest `limit` misses, biggest first; `answered(question)` says whether
    the knowledge base answers a group's question now (those groups are dropped)."""
    rows = list(
        session.scalars(
            select(UnansweredQuestion).order_by(UnansweredQuestion.asked_at.desc()).limit(limit)
        )
    )
    if not rows:
        return []
    rows.reverse()  # oldest first: a group is named by its first question
    vectors = embedder.embed_passages([row.question for row in rows], progress=False)
    centres: list[np.ndarray] = []
    groups: list[UnansweredGroup] = []
    for row, vector in zip(rows, vectors, strict=True):
        best = -1
        if centres:
            scores = np.stack(centres) @ vector
            best = int(np.argmax(scores))
            if scores[best] < similarity:
                best = -1
        if best < 0:
            centres.append(vector)
            groups.append(
                UnansweredGroup(
                    key=hashlib.sha256(row.question.encode()).hexdigest()[:16],
                    question=row.question,
                    count=0,
                    first_seen=row.asked_at,
                    last_seen=row.asked_at,
                )
            )
            best = len(groups) - 1
        group = groups[best]
        group.count += 1
        group.first_seen = min(group.first_seen, row.asked_at)
        group.last_seen = max(group.last_seen, row.asked_at)
        group.languages.add(row.language)
        group.channels.add(row.channel)
        if len(group.samples) < SAMPLES and row.question not in group.samples:
            group.samples.append(row.question)
    groups.sort(key=lambda group: (-group.count, -group.last_seen.timestamp()))
    if answered is not None:
        groups = [group for group in groups if not answered(group.question)]
    return groups
