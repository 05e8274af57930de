"""Korean (and English) text to search terms, through Kiwi morphemes.

Whitespace words keep particles attached (자동차세를 / 자동차세는 are different words), so
search works on morphemes: content morphemes only, in their dictionary form.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

# Content-bearing Kiwi tags: nouns, verb and adjective stems, roots, foreign words, numbers.
CONTENT_TAGS = ("NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SN", "SH")

# English function words carry no topic; Korean particles and endings are dropped by tag.
ENGLISH_STOPWORDS = frozenset(
    "a an the is are was were be been am do does did to of in on at for with by from and or "
    "i you he she it we they me my your our can could would should will shall may might "
    "what when where which who how please about this that there here have has had".split()
)

# Verbs too generic to tell one topic from another ("하다", "되다", "있다", ...).
KOREAN_GENERIC_STEMS = frozenset(["하", "되", "있", "없", "알", "싶", "주", "보", "받", "같", "이"])

# Question words say what kind of answer is wanted ("언제" → a due date), so they stay.
QUESTION_WORDS = frozenset(["언제", "어디", "어디서", "얼마", "얼마나", "어떻게", "누구", "무엇"])

_lock = threading.Lock()

# Kiwi's bundled dictionaries of proper nouns (Wikipedia, Namuwiki), multi-word names and typos
# are left out: on the paraphrase set and seoul-120 BM25 scored the same without them (names
# split into the same morphemes in the index and in the query), while they cost ~0.45 s of
# every one-off search and ~70 MB in each process that searches (bench/cold_index.py).
KIWI_OPTIONS = {"load_multi_dict": False, "load_default_dict": False, "load_typo_dict": False}


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    # Imported lazily: loading Kiwi's model takes about half a second.
    from kiwipiepy import Kiwi

    with _lock:
        return Kiwi(**KIWI_OPTIONS)


def preload() -> None:
    """Load Kiwi and analyse one sentence: its first analysis loads the rest of the model."""
    _kiwi().tokenize("서울시 120 다산콜센터")


def search_terms(text: str) -> list[str]:
    """The terms a text is indexed or searched by, lower-cased, in order, duplicates kept."""
    terms: list[str] = []
    for token in _kiwi().tokenize(text):
        tag = str(token.tag)
        form = str(token.form).lower()
        if form in QUESTION_WORDS:
            terms.append(form)
            continue
        if not tag.startswith(CONTENT_TAGS):
            continue
        if tag == "SL" and form in ENGLISH_STOPWORDS:
            continue
        if tag in ("VV", "VA") and form in KOREAN_GENERIC_STEMS:
            continue
        terms.append(form)
    return terms


_LONG_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{7,}")


def normalise_spacing(text: str) -> str:
    """Korean typed without spaces ("자동차세언제내요"), re-spaced by Kiwi.

    Morphemes do not care, but the embedding does: an unspaced question lands far from the same
    words spaced. Only text with a long Hangul run is touched, so spaced Korean and English pass
    through unchanged.
    """
    if not _LONG_HANGUL_RUN.search(text):
        return text
    return str(_kiwi().space(text))
