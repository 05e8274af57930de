"""Which language a citizen writes in: scripts first, lingua for Latin and Cyrillic, English
kept English, and nothing decided from too little text."""

from __future__ import annotations

import pytest

from knowledge.translation.identify import identify_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("오늘 덕수궁 열어요?", "ko"),
        ("ETAX로 내요", "ko"),
        ("日本語でお願いします", "ja"),
        ("景福宮の入場料はいくらですか。", "ja"),
        ("中文可以吗", "zh"),
        ("Is Gyeongbokgung open on Tuesday?", "en"),
        ("How do I get to N Seoul Tower?", "en"),
        ("a normal passenger car", "en"),
        ("cancel this", "en"),
        ("¿Dónde está la estación de metro?", "es"),
        ("Bonjour, je voudrais visiter le palais", "fr"),
        ("Wo ist der Bahnhof bitte", "de"),
        ("Tôi muốn đi Gyeongbokgung", "vi"),
        ("Вы говорите по-русски?", "ru"),
        ("ok", None),
        ("Hola", None),
        ("120", None),
        ('/landmark_info{"landmark": "ddp"}', None),
    ],
)
def test_identify(text: str, language: str | None) -> None:
    assert identify_language(text) == language
