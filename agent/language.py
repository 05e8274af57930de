"""Which language the agent replies in: the citizen's text first, then the channel's hint."""

from __future__ import annotations

from knowledge.language import DEFAULT_LANGUAGE, detect_language, normalise_language


def choose_language(*, requested: str | None, text: str, current: str | None) -> str:
    """The reply language: the text's own, else the channel's hint, else the session's.

    Korean in, Korean out: what a citizen writes outranks a phone's language setting or the
    web page's switch, which decide only for text that says nothing ("ok", "120", a button).
    """
    return (
        detect_language(text)
        or normalise_language(requested)
        or normalise_language(current)
        or DEFAULT_LANGUAGE
    )
