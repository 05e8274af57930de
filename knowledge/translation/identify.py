"""Which language a citizen writes in: Korean and English as before, any other by lingua.

The script settles most languages without a model (Hangul is Korean, kana Japanese, Han
Chinese, Thai, Arabic and Devanagari their own); lingua (offline, n-gram models inside the
wheel) tells apart the languages that share the Latin or the Cyrillic script. Its low-accuracy
mode loads in milliseconds and, on short questions, judged better here than the full models,
which take tens of seconds to load. Proper nouns ("Gyeongbokgung") are left out of the vote:
romanised Korean names read as Indonesian. Short or unclear text gives None, so "ok" or a
button payload never switches a conversation's language.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from knowledge.language import detect_language

_SCRIPTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\uac00-\ud7a3\u3131-\u318e]"), "ko"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "vi", "id", "tl", "tr", "nl", "pl")
_CYRILLIC_LANGUAGES = ("ru", "uk", "mn")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# A capitalised word that does not start a sentence: a name, not a word of the language.
_PROPER_NOUN = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+[A-Z]?\w*")
# Romanised Korean ("Gyeongbokgung", "Yeouido", "Cheong Wa Dae") votes for Indonesian or Tagalog.
_ROMANISED_KOREAN = re.compile(r"\b\w*(eo|eu|gung|yeo|dae|jeon|ngg)\w*\b", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# Below this, lingua's guess for a Latin-script text is not trusted over "English".
_MIN_CONFIDENCE = 0.5
_lock = threading.Lock()


@lru_cache(maxsize=2)
def _detector(codes: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    languages = [IsoCode639_1.from_str(code) for code in codes]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*languages).with_low_accuracy_mode().build()


def identify_language(text: str) -> str | None:
    """An ISO 639-1 code ("ko", "en", "ja", "zh", "es", ...) or None when the text shows none."""
    if text.startswith("/"):
        return None
    for pattern, code in _SCRIPTS:
        if pattern.search(text):
            return code
    codes = _CYRILLIC_LANGUAGES if _CYRILLIC.search(text) else _LATIN_LANGUAGES
    words = _ROMANISED_KOREAN.sub(" ", _PROPER_NOUN.sub(" ", text))
    if len(_LETTER.findall(words)) < 4 or len(_WORD.findall(words)) < 2:
        return detect_language(text) if codes is _LATIN_LANGUAGES else None
    with _lock:
        values = _detector(codes).compute_language_confidence_values(words)
    if not values:
        return detect_language(text)
    best = values[0]
    code = str(best.language.iso_code_639_1.name).lower()
    if code == "en" or codes is _CYRILLIC_LANGUAGES:
        return code
    if best.value >= _MIN_CONFIDENCE:
        return code
    return detect_language(text)
