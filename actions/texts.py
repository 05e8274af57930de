"""What the agent says, per language, with a shorter plain-words version for easy mode.

Knowledge answers come from the knowledge base; this catalog holds only the conversation's own
lines (greetings, offers, apologies). A key missing in a language falls back to Korean.
"""

from __future__ import annotations

from typing import Final

from actions.document_texts import DOCUMENT_LINES
from actions.tax_form_texts import TAX_FORM_LINES
from actions.tax_texts import TAX_EASY_LINES, TAX_LINES

Lines = dict[str, str]

CATALOG: Final[dict[str, Lines]] = {
    "greet": {
        "ko": "안녕하세요, 서울시 상담 도우미 해치입니다. 120 민원 상담, 지방세 안내, 증명서 발급 "
        "안내, 관광 명소 안내, 시민 제안, 시설 예약을 도와드립니다. 무엇을 도와드릴까요?",
        "en": "Hello, I'm Haechi, Seoul's public service assistant. I can help with 120 civic "
        "questions, local taxes, administrative documents, landmarks, citizen proposals and "
        "bookings. How can I help you?",
    },
    "greet.easy": {
        "ko": "안녕하세요. 해치예요. 무엇을 도와드릴까요?",
        "en": "Hello, I'm Haechi. How can I help?",
    },
    "goodbye": {
        "ko": "이용해 주셔서 감사합니다. 궁금한 점이 생기면 언제든 다시 찾아 주세요.",
        "en": "Thank you for using Haechi. Come back any time you have a question.",
    },
    "goodbye.easy": {
        "ko": "이용해 주셔서 고맙습니다. 또 찾아 주세요.",
        "en": "Thank you. Come back any time.",
    },
    "thanks": {
        "ko": "도움이 되었다니 다행입니다. 더 궁금한 점이 있으면 말씀해 주세요.",
        "en": "I'm glad it helped. Let me know if there is anything else.",
    },
    "thanks.easy": {
        "ko": "도움이 되어 다행이에요. 또 궁금한 것이 있으면 말해 주세요.",
        "en": "Glad to help. Ask me anything else.",
    },
    "capabilities": {
        "ko": "해치가 도와드릴 수 있는 일은 다음과 같습니다.\n"
        "• 120다산콜센터 민원 상담 (교통, 수도, 생활 민원 등)\n"
        "• 세금 광장: 자동차세·재산세·취득세 납부 시기와 납부 방법 안내\n"
        "• 주민등록등본 등 7종 증명서 발급 안내\n"
        "• 서울 주요 관광 명소 10곳 안내\n"
        "• 시민 제안과 공감\n"
        "• 회의실·공공시설과 창업·경영 상담 예약 안내\n"
        "• 쉬운 말로 안내받기, 120 상담사 연결\n"
        "아래 버튼을 누르시거나 궁금한 점을 편하게 적어 주세요.",
        "en": "Here is what I can help with:\n"
        "• 120 Dasan Call Center questions (transport, water, everyday city services)\n"
        "• Tax Square: when and how to pay vehicle, property and acquisition tax\n"
        "• The seven administrative documents, such as a resident registration copy\n"
        "• Ten Seoul landmarks\n"
        "• Citizen proposals and empathy votes\n"
        "• Booking meeting rooms, public spaces and business consultations\n"
        "• Easy mode, and a human 120 counsellor\n"
        "Tap a button below or just type your question.",
    },
    "capabilities.easy": {
        "ko": "이런 일을 도와드려요.\n• 생활 민원 질문\n• 세금 안내\n• 증명서 안내\n"
        "• 관광지 안내\n• 상담사 연결\n버튼을 눌러 주세요.",
        "en": "I can help with:\n• City questions\n• Taxes\n• Documents\n• Places to visit\n"
        "• A counsellor\nTap a button.",
    },
    "out_of_scope": {
        "ko": "죄송합니다. 그 부분은 해치가 도와드리기 어렵습니다. 해치는 서울시 행정 서비스와 "
        "생활 민원을 안내해 드리고 있습니다. 아래에서 필요한 서비스를 골라 주세요.",
        "en": "I'm sorry, that is outside what I can help with. I guide you through Seoul's "
        "public services and everyday civic questions. Please choose a service below.",
    },
    "out_of_scope.easy": {
        "ko": "죄송해요. 그 일은 해치가 도와드리기 어려워요. 아래 버튼에서 골라 주세요.",
        "en": "Sorry, I can't help with that. Please pick a button below.",
    },
    "handoff.requested": {
        "ko": "120다산콜센터 상담사와 이야기하실 수 있도록 안내해 드리겠습니다. "
        "국번 없이 {phone}번으로 전화하시면 24시간 상담사와 통화하실 수 있습니다. "
        "통화 전에 문의하실 내용을 메모해 두시면 더 빠르게 도와드릴 수 있습니다.",
        "en": "I'll put you in touch with a 120 Dasan Call Center counsellor. Call {phone} "
        "(no area code needed) to reach a counsellor 24 hours a day. Noting your question "
        "before the call helps.",
    },
    "handoff.requested.easy": {
        "ko": "상담사와 통화하시려면 {phone}번으로 전화해 주세요. 24시간 받습니다.",
        "en": "To talk to a person, call {phone}. Open 24 hours.",
    },
    "fallback": {
        "ko": "죄송합니다. 말씀하신 내용을 정확히 이해하지 못했습니다. 다른 말로 다시 적어 "
        "주시거나, 120다산콜센터 상담사와 연결해 드릴까요?",
        "en": "I'm sorry, I'm not sure I understood. Could you put it another way, or shall I "
        "connect you with a 120 counsellor?",
    },
    "fallback.easy": {
        "ko": "죄송해요. 잘 알아듣지 못했어요. 상담사와 연결해 드릴까요?",
        "en": "Sorry, I didn't understand. Shall I connect you to a counsellor?",
    },
    "not_found": {
        "ko": "죄송합니다. 해치가 가진 안내 자료에서 정확한 답을 찾지 못했습니다. 120다산콜센터 "
        "상담사와 연결해 드릴까요?",
        "en": "I'm sorry, I couldn't find a reliable answer in my guidance. Shall I connect you "
        "with a 120 counsellor?",
    },
    "not_found.easy": {
        "ko": "죄송해요. 알맞은 답을 찾지 못했어요. 상담사와 연결해 드릴까요?",
        "en": "Sorry, I couldn't find the answer. Shall I connect you to a counsellor?",
    },
    "clarify": {
        "ko": "정확한 답을 드리기 위해 확인하겠습니다. 아래 중 찾으시는 내용이 있나요?",
        "en": "To make sure I answer the right question: is it one of these?",
    },
    "clarify.easy": {
        "ko": "이 중에 찾으시는 것이 있나요?",
        "en": "Is it one of these?",
    },
    "affirm.nothing_pending": {
        "ko": "네, 알겠습니다. 궁금하신 점을 말씀해 주세요.",
        "en": "All right. What would you like to know?",
    },
    "affirm.nothing_pending.easy": {
        "ko": "네. 무엇이 궁금하세요?",
        "en": "OK. What do you need?",
    },
    "deny": {
        "ko": "알겠습니다. 다른 궁금한 점이 있으면 편하게 말씀해 주세요.",
        "en": "All right. If there is anything else, just ask.",
    },
    "deny.easy": {
        "ko": "알겠어요. 다른 것이 궁금하면 말해 주세요.",
        "en": "OK. Ask me anything else.",
    },
    "language.changed": {
        "ko": "이제부터 한국어로 안내해 드리겠습니다.",
        "en": "I'll reply in English from now on.",
    },
    "language.changed.easy": {
        "ko": "이제 한국어로 말할게요.",
        "en": "I'll speak English now.",
    },
    "language.unsupported": {
        "ko": "죄송합니다. 지금은 한국어와 영어로 안내해 드리고 있습니다. 어느 언어로 안내해 "
        "드릴까요?",
        "en": "I'm sorry, for now I can reply in Korean and English. Which would you prefer?",
    },
    "language.unsupported.easy": {
        "ko": "지금은 한국어와 영어로만 말할 수 있어요. 어느 말이 좋으세요?",
        "en": "I can speak Korean and English. Which one do you want?",
    },
    "easy_mode.on": {
        "ko": "쉬운 말로 안내할게요. 짧게 하나씩 여쭤보고, 답변은 소리로도 들려드릴게요. "
        "원래대로 돌아가시려면 '원래대로 말해줘'라고 해 주세요. 무엇이 궁금하세요?",
        "en": "I'll keep it simple, one thing at a time, and read my answers aloud too. To go "
        "back, say “normal mode”. What do you need?",
    },
    "easy_mode.on.easy": {
        "ko": "쉬운 말로 할게요. 소리로도 들려드려요. 무엇이 궁금하세요?",
        "en": "I'll keep it simple and read it aloud. What do you need?",
    },
    "easy_mode.off": {
        "ko": "이제부터 자세한 설명으로 안내해 드리겠습니다. 다시 쉬운 말이 필요하시면 언제든 "
        "'쉽게 말해줘'라고 말씀해 주세요.",
        "en": "From now on I'll give full answers. Say “easy mode” whenever you want short, "
        "plain answers again.",
    },
    "easy_mode.off.easy": {
        "ko": "이제 자세히 말할게요.",
        "en": "I'll give full answers now.",
    },
    "answer.only_korean": {
        "ko": "",
        "en": "(This guidance is available only in Korean for now.)",
    },
    "answer.only_korean.easy": {
        "ko": "",
        "en": "(Only in Korean for now.)",
    },
    "answer.needs_review": {
        "ko": "※ 이 안내는 담당 부서에서 내용을 확인하고 있습니다. 정확한 내용은 아래 출처에서 "
        "확인해 주세요.",
        "en": "※ City staff are still checking this guidance. Please confirm the details at the "
        "source below.",
    },
    "answer.needs_review.easy": {
        "ko": "※ 아직 확인 중인 안내예요. 아래 출처에서 꼭 확인해 주세요.",
        "en": "※ This is still being checked. Please check the source below.",
    },
    "answer.source": {"ko": "출처", "en": "Source"},
    "button.counsellor": {"ko": "상담사 연결", "en": "Talk to a counsellor"},
    "button.yes_counsellor": {"ko": "네, 연결해 주세요", "en": "Yes, connect me"},
    "button.no": {"ko": "아니요", "en": "No, thanks"},
    "button.capabilities": {"ko": "처음으로", "en": "Main menu"},
    "button.tax": {"ko": "세금 납부 안내", "en": "Paying local taxes"},
    "button.documents": {"ko": "증명서 발급", "en": "Documents"},
    "button.landmarks": {"ko": "관광 명소", "en": "Landmarks"},
    "button.proposals": {"ko": "시민 제안", "en": "Citizen proposals"},
    "button.bookings": {"ko": "시설·상담 예약", "en": "Bookings"},
    "button.easy_mode": {"ko": "쉬운 말로", "en": "Easy mode"},
    # Tax Square calculators (자동차세, 재산세, 취득세): actions/tax_texts.py.
    **TAX_LINES,
    **TAX_EASY_LINES,
    **TAX_FORM_LINES,
    # Documents issued as credentials: actions/document_texts.py.
    **DOCUMENT_LINES,
}


def line(key: str, language: str, *, easy: bool = False, **values: str) -> str:
    """The catalog line for a key, in the language (Korean when missing), easy version if any."""
    lines = CATALOG.get(f"{key}.easy") if easy else None
    lines = lines or CATALOG[key]
    template = lines.get(language) or lines["ko"]
    return template.format(**values) if values else template
