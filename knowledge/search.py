"""Hybrid search over the knowledge base: BM25 on Kiwi morphemes + dense vectors in FAISS, fused.

BM25 on morphemes finds the entries that share the citizen's words (particles stripped);
dense vectors (multilingual e5 by default) find paraphrases and cross the language line, so an
English question reaches a Korean-only entry. The two rankings are fused by weighted,
per-query-normalised scores (chosen over reciprocal-rank fusion by measurement, bench/retrieval.py).

The answer / clarify / hand-off call is made on a confidence that means the same thing for any
query and any size of knowledge base: a logistic model over the best hit's dense cosine, the
IDF-weighted share of the query's terms it covers, and its lead over the runner-up, fitted and
thresholded on labelled data by `python -m bench.retrieval --calibrate`.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import bm25s
import numpy as np
from numpy.typing import NDArray

from knowledge.dense_index import DenseIndex
from knowledge.embeddings import Embedder, Vectors, open_embedder, passage_windows, text_key
from knowledge.language import detect_language
from knowledge.models import KnowledgeEntry
from knowledge.morphemes import normalise_spacing, search_terms
from knowledge.term_cache import TermCache

Decision = Literal["answer", "clarify", "handoff"]

# Fusion: fused = DENSE_WEIGHT * dense' + (1 - DENSE_WEIGHT) * bm25', where bm25' is the BM25
# score over the query's best and dense' the cosine min-max scaled over the dense candidates.
# Chosen by bench/retrieval.py on the calibration halves: seoul-120 (2,640 answers, titles as
# questions) MRR@10 0.711/0.716/0.722/0.722/0.719 for dense weight 0.3..0.7 against
# reciprocal-rank fusion 0.692..0.710, and the seed paraphrases likewise; 0.5 holds on the
# held-out halves (0.711 and 0.930). Adding the IDF coverage to the fused score gained nothing
# held out (0.713), so it stays a confidence feature only.
DENSE_WEIGHT = 0.5
CANDIDATES = 50

# Confidence = sigmoid(b0 + b1*cosine lift + b2*coverage + b3*margin) estimates "the best hit is
# right". Fitted by `python -m bench.retrieval --calibrate` (logistic regression, Newton steps)
# where the decision is used: the calibration half of the seed paraphrases
# (tests/data/paraphrases.jsonl), each asked once with its entry present and once with it
# removed (then unanswerable), plus half of the out-of-scope questions and nonsense. The
# thresholds minimise, over a 1/40 grid, cost = 4 x wrong answer + 1 x hand-off of an answerable
# question + 0.3 x clarification offering the right entry (1 if it does not; 0.5 for clarifying
# an unanswerable question, whose reply carries the counsellor button too).
# Held-out half (232 questions): 57 right answers, 6 wrong, 28 clarifications (17 offering the
# right entry), 37 needless and 104 correct hand-offs; cost 0.31 a question (0.18 fitted).
# seoul-120's answer-only records are an out-of-domain check (cost 0.50), not fitted on.
CONFIDENCE_COEFFICIENTS = (-6.08, 45.62, 3.56, 6.51)
ANSWER_CONFIDENCE = 0.775
CLARIFY_CONFIDENCE = 0.525


@dataclass(frozen=True)
class SearchHit:
    entry: KnowledgeEntry
    score: float
    coverage: float
    dense: float = 0.0
    lexical: float = 0.0


@dataclass(frozen=True)
class SearchOutcome:
    decision: Decision
    hits: list[SearchHit]
    confidence: float = 0.0

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


def lexical_text(entry: KnowledgeEntry) -> str:
    parts: list[str] = []
    for localized in entry.content.values():
        question = localized.get("question", "")
        alternatives = " ".join(localized.get("alternatives", []))
        # Questions and phrasings say what the entry is about; count them twice over the answer.
        parts.extend([question, question, alternatives, alternatives, localized.get("answer", "")])
    parts.extend(entry.tags)
    return "\n".join(parts)


# The collections the city writes by hand (the seed's): few entries, whose narrow questions
# ("지방세 고지서를 잃어버렸어요") leave vague questions ("세금") to their answers.
CURATED_COLLECTIONS = frozenset({"faq", "tax", "document", "landmark", "service"})


def dense_texts(entry: KnowledgeEntry) -> list[str]:
    """The passages an entry is embedded as, per language: its question with its phrasings
    (what citizens ask) and, for curated entries or where a language has no question, the
    opening window of its answer (what it is about).

    One vector per field rather than one per entry: a short question drowned in a long answer
    matches paraphrases worse. Entries imported in bulk (seoul-120's 2,640 answers) are
    embedded by their questions alone: their titles name the topic, BM25 still reads the whole
    answer, and a 256-character window (~126 tokens against ~12 for a question) was nine
    tenths of the import's time (bench/cold_index.py: 306 s with windows, 45 s without).
    """
    with_answer = entry.collection in CURATED_COLLECTIONS
    texts: list[str] = []
    for localized in entry.content.values():
        if not isinstance(localized, dict):
            continue
        title = " ".join(
            [str(localized.get("question", "")), *map(str, localized.get("alternatives", []))]
        ).strip()
        if title:
            texts.append(" ".join(title.split()))
        if with_answer or not title:
            texts.extend(passage_windows(str(localized.get("answer", "")), limit=1))
    return list(dict.fromkeys(text for text in texts if text))


def confidence(cosine: float, coverage: float, margin: float) -> float:
    b0, b1, b2, b3 = CONFIDENCE_COEFFICIENTS
    return 1.0 / (1.0 + math.exp(-(b0 + b1 * cosine + b2 * coverage + b3 * margin)))


def decide(value: float, *, answer: float | None = None, clarify: float | None = None) -> Decision:
    if value >= (ANSWER_CONFIDENCE if answer is None else answer):
        return "answer"
    if value >= (CLARIFY_CONFIDENCE if clarify is None else clarify):
        return "clarify"
    return "handoff"


def entry_languages(entry: KnowledgeEntry) -> frozenset[str]:
    """The languages an entry has text in (a question or an answer)."""
    return frozenset(
        language
        for language, localized in entry.content.items()
        if isinstance(localized, dict) and (localized.get("question") or localized.get("answer"))
    )


def fuse(
    lexical: NDArray[np.float64],
    dense: NDArray[np.float64],
    *,
    weight: float = DENSE_WEIGHT,
    lexical_blind: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """Weighted fusion of per-query-normalised scores over the same candidates.

    `lexical_blind` marks candidates BM25 cannot judge because they have no text in the query's
    language: for them the dense score stands in for both halves. Without that, an English
    question's words score on every entry with English text and bury a Korean-only entry that
    the multilingual embedding ranks first.
    """
    top = float(lexical.max()) if lexical.size else 0.0
    lexical_scaled = lexical / top if top > 0 else np.zeros_like(lexical)
    if dense.size:
        low, high = float(dense.min()), float(dense.max())
        dense_scaled = (dense - low) / (high - low) if high > low else np.ones_like(dense)
    else:
        dense_scaled = dense
    if lexical_blind is not None and lexical_blind.any():
        lexical_scaled = np.where(lexical_blind, dense_scaled, lexical_scaled)
    return weight * dense_scaled + (1 - weight) * lexical_scaled


def _timestamp(value: datetime | None, default: float) -> float:
    return value.timestamp() if value is not None else default


_default_embedder: Embedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> Embedder:
    """The embedder the settings name, shared by the indexes of this process."""
    global _default_embedder
    with _default_lock:
        if _default_embedder is None:
            _default_embedder = open_embedder()
        return _default_embedder


class KnowledgeIndex:
    """An index over published entries; `upsert` and `remove` keep it current without a rebuild.

    Dense vectors are computed only for text the embedding cache has not seen; the BM25 half is
    rebuilt from stored morphemes on change (a few milliseconds for hundreds of entries).
    """

    def __init__(
        self,
        entries: Sequence[KnowledgeEntry],
        *,
        embedder: Embedder | None = None,
        dense: DenseIndex | None = None,
        term_cache: TermCache | None = None,
        progress: bool | None = None,
    ) -> None:
        self._embedder = embedder or default_embedder()
        self._term_cache = term_cache
        self._lock = threading.RLock()
        self._entries: dict[str, KnowledgeEntry] = {}
        self._terms: dict[str, list[str]] = {}
        self._languages: dict[str, frozenset[str]] = {}
        self._dense = dense
        published = [entry for entry in entries if entry.status == "published"]
        if dense is not None:
            # A saved index may hold entries archived while this process was down.
            keep = {entry.external_id for entry in published}
            for stale in [key for key in dense.entry_ids() if key not in keep]:
                dense.remove(stale)
        self.upsert_many(published, progress=progress)
        if not published:
            self._rebuild_lexical()

    # -- building -------------------------------------------------------------------------

    def _rebuild_lexical(self) -> None:
        self._order = list(self._entries)
        self._position = {key: number for number, key in enumerate(self._order)}
        corpus = [self._terms[key] for key in self._order]
        self._term_sets = [frozenset(terms) for terms in corpus]
        document_frequency: Counter[str] = Counter()
        for terms in self._term_sets:
            document_frequency.update(terms)
        self._document_frequency = document_frequency
        # Entries published ahead of time or past their date stay indexed but are not found.
        self._valid_from = np.array(
            [_timestamp(self._entries[key].valid_from, -math.inf) for key in self._order]
        )
        self._valid_until = np.array(
            [_timestamp(self._entries[key].valid_until, math.inf) for key in self._order]
        )
        self._bm25 = bm25s.BM25()
        # bm25s cannot index an empty document list, nor a corpus of empty documents.
        if any(corpus):
            self._bm25.index([terms or [""] for terms in corpus], show_progress=False)

    @property
    def dense_index(self) -> DenseIndex | None:
        return self._dense

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    # -- changes ----------------------------------------------------------------------------

    def upsert(self, entry: KnowledgeEntry) -> None:
        """Add or replace one entry; an entry no longer published is removed instead."""
        self.upsert_many([entry])

    def upsert_many(
        self, entries: Sequence[KnowledgeEntry], *, progress: bool | None = None
    ) -> None:
        """Apply changed entries at once: published ones are added or replaced, the rest
        removed; BM25 is rebuilt once for the batch.

        Only entries whose passages differ from what the dense index holds are embedded (a
        reloaded index or an edit that left the text alone costs nothing), and of those only
        text the embedding cache has not seen goes through the model.
        """
        published = [entry for entry in entries if entry.status == "published"]
        gone = [entry.external_id for entry in entries if entry.status != "published"]
        changed: dict[str, list[str]] = {}
        for entry in published:
            group = dense_texts(entry)
            keys = [text_key(text) for text in group]
            if self._dense is None or self._dense.text_keys(entry.external_id) != keys:
                changed[entry.external_id] = group
        flat = [text for group in changed.values() for text in group]
        lexical = [lexical_text(entry) for entry in published]
        # Morphemes on one core while the encoder (native code, GIL released) embeds: a cold
        # build of thousands of entries takes the longer of the two, not their sum.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-terms") as pool:
            analysed = pool.submit(self._terms_of, lexical)
            vectors = self._embedder.embed_passages(flat, progress=progress) if flat else None
            terms = dict(
                zip([entry.external_id for entry in published], analysed.result(), strict=True)
            )
        with self._lock:
            offset = 0
            for key, group in changed.items():
                if vectors is None or not group:
                    if self._dense is not None:
                        self._dense.remove(key)
                    continue
                if self._dense is None:
                    self._dense = DenseIndex(int(vectors.shape[1]), self._embedder.name)
                part = vectors[offset : offset + len(group)]
                offset += len(group)
                self._dense.upsert(key, part, [text_key(text) for text in group])
            for entry in published:
                key = entry.external_id
                self._entries[key] = entry
                self._terms[key] = terms[key]
                self._languages[key] = entry_languages(entry)
            for key in gone:
                self._entries.pop(key, None)
                self._terms.pop(key, None)
                self._languages.pop(key, None)
                if self._dense is not None:
                    self._dense.remove(key)
            if published or gone:
                self._rebuild_lexical()

    def _terms_of(self, texts: list[str]) -> list[list[str]]:
        if self._term_cache is None:
            return [search_terms(text) for text in texts]
        return self._term_cache.terms_for(texts, search_terms)

    def remove(self, external_id: str) -> bool:
        with self._lock:
            known = self._entries.pop(external_id, None) is not None
            self._terms.pop(external_id, None)
            self._languages.pop(external_id, None)
            if self._dense is not None:
                self._dense.remove(external_id)
            if known:
                self._rebuild_lexical()
            return known

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, external_id: str) -> KnowledgeEntry | None:
        return self._entries.get(external_id)

    def _idf(self, term: str) -> float:
        total = len(self._order)
        frequency = self._document_frequency.get(term, 0)
        return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))

    def _coverage(self, query_terms: set[str], position: int) -> float:
        weights = {term: self._idf(term) for term in query_terms}
        total = sum(weights.values())
        if total == 0:
            return 0.0
        held = self._term_sets[position]
        return sum(weight for term, weight in weights.items() if term in held) / total

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        collection: str | None = None,
        language: str | None = None,
    ) -> SearchOutcome:
        """The best entries for a question; `language` is the question's own, detected from
        its text when not given (it decides which entries BM25 can judge)."""
        query_terms = search_terms(query)
        if not query_terms or not self._entries:
            return SearchOutcome(decision="handoff", hits=[])
        vector = self._embedder.embed_query(normalise_spacing(query))
        with self._lock:
            return self._search(
                query_terms,
                vector,
                k=k,
                collection=collection,
                language=detect_language(query) or language,
            )

    def _search(
        self,
        query_terms: list[str],
        vector: Vectors,
        *,
        k: int,
        collection: str | None,
        language: str | None = None,
    ) -> SearchOutcome:
        lexical_all = np.asarray(self._bm25.get_scores(query_terms), dtype=float)
        now = datetime.now(UTC).timestamp()
        valid = (self._valid_from <= now) & (now < self._valid_until)
        allowed: NDArray[np.bool_] | None = None if valid.all() else valid
        if collection:
            in_collection = np.array(
                [self._entries[key].collection == collection for key in self._order], dtype=bool
            )
            allowed = in_collection if allowed is None else allowed & in_collection
        if allowed is not None:
            lexical_all = np.where(allowed, lexical_all, 0.0)
            if not allowed.any():
                return SearchOutcome(decision="handoff", hits=[])
        depth = len(self._order) if allowed is not None else CANDIDATES
        dense_hits = self._dense.search(vector, depth) if self._dense is not None else []
        dense_score = {
            self._position[key]: score for key, score in dense_hits if key in self._position
        }
        if allowed is not None:
            dense_score = {p: s for p, s in dense_score.items() if allowed[p]}
        lexical_top = [int(p) for p in np.argsort(-lexical_all)[:CANDIDATES] if lexical_all[p] > 0]
        candidates = sorted(set(lexical_top) | set(dense_score))
        if not candidates:
            return SearchOutcome(decision="handoff", hits=[])
        floor = min(dense_score.values()) if dense_score else 0.0
        dense = np.array([dense_score.get(p, floor) for p in candidates], dtype=float)
        lexical = lexical_all[candidates]
        blind = None
        if language is not None:
            blind = np.array(
                [language not in self._languages[self._order[p]] for p in candidates], dtype=bool
            )
        fused = fuse(lexical, dense, lexical_blind=blind)
        order = np.argsort(-fused)
        unique_terms = set(query_terms)
        hits = [
            SearchHit(
                entry=self._entries[self._order[candidates[i]]],
                score=float(fused[i]),
                coverage=self._coverage(unique_terms, candidates[i]),
                dense=float(dense[i]),
                lexical=float(lexical[i]),
            )
            for i in order[:k]
        ]
        runner_up = float(fused[order[1]]) if len(order) > 1 else 0.0
        # The cosine counts relative to the deepest dense candidate: e5 puts unrelated text at
        # 0.8 or so, and how far above that floor a hit stands transfers between collections
        # (titles against answers, questions against curated entries) where raw cosines do not.
        value = confidence(hits[0].dense - floor, hits[0].coverage, hits[0].score - runner_up)
        return SearchOutcome(decision=decide(value), hits=hits, confidence=value)
