"""Search terms kept on disk: an index loads without analysing every entry again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import morphemes, search, term_cache
from knowledge.knowledge_base import KnowledgeBase
from knowledge.seeding import entry_from_seed, read_seed
from knowledge.term_cache import TermCache


def counting(calls: list[str]) -> Callable[[str], list[str]]:
    def analyse(text: str) -> list[str]:
        calls.append(text)
        return morphemes.search_terms(text)

    return analyse


def test_terms_are_analysed_once_and_read_back(tmp_path: Path) -> None:
    calls: list[str] = []
    cache = TermCache(tmp_path / "terms.sqlite")
    texts = ["자동차세는 언제 내나요?", "여권 발급 수수료", "자동차세는 언제 내나요?"]
    first = cache.terms_for(texts, counting(calls))
    assert calls == texts[:2]
    assert first[0] == first[2] and "자동차세" in first[0]
    cache.close()
    reopened = TermCache(tmp_path / "terms.sqlite")
    assert reopened.terms_for(texts, counting(calls)) == first
    assert calls == texts[:2]  # nothing analysed again after a restart


def test_changed_term_rules_recompute_instead_of_serving_stale_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    cache = TermCache(tmp_path / "terms.sqlite")
    cache.terms_for(["재산세 납부"], counting(calls))
    monkeypatch.setattr(term_cache, "terms_fingerprint", lambda: "other-rules")
    cache.terms_for(["재산세 납부"], counting(calls))
    assert calls == ["재산세 납부", "재산세 납부"]


def test_an_index_rebuilt_over_the_same_entries_reads_its_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_knowledge_base: KnowledgeBase
) -> None:
    entries = [entry_from_seed(record) for record in read_seed()][:40]
    embedder = seeded_knowledge_base.embedder()  # its vectors are cached: no model work here
    calls: list[str] = []
    monkeypatch.setattr(search, "search_terms", counting(calls))
    cache = TermCache(tmp_path / "terms.sqlite")
    first = search.KnowledgeIndex(entries, embedder=embedder, term_cache=cache)
    analysed = len(calls)
    assert analysed == len(first) == 40
    second = search.KnowledgeIndex(entries, embedder=embedder, term_cache=cache)
    assert len(calls) == analysed
    question = "자동차세 언제 내요"
    assert second.search(question).results() == first.search(question).results()
