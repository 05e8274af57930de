"""Search over the knowledge base: BM25 on Kiwi morphemes, with an answer/clarify/hand-off call.

This is the lexical half of the hybrid search the knowledge base grows into; the decision is
made on how much of the question the best entry covers (IDF-weighted), which, unlike a raw
BM25 score, means the same thing for a two-word and a ten-word question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np

from knowledge.models import KnowledgeEntry
from knowledge.morphemes import search_terms

Decision = Literal["answer", "clarify", "handoff"]

# Provisional cut-offs, checked against the seed paraphrases in tests/knowledge; the knowledge
# base issue calibrates them on a labelled set once dense retrieval joins.
ANSWER_COVERAGE = 0.6
CLARIFY_COVERAGE = 0.3


@dataclass(frozen=True)
class SearchHit:
    entry: KnowledgeEntry
    score: float
    coverage: float


@dataclass(frozen=True)
class SearchOutcome:
    decision: Decision
    hits: list[SearchHit]

    @property
    def best(self) -> SearchHit | None:
        return self.hits[0] if self.hits else None

    def results(self, language: str = "ko") -> list[dict[str, object]]:
        """The hits as the CLI's --json and the HTTP API report them (a contract)."""
        return [
            {
                "id": hit.entry.id,
                "external_id": hit.entry.external_id,
                "title": entry_title(hit.entry, language),
                "score": round(hit.score, 4),
                "collection": hit.entry.collection,
            }
            for hit in self.hits
        ]


def entry_title(entry: KnowledgeEntry, language: str = "ko") -> str:
    """The entry's question in the language, else in Korean, else in any language it has."""
    for localized in (
        entry.content.get(language),
        entry.content.get("ko"),
        *entry.content.values(),
    ):
        if isinstance(localized, dict) and localized.get("question"):
            return str(localized["question"])
    return ""


def _entry_text(entry: KnowledgeEntry) -> str:
    parts: list[str] = []
    for localized in entry.content.values():
        question = localized.get("question", "")
        alternatives = " ".join(localized.get("alternatives", []))
        # Questions and phrasings say what the entry is about; count them twice over the answer.
        parts.extend([question, question, alternatives, alternatives, localized.get("answer", "")])
    parts.extend(entry.tags)
    return "\n".join(parts)


class KnowledgeIndex:
    """An in-memory index over published entries, rebuilt whenever the entries change."""

    def __init__(self, entries: Sequence[KnowledgeEntry]) -> None:
        self._entries = [entry for entry in entries if entry.status == "published"]
        corpus = [search_terms(_entry_text(entry)) for entry in self._entries]
        self._term_sets = [frozenset(terms) for terms in corpus]
        document_frequency: Counter[str] = Counter()
        for terms in self._term_sets:
            document_frequency.update(terms)
        self._document_frequency = document_frequency
        self._bm25 = bm25s.BM25()
        if self._entries:
            self._bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self._entries)

    def _idf(self, term: str) -> float:
        total = len(self._entries)
        frequency = self._document_frequency.get(term, 0)
        return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))

    def _coverage(self, query_terms: set[str], index: int) -> float:
        weights = {term: self._idf(term) for term in query_terms}
        total = sum(weights.values())
        if total == 0:
            return 0.0
        matched = sum(weight for term, weight in weights.items() if term in self._term_sets[index])
        return matched / total

    def search(self, query: str, *, k: int = 5, collection: str | None = None) -> SearchOutcome:
        query_terms = search_terms(query)
        if not query_terms or not self._entries:
            return SearchOutcome(decision="handoff", hits=[])
        scores = np.asarray(self._bm25.get_scores(query_terms), dtype=float)
        unique_terms = set(query_terms)
        hits: list[SearchHit] = []
        for index in np.argsort(-scores):
            score = float(scores[index])
            if score <= 0 or len(hits) >= k:
                break
            entry = self._entries[int(index)]
            if collection and entry.collection != collection:
                continue
            hits.append(SearchHit(entry, score, self._coverage(unique_terms, int(index))))
        return SearchOutcome(decision=_decide(hits), hits=hits)

    def get(self, external_id: str) -> KnowledgeEntry | None:
        return next((e for e in self._entries if e.external_id == external_id), None)


def _decide(hits: list[SearchHit]) -> Decision:
    if not hits:
        return "handoff"
    if hits[0].coverage >= ANSWER_COVERAGE:
        return "answer"
    if hits[0].coverage >= CLARIFY_COVERAGE:
        return "clarify"
    return "handoff"
