from __future__ import annotations

import pytest

from agent.language import choose_language
from knowledge.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("자동차세 언제 내요?", "ko"),
        ("ETAX로 내도 돼요?", "ko"),
        ("What can you do?", "en"),
        ("ok", None),
        ("ETAX", None),
        ("120", None),
        ('/faq{"entry_id": "tax-how-to-pay"}', None),
        ("", None),
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_normalise_language() -> None:
    assert normalise_language("en-US") == "en"
    assert normalise_language("ko_KR") == "ko"
    assert normalise_language("fr") is None
    assert normalise_language(None) is None


def test_text_outranks_the_channel_hint_which_outranks_the_session() -> None:
    assert choose_language(requested="en", text="안녕하세요", current="en") == "ko"
    assert choose_language(requested="en", text="ok", current="ko") == "en"
    assert choose_language(requested=None, text="ok", current="en") == "en"
    assert choose_language(requested="fr", text="120", current=None) == "ko"
