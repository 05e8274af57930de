"""What the calculator forms say when a conversation leaves the straight path.

Kept apart from actions/tax_texts.py (questions, summaries, results) so the two change
independently; merged into actions/texts.py's catalog like it.
"""

from __future__ import annotations

from typing import Final

Lines = dict[str, str]

TAX_FORM_LINES: Final[dict[str, Lines]] = {
    # Back to the calculator after a knowledge answer given in the middle of it.
    "tax.resume": {
        "ko": "이어서 계산에 필요한 것을 여쭙겠습니다.",
        "en": "Now, back to your calculation.",
    },
    "tax.resume.easy": {"ko": "계산을 이어 갈게요.", "en": "Back to the calculation."},
    # A question in the middle of a calculator the knowledge base cannot answer.
    "tax.form_not_found": {
        "ko": "죄송합니다. 그 질문에는 해치가 가진 안내 자료에서 정확한 답을 찾지 못했습니다. "
        "상담사와 이야기하시려면 아래 '상담사 연결'을 눌러 주세요.",
        "en": "I'm sorry, I couldn't find a reliable answer to that question in my guidance. "
        "To talk to a counsellor, tap “Talk to a counsellor” below.",
    },
    # Another calculator asked for while one was open.
    "tax.switched": {
        "ko": "{previous} 계산은 여기서 멈추겠습니다.",
        "en": "I've stopped the {previous} calculation.",
    },
    "tax.name.vehicle_tax_form": {"ko": "자동차세", "en": "vehicle tax"},
    "tax.name.property_tax_form": {"ko": "재산세", "en": "property tax"},
    "tax.name.acquisition_tax_form": {"ko": "취득세", "en": "acquisition tax"},
}
