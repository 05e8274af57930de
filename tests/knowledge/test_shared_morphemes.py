"""Kiwi once a message: the gateway's analysis, reused by the action server's search and by
Rasa's tokenizer (the same options), never trusted when it does not fit the text."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge import morphemes

TOKENIZER = Path(__file__).resolve().parents[2] / "nlu" / "components" / "kiwi_tokenizer.py"
TEXTS = ["자동차세 언제 내요?", "자동차세언제내요", "When is the car tax due?", "경복궁 가는 법"]


@pytest.fixture
def no_kiwi() -> Iterator[None]:
    """Kiwi dropped before and after, as in the action server between index syncs."""
    morphemes.release()
    yield
    morphemes.release()


def test_the_nlu_tokenizer_uses_the_same_kiwi_options_and_analyser_name() -> None:
    tree = ast.parse(TOKENIZER.read_text(encoding="utf-8"))
    options = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "KIWI_OPTIONS" for t in node.targets)
    )
    assert options == morphemes.KIWI_OPTIONS
    # The analyser name is built the same way on both sides (same source lines).
    source = TOKENIZER.read_text(encoding="utf-8")
    assert 'f"{key}={int(value)}" for key, value in sorted(KIWI_OPTIONS.items())' in source
    assert morphemes.analyser_id().startswith("kiwipiepy ")


def test_shared_morphemes_give_the_same_search_terms_without_loading_kiwi(no_kiwi: None) -> None:
    sent = [morphemes.analysis(text) for text in TEXTS]
    expected = [morphemes.search_terms(text) for text in TEXTS]
    spaced = [morphemes.normalise_spacing(text) for text in TEXTS]
    morphemes.release()
    morphemes._shared.clear()
    for payload in sent:
        assert morphemes.remember(payload)
    assert [morphemes.search_terms(text) for text in TEXTS] == expected
    assert [morphemes.normalise_spacing(text) for text in TEXTS] == spaced
    assert spaced[1] != TEXTS[1]  # the unspaced question was re-spaced by the gateway
    assert not morphemes.kiwi_loaded()


def _tampered(**changes: Any) -> dict[str, Any]:
    payload = morphemes.analysis("주민등록등본 발급")
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "주민등록등본",
        _tampered(analyser="kiwipiepy 0.1 other"),
        _tampered(tokens="주민등록등본"),
        _tampered(tokens=[["주민", "NNG", 0, 99]]),
        _tampered(tokens=[["주민", "NNG", -1, 2]]),
        _tampered(tokens=[["주민", "NNG", "0", 2]]),
        _tampered(tokens=[["주민", "NNG", 0]]),
        _tampered(spaced=None),
        _tampered(text=None),
    ],
)
def test_malformed_or_foreign_morphemes_are_not_kept(payload: object) -> None:
    morphemes._shared.clear()
    assert not morphemes.remember(payload)
    assert not morphemes._shared


def test_morphemes_of_another_text_do_not_change_this_ones_terms() -> None:
    morphemes._shared.clear()
    other = morphemes.analysis("재산세 납부")
    assert morphemes.remember({**other, "text": "자동차세 납부 기한은"})  # offsets fit
    # Only a search for exactly that text would use them; any other text is analysed.
    assert morphemes.search_terms("자동차세 납부 기한") == ["자동차세", "납부", "기한"]
    morphemes._shared.clear()
