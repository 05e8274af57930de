"""Lines about languages the agent machine-translates (other language lines: actions/texts.py).

Written in Korean and English; for a visitor in another language the gateway translates them
and marks them as machine translation (agent/translation.py).
"""

from __future__ import annotations

from typing import Final

LANGUAGE_LINES: Final[dict[str, dict[str, str]]] = {
    "language.machine": {
        "ko": "{name}로 기계 번역해서 안내해 드리겠습니다. 번역이 정확하지 않을 수 있으니, 각 "
        "답변의 '원문 보기'로 한국어 원문을 확인하실 수 있습니다.",
        "en": "I'll answer in {name} by machine translation. It may not be exact, so each "
        "answer has a 'Show original' button for the English original.",
    },
    "language.machine.easy": {
        "ko": "{name}로 번역해 드릴게요. 원문도 볼 수 있어요.",
        "en": "I'll translate into {name}. You can see the original too.",
    },
    "language.no_package": {
        "ko": "지금은 한국어와 영어로 안내해 드릴 수 있습니다.",
        "en": "For now I can answer in English and Korean.",
    },
    "language.no_package.easy": {
        "ko": "지금은 한국어와 영어만 돼요.",
        "en": "For now: English and Korean only.",
    },
}


def language_line(key: str, language: str, *, easy: bool = False, **values: str) -> str:
    lines = LANGUAGE_LINES.get(f"{key}.easy") if easy else None
    lines = lines or LANGUAGE_LINES[key]
    template = lines.get(language) or lines["ko"]
    return template.format(**values) if values else template
