"""Retrieval benchmark and decision calibration: BM25-only vs dense-only vs the shipped hybrid.

    .venv/bin/python -m bench.retrieval                # quality, latency, build time
    .venv/bin/python -m bench.retrieval --calibrate    # also fit the answer/clarify thresholds
    .venv/bin/python -m bench.retrieval --limit 600    # a prefix of seoul-120 (for quick runs)

Sets: seoul-120 (titles as queries against answer-only records, the project convention in
/work/shared/data/seoul-120/README.md) and the paraphrase set tests/data/paraphrases.jsonl
against the seed (or --paraphrases FILE). Writes var/bench/retrieval.json.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from knowledge import search as search_module
from knowledge.embeddings import (
    Embedder,
    EmbeddingCache,
    Vectors,
    open_embedder,
    text_key,
)
from knowledge.models import KnowledgeEntry
from knowledge.morphemes import normalise_spacing, search_terms
from knowledge.search import KnowledgeIndex, confidence, decide, dense_texts, fuse
from knowledge.seeding import entry_from_seed, read_seed

REPO = Path(__file__).resolve().parents[1]
# The shared data folder sits beside the repository (../shared), as on the CI machine.
SEOUL_120 = Path(
    os.environ.get(
        "HAECHI_SEOUL_120_CSV", REPO.parent / "shared" / "data" / "seoul-120" / "seoul-120-text.csv"
    )
)
PARAPHRASES = REPO / "tests" / "data" / "paraphrases.jsonl"
OUT = Path("var/bench/retrieval.json")
NONSENSE = [
    "뷁뷁 쀍쀍",
    "asdf qwer zxcv",
    "오늘 저녁 메뉴 추천",
    "ㅋㅋㅋㅋ",
    "주식 종목 추천해줘",
    "What's the weather on Mars?",
    "고양이 사료 뭐가 좋아요",
    "lorem ipsum dolor",
]
WRONG_ANSWER_COST = 4.0
HANDOFF_COST = 1.0
CLARIFY_COST = 0.3
# Clarifying a question the base cannot answer: its reply always carries the counsellor button
# too, so the citizen pays one extra tap, not a lost question.
CLARIFY_DETOUR_COST = 0.5


@dataclass
class Case:
    query: str
    gold: set[str]


def clean(text: str) -> str:
    # Entities are double-escaped in this copy ("&amp;amp;apos;"), so unescape until stable.
    previous = None
    while previous != text:
        previous, text = text, html.unescape(text)
    return " ".join(text.split())


def seoul_120(limit: int | None) -> tuple[list[KnowledgeEntry], list[Case]]:
    with SEOUL_120.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["내용"].strip()]
    if limit:
        rows = rows[:limit]
    entries: list[KnowledgeEntry] = []
    by_answer: dict[str, set[str]] = {}
    for row in rows:
        answer = clean(row["내용"])
        key = f"s120-{row['번호']}"
        by_answer.setdefault(answer, set()).add(key)
        entries.append(
            KnowledgeEntry(
                external_id=key,
                collection="faq",
                category=row["분류"],
                tags=[],
                status="published",
                content={"ko": {"question": "", "answer": answer, "alternatives": []}},
            )
        )
    cases = [Case(clean(row["제목"]), by_answer[clean(row["내용"])]) for row in rows]
    return entries, cases


def seed_entries() -> list[KnowledgeEntry]:
    entries = [entry_from_seed(record) for record in read_seed()]
    for entry in entries:
        entry.status = "published"
    return entries


def paraphrase_cases(path: Path) -> tuple[list[Case], list[str]]:
    """Answerable questions (with the entry that answers them) and out-of-scope ones."""
    cases: list[Case] = []
    unanswerable: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record.get("expected_id"):
                cases.append(Case(record["query"], {record["expected_id"]}))
            else:
                unanswerable.append(record["query"])
    return cases, unanswerable


# -- raw scores, so that fusion variants and calibration need no re-embedding --------------------


@dataclass
class Raw:
    ids: list[str]
    lexical: NDArray[np.float64]  # queries x entries
    dense: NDArray[np.float64]  # queries x entries (best vector of the entry)
    coverage: Callable[[int, int], float]


def raw_scores(index: KnowledgeIndex, cases: Sequence[Case], embedder: Embedder) -> Raw:
    ids = list(index._order)
    owners: list[int] = []
    vectors: list[Vectors] = []
    for position, key in enumerate(ids):
        entry = index.get(key)
        assert entry is not None
        texts = dense_texts(entry)
        vectors.append(embedder.embed_passages(texts, progress=False))
        owners.extend([position] * len(texts))
    matrix = np.concatenate(vectors)
    owner = np.asarray(owners)
    lexical = np.zeros((len(cases), len(ids)))
    dense = np.full((len(cases), len(ids)), -1.0)
    terms_per_case = []
    for row, case in enumerate(cases):
        terms = search_terms(case.query)
        terms_per_case.append(set(terms))
        if terms:
            lexical[row] = np.asarray(index._bm25.get_scores(terms), dtype=float)
        cosines = matrix @ embedder.embed_query(normalise_spacing(case.query))
        np.maximum.at(dense[row], owner, cosines)

    def coverage(row: int, position: int) -> float:
        return index._coverage(terms_per_case[row], position)

    return Raw(ids, lexical, dense, coverage)


def rank(
    raw: Raw, row: int, method: str, weight: float, exclude: set[int] | None = None
) -> tuple[list[int], NDArray[np.float64]]:
    """Positions best-first under a method, mimicking KnowledgeIndex._search's candidates."""
    lexical = raw.lexical[row].copy()
    dense = raw.dense[row].copy()
    if exclude:
        idx = list(exclude)
        lexical[idx] = -np.inf
        dense[idx] = -np.inf
    if method == "bm25":
        order = np.argsort(-lexical)
        return [int(p) for p in order if lexical[p] > 0], lexical
    if method == "dense":
        order = np.argsort(-dense)
        return [int(p) for p in order if np.isfinite(dense[p])], dense
    depth = search_module.CANDIDATES
    dense_top = [int(p) for p in np.argsort(-dense)[:depth]]
    lexical_top = [int(p) for p in np.argsort(-lexical)[:depth] if lexical[p] > 0]
    candidates = sorted(set(dense_top) | set(lexical_top))
    floor = float(dense[dense_top].min())
    cand_dense = np.array([dense[p] if p in set(dense_top) else floor for p in candidates])
    cand_lexical = np.maximum(lexical[candidates], 0.0)
    if method.startswith("hybrid+coverage"):
        bonus = float(method.split("=")[1])
        fused = fuse(cand_lexical, cand_dense, weight=weight) + bonus * np.array(
            [raw.coverage(row, p) for p in candidates]
        )
    elif method == "rrf":
        rank_dense = {p: r for r, p in enumerate(dense_top)}
        lex_rank = {p: r for r, p in enumerate(lexical_top)}
        fused = np.array(
            [
                weight / (60 + rank_dense.get(p, depth))
                + (1 - weight) / (60 + lex_rank.get(p, depth))
                for p in candidates
            ]
        )
    else:
        fused = fuse(cand_lexical, cand_dense, weight=weight)
    order = np.argsort(-fused)
    scores = np.full(len(raw.ids), -np.inf)
    scores[candidates] = fused
    return [candidates[i] for i in order], scores


def metrics(
    raw: Raw, cases: Sequence[Case], rows: Sequence[int], method: str, weight: float
) -> dict[str, float]:
    hit1 = hit5 = mrr = 0.0
    for row in rows:
        order, _ = rank(raw, row, method, weight)
        gold = {raw.ids.index(g) for g in cases[row].gold if g in raw.ids}
        for r, position in enumerate(order[:10]):
            if position in gold:
                hit1 += r == 0
                hit5 += r < 5
                mrr += 1 / (r + 1)
                break
    n = max(len(rows), 1)
    return {"hit@1": hit1 / n, "hit@5": hit5 / n, "mrr@10": mrr / n, "queries": len(rows)}


# -- calibration ---------------------------------------------------------------------------------


def decision_examples(
    raw: Raw, cases: Sequence[Case], rows: Sequence[int], weight: float
) -> list[tuple[list[float], bool, bool, bool]]:
    """(features, top1 right, right in top 3, answerable) per query, asked with its record
    present and again with it (and its duplicates) removed, which makes it unanswerable."""
    examples = []
    for row in rows:
        gold = {raw.ids.index(g) for g in cases[row].gold if g in raw.ids}
        for removed in (False, True):
            order, scores = rank(raw, row, "hybrid", weight, exclude=gold if removed else None)
            if not order:
                continue
            best = order[0]
            margin = float(scores[best] - scores[order[1]]) if len(order) > 1 else 0.0
            depth = search_module.CANDIDATES
            dense = np.delete(raw.dense[row], sorted(gold)) if removed else raw.dense[row]
            floor = float(np.sort(dense)[::-1][:depth][-1])
            lift = float(raw.dense[row, best]) - floor
            features = [lift, raw.coverage(row, best), margin]
            right = (not removed) and best in gold
            top3 = (not removed) and bool(gold & set(order[:3]))
            examples.append((features, right, top3, not removed))
    return examples


def fit_logistic(examples: Sequence[tuple[list[float], bool, bool, bool]]) -> list[float]:
    x = np.array([[1.0, *features] for features, *_ in examples])
    y = np.array([1.0 if right else 0.0 for _, right, *_ in examples])
    beta = np.zeros(x.shape[1])
    for _ in range(50):  # Newton steps with a little ridge, for a stable fit on small sets
        p = 1 / (1 + np.exp(-x @ beta))
        gradient = x.T @ (p - y) + 1e-3 * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-3 * np.eye(x.shape[1])
        beta -= np.linalg.solve(hessian, gradient)
    return [float(b) for b in beta]


def decision_cost(
    examples: Sequence[tuple[list[float], bool, bool, bool]], answer: float, clarify: float
) -> dict[str, float]:
    counts = {
        "answer_right": 0,
        "answer_wrong": 0,
        "clarify": 0,
        "clarify_useful": 0,
        "handoff_answerable": 0,
        "handoff_unanswerable": 0,
    }
    cost = 0.0
    for features, right, top3, answerable in examples:
        decision = decide(confidence(*features), answer=answer, clarify=clarify)
        if decision == "answer":
            counts["answer_right" if right else "answer_wrong"] += 1
            cost += 0 if right else WRONG_ANSWER_COST
        elif decision == "clarify":
            counts["clarify"] += 1
            counts["clarify_useful"] += top3
            if top3:
                cost += CLARIFY_COST
            else:
                cost += HANDOFF_COST if answerable else CLARIFY_DETOUR_COST
        else:
            counts["handoff_answerable" if answerable else "handoff_unanswerable"] += 1
            cost += HANDOFF_COST if answerable else 0
    n = max(len(examples), 1)
    return {**counts, "cost_per_query": cost / n, "n": n}


def calibrate(
    examples: Sequence[tuple[list[float], bool, bool, bool]],
) -> tuple[list[float], float, float]:
    coefficients = fit_logistic(examples)
    search_module.CONFIDENCE_COEFFICIENTS = tuple(coefficients)  # type: ignore[assignment]
    grid = [i / 40 for i in range(1, 40)]
    best = min(
        ((a, c) for a in grid for c in grid if c <= a),
        key=lambda pair: decision_cost(examples, *pair)["cost_per_query"],
    )
    return coefficients, best[0], best[1]


# -- latency and scale ---------------------------------------------------------------------------


def latency(index: KnowledgeIndex, queries: Sequence[str], repeat: int = 1) -> dict[str, float]:
    # Timed with the product's embedder: the bench's disk cache of query vectors would hide the
    # cost of embedding the question, which dominates.
    plain = Embedder(index.embedder.backend, index.embedder.cache)
    index._embedder = plain
    for query in queries[:5]:
        index.search(query)
    timings = []
    for _ in range(repeat):
        for query in queries:
            plain._queries.clear()
            start = time.perf_counter()
            index.search(query, k=10)
            timings.append((time.perf_counter() - start) * 1000)
    quantiles = statistics.quantiles(timings, n=20)
    return {"p50_ms": statistics.median(timings), "p95_ms": quantiles[18], "n": len(timings)}


class _QueryCachingEmbedder(Embedder):
    """Bench only: query vectors kept on disk too, so reruns skip thousands of forward passes
    (the product never stores what citizens ask)."""

    def embed_query(self, text: str) -> Vectors:
        key = text_key("query: " + text)
        if self.cache is not None:
            found = self.cache.get_many([key])
            if key in found:
                return found[key]
        vector = super().embed_query(text)
        if self.cache is not None:
            self.cache.put_many({key: vector})
        return vector


class _PerturbedEmbedder(Embedder):
    """Synthetic copies of real passages: the original's cached vector plus a little noise."""

    def __init__(self, real: Embedder) -> None:
        super().__init__(real.backend, real.cache)
        self._rng = np.random.default_rng(7)

    def embed_passages(
        self,
        texts: Sequence[str],
        *,
        progress: bool | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> Vectors:
        originals = [text.rsplit(" #", 1)[0] for text in texts]
        base = super().embed_passages(originals, progress=progress)
        noisy = base + self._rng.normal(0, 0.02, base.shape).astype(np.float32)
        unit: Vectors = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
        return unit


def scale_index(entries: Sequence[KnowledgeEntry], embedder: Embedder, size: int) -> KnowledgeIndex:
    synthetic: list[KnowledgeEntry] = []
    copy = 0
    while len(synthetic) < size:
        for entry in entries:
            if len(synthetic) >= size:
                break
            answer = entry.content["ko"]["answer"]
            text = dense_texts(entry)[0] + (f" #{copy}" if copy else "")
            synthetic.append(
                KnowledgeEntry(
                    external_id=f"{entry.external_id}-{copy}",
                    collection="faq",
                    tags=[],
                    status="published",
                    content={
                        "ko": {
                            "question": "",
                            "alternatives": [],
                            "answer": text if copy else answer,
                        }
                    },
                )
            )
        copy += 1
    return KnowledgeIndex(synthetic, embedder=_PerturbedEmbedder(embedder), progress=False)


# -- report --------------------------------------------------------------------------------------


def table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'method':<22}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for name, row in rows.items():
        print(
            f"{name:<22}{row['hit@1']:>8.3f}{row['hit@5']:>8.3f}{row['mrr@10']:>8.3f}"
            f"{row.get('p50_ms', float('nan')):>9.1f}{row.get('p95_ms', float('nan')):>9.1f}"
        )


def evaluate(
    name: str,
    entries: list[KnowledgeEntry],
    cases: list[Case],
    embedder: Embedder,
    report: dict[str, Any],
    weights: Sequence[float],
    latency_queries: int = 300,
) -> tuple[Raw, KnowledgeIndex]:
    start = time.perf_counter()
    index = KnowledgeIndex(entries, embedder=embedder, progress=True)
    build = time.perf_counter() - start
    raw = raw_scores(index, cases, embedder)
    calibration_rows = list(range(0, len(cases), 2))
    test_rows = list(range(1, len(cases), 2))
    variants: dict[str, dict[str, float]] = {}
    for weight in weights:
        variants[f"weighted w={weight}"] = metrics(raw, cases, calibration_rows, "hybrid", weight)
        variants[f"rrf w={weight}"] = metrics(raw, cases, calibration_rows, "rrf", weight)
    for bonus in (0.1, 0.2, 0.3, 0.5):
        for half, rows in (("calibration", calibration_rows), ("held-out", test_rows)):
            variants[f"+coverage {bonus} {half}"] = metrics(
                raw, cases, rows, f"hybrid+coverage={bonus}", search_module.DENSE_WEIGHT
            )
    all_rows = list(range(len(cases)))
    results = {
        "bm25": metrics(raw, cases, all_rows, "bm25", 0),
        "dense": metrics(raw, cases, all_rows, "dense", 1),
        "hybrid (shipped)": metrics(raw, cases, all_rows, "hybrid", search_module.DENSE_WEIGHT),
        "hybrid held-out half": metrics(
            raw, cases, test_rows, "hybrid", search_module.DENSE_WEIGHT
        ),
    }
    if latency_queries:
        results["hybrid (shipped)"].update(
            latency(index, [c.query for c in cases][:latency_queries])
        )
    table(f"{name}: {len(entries)} entries, {len(cases)} queries, build {build:.1f} s", results)
    table(f"{name}: fusion variants on the calibration half", variants)
    report[name] = {
        "entries": len(entries),
        "queries": len(cases),
        "build_seconds": build,
        "results": results,
        "fusion_variants": variants,
    }
    return raw, index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="first N seoul-120 records")
    parser.add_argument("--paraphrases", type=Path, default=PARAPHRASES)
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--latency-queries", type=int, default=300, help="0 skips latency")
    parser.add_argument("--scale", type=int, default=10_000, help="0 skips the scale test")
    args = parser.parse_args()
    opened = open_embedder()
    embedder = _QueryCachingEmbedder(opened.backend, opened.cache)
    report: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f} at start",
        "embedding_model": embedder.name,
        "dense_weight": search_module.DENSE_WEIGHT,
    }
    weights = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

    entries, cases = seoul_120(args.limit)
    raw, index = evaluate(
        "seoul-120", entries, cases, embedder, report, weights, args.latency_queries
    )

    seed = seed_entries()
    para_raw = None
    if args.paraphrases.exists():
        para_cases, unanswerable = paraphrase_cases(args.paraphrases)
        para_raw, _ = evaluate(
            "paraphrases", seed, para_cases, embedder, report, weights, args.latency_queries
        )

    if args.calibrate and para_raw is not None:
        # Decisions are fitted where they are used: the curated seed and how citizens ask it
        # (calibration half), each question also asked with its entry removed (unanswerable),
        # plus out-of-scope questions and nonsense. seoul-120 (answer-only records, titles as
        # questions) is reported as an out-of-domain check, not fitted on: its answers never
        # restate the question, which would teach the model to distrust the curated entries.
        weight = search_module.DENSE_WEIGHT
        para_calibration = range(0, len(para_cases), 2)
        para_held = range(1, len(para_cases), 2)
        fit = decision_examples(para_raw, para_cases, para_calibration, weight)
        held = decision_examples(para_raw, para_cases, para_held, weight)
        seed_index = KnowledgeIndex(seed, embedder=embedder, progress=True)
        out_of_scope = [*NONSENSE, *unanswerable]
        for number, query in enumerate(out_of_scope):
            outcome = seed_index.search(query)
            if outcome.best is None:
                continue
            hit = outcome.best
            runner = outcome.hits[1].score if len(outcome.hits) > 1 else 0.0
            dense = [h.dense for h in seed_index.search(query, k=search_module.CANDIDATES).hits]
            example = (
                [hit.dense - min(dense), hit.coverage, hit.score - runner],
                False,
                False,
                False,
            )
            (fit if number % 2 == 0 else held).append(example)
        coefficients, answer, clarify = calibrate(fit)
        seoul_held = decision_examples(raw, cases, list(range(1, len(cases), 2)), weight)
        report["calibration"] = {
            "coefficients": coefficients,
            "answer": answer,
            "clarify": clarify,
            "costs": {
                "wrong_answer": WRONG_ANSWER_COST,
                "handoff": HANDOFF_COST,
                "clarify": CLARIFY_COST,
                "clarify_unanswerable": CLARIFY_DETOUR_COST,
            },
            "calibration_split": decision_cost(fit, answer, clarify),
            "held_out_split": decision_cost(held, answer, clarify),
            "seoul_120_held_out_half": decision_cost(seoul_held, answer, clarify),
        }
        print("\ncalibration:", json.dumps(report["calibration"], indent=1))

    # Scale: 10,000 synthetic entries from the real vectors, real query embedding.
    if not args.scale:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        return
    start = time.perf_counter()
    big = scale_index(entries, embedder, args.scale)
    report["scale"] = {
        "entries": len(big),
        "build_seconds_from_cache": time.perf_counter() - start,
        **latency(big, [c.query for c in cases][:200]),
    }
    print(f"\nscale: {json.dumps(report['scale'])}")
    cache = embedder.cache
    if isinstance(cache, EmbeddingCache):
        report["embedding_cache"] = {"path": str(cache.path), "vectors": len(cache)}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nwrote {OUT}")


if __name__ == "__main__":
    main()
