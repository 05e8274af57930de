"""The landmark conversation's own lines (the facts themselves come from the landmarks' data).

Each key has an easy-mode variant (key + ".easy"), as the catalog in actions/texts.py does.
"""

from __future__ import annotations

from typing import Final

LANDMARK_LINES: Final[dict[str, dict[str, str]]] = {
    "landmark.which": {
        "ko": "어느 명소가 궁금하신가요? 아래에서 고르시거나 이름을 말씀해 주세요.",
        "en": "Which landmark would you like to know about? Pick one below or tell me its name.",
    },
    "landmark.which.easy": {
        "ko": "어디가 궁금하세요? 하나를 골라 주세요.",
        "en": "Which place? Please pick one.",
    },
    "landmark.recommend.kids": {
        "ko": "아이와 함께 가기 좋은 곳입니다.",
        "en": "Good places to go with children:",
    },
    "landmark.recommend.kids.easy": {"ko": "아이와 가기 좋은 곳이에요.", "en": "Good with kids:"},
    "landmark.recommend.free": {
        "ko": "입장료 없이 둘러볼 수 있는 곳입니다.",
        "en": "Places you can visit free of charge:",
    },
    "landmark.recommend.free.easy": {"ko": "무료로 갈 수 있어요.", "en": "Free places:"},
    "landmark.recommend.night": {
        "ko": "저녁이나 밤에 가기 좋은 곳입니다.",
        "en": "Good places for an evening or night out:",
    },
    "landmark.recommend.night.easy": {"ko": "밤에 가기 좋아요.", "en": "Good at night:"},
    "landmark.recommend.rain": {
        "ko": "비가 와도 실내에서 즐길 수 있는 곳입니다.",
        "en": "Places to enjoy indoors on a rainy day:",
    },
    "landmark.recommend.rain.easy": {"ko": "비 오는 날 좋아요.", "en": "Good on rainy days:"},
    "landmark.recommend.elderly": {
        "ko": "어르신과 함께 걷기 편한 곳입니다.",
        "en": "Places that are easy to walk around with older family members:",
    },
    "landmark.recommend.elderly.easy": {"ko": "어르신과 가기 좋아요.", "en": "Easy to walk:"},
    "landmark.recommend.any": {
        "ko": "해치가 안내하는 서울 명소입니다. 궁금한 곳을 골라 주세요.",
        "en": "The Seoul landmarks I can tell you about. Pick one to know more.",
    },
    "landmark.recommend.any.easy": {"ko": "가 볼 만한 곳이에요.", "en": "Places to visit:"},
    "landmark.closed_today_hint": {
        "ko": "오늘({day})은 쉬는 곳은 뺐습니다.",
        "en": "Places closed today ({day}) are left out.",
    },
    "landmark.closed_today_hint.easy": {
        "ko": "오늘 쉬는 곳은 뺐어요.",
        "en": "Closed today: left out.",
    },
    "button.landmark.fee": {"ko": "입장료", "en": "Admission"},
    "button.landmark.fee.easy": {"ko": "입장료", "en": "Price"},
    "button.landmark.today": {"ko": "오늘 열어요?", "en": "Open today?"},
    "button.landmark.today.easy": {"ko": "오늘 열어요?", "en": "Open today?"},
    "button.landmark.directions": {"ko": "가는 길", "en": "Directions"},
    "button.landmark.directions.easy": {"ko": "가는 길", "en": "How to go"},
}


def landmark_line(key: str, language: str, *, easy: bool = False, **values: str) -> str:
    lines = LANDMARK_LINES.get(f"{key}.easy") if easy else None
    lines = lines or LANDMARK_LINES[key]
    template = lines.get(language) or lines["ko"]
    return template.format(**values) if values else template
