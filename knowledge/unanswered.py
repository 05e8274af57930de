"""The unanswered-questions inbox: misses grouped by meaning, with counts and first/last seen.

Questions are embedded with the knowledge base's own model (cached by text) and grouped
greedily: each question joins the first group whose first question is at least
GROUP_SIMILARITY alike (cosine), else starts a group. A group whose question the knowledge base
now answers is left out: once staff publish an entry for it, it leaves the inbox.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.embeddings import Embedder
from knowledge.models import UnansweredQuestion

# Query-side vectors ("query: " for e5) of multilingual-e5-small: paraphrases of one question
# measured 0.887-0.936, different topics at most 0.858 (tests/knowledge/test_unanswered.py).
GROUP_SIMILARITY = 0.87
MAX_QUESTIONS = 2000
SAMPLES = 5


# Questions are compared as queries (symmetric), which the passage cache does not hold; the
# inbox is opened again and again over mostly the same questions, so keep them in memory.
_VECTORS: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_VECTORS_KEPT = 20_000
_VECTORS_LOCK = threading.Lock()


def _question_vectors(embedder: Embedder, questions: list[str]) -> np.ndarray:
    with _VECTORS_LOCK:
        missing = list(dict.fromkeys(q for q in questions if (embedder.name, q) not in _VECTORS))
    for start in range(0, len(missing), 64):
        batch = missing[start : start + 64]
        vectors = np.asarray(embedder.backend.embed_queries(batch), dtype=np.float32)
        with _VECTORS_LOCK:
            for question, vector in zip(batch, vectors, strict=True):
                _VECTORS[(embedder.name, question)] = vector
            while len(_VECTORS) > _VECTORS_KEPT:
                _VECTORS.popitem(last=False)
    with _VECTORS_LOCK:
        return np.stack([_VECTORS[(embedder.name, q)] for q in questions])


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
    vectors = _question_vectors(embedder, [row.question for row in rows])
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
