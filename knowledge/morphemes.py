"""Korean (and English) text to search terms, through Kiwi morphemes.

Whitespace words keep particles attached (자동차세를 / 자동차세는 are different words), so
search works on morphemes: content morphemes only, in their dictionary form.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
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
# every one-off search and ~70 MB in each process that searches (bench/cold_index.py). The NLU
# tokenizer (nlu/components/kiwi_tokenizer.py) uses the same options; a test keeps them equal.
KIWI_OPTIONS = {"load_multi_dict": False, "load_default_dict": False, "load_typo_dict": False}

Morpheme = tuple[str, str, int, int]  # form, tag, start, length


@lru_cache(maxsize=1)
def analyser_id() -> str:
    """Names the analysis, as the NLU tokenizer does: shared morphemes must come from it."""
    from importlib import metadata

    options = ",".join(f"{key}={int(value)}" for key, value in sorted(KIWI_OPTIONS.items()))
    versions = f"kiwipiepy {metadata.version('kiwipiepy')}/{metadata.version('kiwipiepy_model')}"
    return f"{versions} {options}"


_kiwi_instance: Any = None


def _kiwi() -> Any:
    global _kiwi_instance
    with _lock:
        if _kiwi_instance is None:
            # Imported lazily: loading Kiwi's model takes about half a second.
            from kiwipiepy import Kiwi

            _kiwi_instance = Kiwi(**KIWI_OPTIONS)
        return _kiwi_instance


def kiwi_loaded() -> bool:
    return _kiwi_instance is not None


def release() -> None:
    """Drop Kiwi's model (~200 MB) in a process that analyses only now and then: the action
    server reads each message's morphemes from the gateway and needs Kiwi only to index."""
    global _kiwi_instance
    with _lock:
        if _kiwi_instance is None:
            return
        _kiwi_instance = None
    import ctypes
    import gc

    gc.collect()
    try:  # glibc keeps freed pages until asked; elsewhere this is only a missed saving
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


def preload() -> None:
    """Load Kiwi and analyse one sentence: its first analysis loads the rest of the model."""
    _kiwi().tokenize("서울시 120 다산콜센터")


# text -> (morphemes, re-spaced text) analysed by another process (the gateway), newest last
_shared: OrderedDict[str, tuple[list[Morpheme], str]] = OrderedDict()
_SHARED_LIMIT = 256


def analyse(text: str) -> list[Morpheme]:
    with _lock:
        shared = _shared.get(text)
    if shared is not None:
        return shared[0]
    return [(str(t.form), str(t.tag), t.start, t.len) for t in _kiwi().tokenize(text)]


def analysis(text: str) -> dict[str, Any]:
    """A message's morphemes for the processes after this one (Rasa's tokenizer, the action
    server), so Kiwi runs once a message, in one process (JSON-ready)."""
    return {
        "analyser": analyser_id(),
        "text": text,
        "tokens": [list(morpheme) for morpheme in analyse(text)],
        "spaced": normalise_spacing(text),
    }


def remember(sent: object) -> bool:
    """Keep morphemes another process analysed, if they are well formed and from this analyser;
    `analyse`, `search_terms` and `normalise_spacing` of that text then need no Kiwi."""
    if not isinstance(sent, dict) or sent.get("analyser") != analyser_id():
        return False
    text, spaced, tokens = sent.get("text"), sent.get("spaced"), sent.get("tokens")
    if not (isinstance(text, str) and isinstance(spaced, str) and isinstance(tokens, list)):
        return False
    morphemes: list[Morpheme] = []
    for token in tokens:
        if not (isinstance(token, list) and len(token) == 4):
            return False
        form, tag, start, length = token
        if not (isinstance(form, str) and isinstance(tag, str)):
            return False
        if not (isinstance(start, int) and isinstance(length, int)):
            return False
        if start < 0 or length < 0 or start + length > len(text):
            return False
        morphemes.append((form, tag, start, length))
    with _lock:
        _shared[text] = (morphemes, spaced)
        _shared.move_to_end(text)
        while len(_shared) > _SHARED_LIMIT:
            _shared.popitem(last=False)
    return True


def search_terms(text: str) -> list[str]:
    """The terms a text is indexed or searched by, lower-cased, in order, duplicates kept."""
    terms: list[str] = []
    for raw_form, tag, _start, _length in analyse(text):
        form = raw_form.lower()
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
    with _lock:
        shared = _shared.get(text)
    if shared is not None:
        return shared[1]
    return str(_kiwi().space(text))
