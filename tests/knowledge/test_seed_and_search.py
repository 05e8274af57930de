"""The curated seed loads whole, and search finds the entry a citizen means."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions.knowledge_answers import (
    DOCUMENT_ENTRIES,
    INTENT_ENTRIES,
    LANDMARK_ENTRIES,
)
from knowledge.knowledge_base import KnowledgeBase
from knowledge.seeding import SEED_FILE, SeedError, read_seed, seed_if_empty
from tests.knowledge.conftest import read_paraphrases


def test_every_entry_the_actions_name_is_in_the_seed() -> None:
    ids = {record["id"] for record in read_seed()}
    named = {*DOCUMENT_ENTRIES.values(), *LANDMARK_ENTRIES.values()}
    named |= {*INTENT_ENTRIES.values(), "service-consultation-booking"}
    assert named <= ids, named - ids


def test_every_seed_entry_has_a_source_and_korean_and_english() -> None:
    for record in read_seed():
        assert record["source_url"].startswith("https://"), record["id"]
        assert record["ko"]["answer"] and record["en"]["answer"], record["id"]
        if record.get("needs_review"):
            assert record.get("review_note"), record["id"]


def test_a_broken_seed_line_is_reported_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "entries.jsonl"
    good = SEED_FILE.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(SeedError, match="entries.jsonl:2"):
        read_seed(path)
    path.write_text(json.dumps({"id": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match="missing collection, ko"):
        read_seed(path)


def test_seeding_only_fills_an_empty_base(seeded_knowledge_base: KnowledgeBase) -> None:
    from knowledge.database import make_session_factory

    with make_session_factory(seeded_knowledge_base.engine)() as session:
        assert seed_if_empty(session) == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("자동차세 언제 내요?", "tax-vehicle-due-dates"),
        ("자동차세언제내요", "tax-vehicle-due-dates"),
        ("재산세 납부 기간이 언제예요", "tax-property-due-dates"),
        ("소파 버리려면 어떻게 해요", "faq-bulky-waste"),
        ("지하철에 지갑 놓고 내렸어요", "faq-lost-items-public-transport"),
        ("불법주차 신고하는 법", "faq-illegal-parking-report"),
        ("여권 새로 만들려면", "faq-passport"),
        ("When is the car tax due?", "tax-vehicle-due-dates"),
        ("How do I report illegal parking?", "faq-illegal-parking-report"),
    ],
)
def test_search_answers_with_the_right_entry(
    seeded_knowledge_base: KnowledgeBase, query: str, expected: str
) -> None:
    outcome = seeded_knowledge_base.search(query)
    assert outcome.best is not None
    assert outcome.best.entry.external_id == expected
    assert outcome.decision in ("answer", "clarify")


@pytest.mark.parametrize("query", ["뷁뷁 쀍쀍", "오늘 저녁 메뉴 추천", "asdf qwer zxcv", "?!"])
def test_nonsense_is_handed_off(seeded_knowledge_base: KnowledgeBase, query: str) -> None:
    assert seeded_knowledge_base.search(query).decision == "handoff"


def test_collection_filter(seeded_knowledge_base: KnowledgeBase) -> None:
    outcome = seeded_knowledge_base.search("세금 납부", collection="tax")
    assert outcome.hits
    assert {hit.entry.collection for hit in outcome.hits} == {"tax"}


def test_paraphrase_set_finds_the_right_entry_in_the_top_five(
    seeded_knowledge_base: KnowledgeBase,
) -> None:
    """Citizens' own wording (tests/data/paraphrases.jsonl), not the entries' phrasings."""
    answerable = [case for case in read_paraphrases() if case["expected_id"]]
    assert len(answerable) >= 180
    found = sum(
        case["expected_id"]
        in [hit.entry.external_id for hit in seeded_knowledge_base.search(case["query"]).hits]
        for case in answerable
    )
    print(f"paraphrase hit@5 (hybrid search): {found / len(answerable):.3f}")
    assert found / len(answerable) >= 0.85
