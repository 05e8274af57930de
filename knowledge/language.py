"""Which language a citizen writes in, and which languages replies exist in."""

from __future__ import annotations

import re

SUPPORTED_LANGUAGES: tuple[str, ...] = ("ko", "en")
DEFAULT_LANGUAGE = "ko"

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> str | None:
    """Return "ko" or "en" when the text clearly says so, else None.

    Any Hangul means Korean: people mix in English words ("KTX 예매", "ETAX로 내요"), rarely
    the other way round. English needs at least two Latin words, so that "ok" or "ETAX" alone
    does not switch a Korean conversation to English. A button payload ("/faq{...}") is no
    language at all.
    """
    if text.startswith("/"):
        return None
    if _HANGUL.search(text):
        return "ko"
    if len(_LATIN_WORD.findall(text)) >= 2:
        return "en"
    return None


def normalise_language(code: str | None) -> str | None:
    """Map "en-US", "EN", "ko_KR" to a supported code, or None when unsupported or empty."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in SUPPORTED_LANGUAGES else None
