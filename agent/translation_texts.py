"""What the translating agent says itself, in Korean and English, each with its easy variant.

The agent adds these lines around the agent's own reply (agent/translation.py), so they live
beside it rather than in the action server's catalog (actions/texts.py); the catalog test
walks both.
"""

from __future__ import annotations

from typing import Final

TRANSLATION_LINES: Final[dict[str, dict[str, str]]] = {
    "translation.no_package": {
        "ko": "{name}는 아직 오프라인으로 번역할 수 없어 한국어로 안내해 드립니다.",
        "en": "I can't translate into {name} offline yet, so I'm answering in English.",
    },
    "translation.no_package.easy": {
        "ko": "{name} 번역은 아직 안 돼요. 한국어로 말할게요.",
        "en": "I can't translate into {name} yet. I'll use English.",
    },
    "translation.nothing_to_show": {
        "ko": "원문을 보여 드릴 번역된 답변이 아직 없습니다.",
        "en": "There is no translated answer to show the original of yet.",
    },
    "translation.nothing_to_show.easy": {
        "ko": "아직 번역한 답이 없어요.",
        "en": "No translated answer yet.",
    },
    "button.show_original": {
        "ko": "원문 보기 (한국어)",
        "en": "Show original (English)",
    },
}


def translation_line(key: str, language: str, *, easy: bool = False, **values: str) -> str:
    """The line in Korean or English (Korean for anything else), easy when asked and written."""
    lines = TRANSLATION_LINES.get(f"{key}.easy") if easy else None
    lines = lines or TRANSLATION_LINES[key]
    template = lines.get(language) or lines["ko"]
    return template.format(**values) if values else template
