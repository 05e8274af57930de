"""Every line the agent can say has an easy-mode version: short, plain, one question at most."""

from __future__ import annotations

import re
from string import Formatter

import pytest

from actions.landmark_texts import LANDMARK_LINES
from actions.language_texts import LANGUAGE_LINES
from actions.texts import CATALOG, line
from agent.counsel_texts import COUNSEL_LINES
from agent.translation_texts import TRANSLATION_LINES

LANGUAGES = ("ko", "en")
# Pieces that are not said on their own: button labels, field names and values put into a
# summary, months, amounts, card titles and sources. They are already a word or two.
FRAGMENTS = (
    "button.",
    "answer.source",
    "tax.button.",
    "tax.field.",
    "tax.value.",
    "tax.month.",
    "tax.won",
    "tax.card.",
    "tax.name.",
    "counsel.minutes",
    "doc.field.",
)
# Everything the agent says: the main catalog and the topic catalogs kept beside it.
ALL_LINES = {
    **CATALOG,
    **LANDMARK_LINES,
    **LANGUAGE_LINES,
    **COUNSEL_LINES,
    **TRANSLATION_LINES,
}
EASY = ".easy"
# Longest sentence of an easy line (placeholders filled with short values).
MAX_SENTENCE = {"ko": 45, "en": 70}
_SENTENCES = re.compile(r"(?<=[.?!。])\s+|\n+")


def responses() -> list[str]:
    return sorted(
        key for key in ALL_LINES if not key.endswith(EASY) and not key.startswith(FRAGMENTS)
    )


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def test_the_walk_sees_the_whole_catalog() -> None:
    assert len(responses()) > 60
    assert {"greet", "fallback", "tax.ask.vehicle_type", "tax.result.property"} <= set(responses())


@pytest.mark.parametrize("key", responses())
def test_every_response_has_an_easy_variant_in_each_language(key: str) -> None:
    easy = ALL_LINES.get(key + EASY)
    assert easy is not None, f"{key} has no easy-mode variant ({key}{EASY})"
    for language in LANGUAGES:
        full_text, easy_text = ALL_LINES[key][language], easy[language]
        assert language in easy, f"{key}{EASY} has no {language} text"
        # The easy line is filled from the same values: it may drop one, never invent one.
        assert fields(easy_text) <= fields(full_text), key
        assert len(easy_text) <= len(full_text), f"{key}{EASY} ({language}) is not shorter"
        # One question at a time.
        assert easy_text.count("?") <= 1, f"{key}{EASY} ({language}) asks more than one thing"
        values = dict.fromkeys(fields(easy_text), "1")
        for sentence in _SENTENCES.split(easy_text.format(**values)):
            assert len(sentence) <= MAX_SENTENCE[language], f"{key}{EASY}: {sentence!r}"


def test_no_easy_variant_without_its_full_line() -> None:
    orphans = [
        key for key in ALL_LINES if key.endswith(EASY) and key[: -len(EASY)] not in ALL_LINES
    ]
    assert orphans == []


def test_line_picks_the_easy_variant_only_in_easy_mode() -> None:
    assert line("fallback", "ko", easy=True) == CATALOG["fallback.easy"]["ko"]
    assert line("fallback", "en") == CATALOG["fallback"]["en"]
    phone = line("handoff.requested", "en", easy=True, phone="120")
    assert phone == "To talk to a person, call 120. Open 24 hours."
