"""What the counsellor hand-off says to citizens, on every channel: Korean first, English, and
an easy-mode version of each line (short sentences, everyday words, one question at most)."""

from __future__ import annotations

from typing import Final

COUNSEL_LINES: Final[dict[str, dict[str, str]]] = {
    "counsel.queued": {
        "ko": "120다산콜센터 상담사 연결을 요청했습니다. 지금 대기 순서는 {position}번째이고, "
        "예상 대기 시간은 {wait}입니다. 기다리시는 동안에도 해치에게 질문하실 수 있으며, "
        "상담사가 연결되면 이 대화창에서 바로 알려 드리겠습니다.",
        "en": "I've asked for a 120 Dasan Call Center counsellor. You are number {position} in "
        "the queue; the expected wait is {wait}. You can keep asking me while you wait, and "
        "I'll tell you right here when a counsellor joins.",
    },
    "counsel.queued.easy": {
        "ko": "상담사를 불렀어요. 지금 {position}번째예요. {wait} 기다려 주세요.",
        "en": "I called a counsellor. You are number {position}. Please wait {wait}.",
    },
    "counsel.moved": {
        "ko": "대기 순서가 {position}번째로 당겨졌습니다. 예상 대기 시간은 {wait}입니다.",
        "en": "You are now number {position} in the queue. The expected wait is {wait}.",
    },
    "counsel.moved.easy": {
        "ko": "이제 {position}번째예요. {wait} 남았어요.",
        "en": "You are now number {position}. About {wait} left.",
    },
    "counsel.connected": {
        "ko": "{name} 상담사가 연결되었습니다. 지금부터 상담사와 직접 대화하실 수 있습니다. "
        "이전 대화 내용은 상담사가 함께 보고 있으니 처음부터 다시 말씀하지 않으셔도 됩니다.",
        "en": "Counsellor {name} has joined. You are now talking with a person, who can see "
        "our conversation so far, so there is no need to start over.",
    },
    "counsel.connected.easy": {
        "ko": "{name} 상담사가 왔어요. 이제 상담사와 이야기하세요.",
        "en": "Counsellor {name} is here. You can talk now.",
    },
    "counsel.left": {
        "ko": "상담사 연결 대기를 취소했습니다. 궁금하신 점은 언제든 해치에게 물어봐 주세요.",
        "en": "You have left the counsellor queue. Ask me anything whenever you like.",
    },
    "counsel.left.easy": {
        "ko": "대기를 취소했어요. 해치에게 물어보세요.",
        "en": "You left the queue. Ask me anything.",
    },
    "counsel.leave_message": {
        "ko": "지금은 채팅 상담 시간({hours})이 아닙니다. 남기실 말씀을 한 번에 적어 보내 "
        "주시면, 상담 시간에 상담사가 이 대화로 답변드리겠습니다. 급한 일은 국번 없이 "
        "{phone}번으로 전화해 주세요.",
        "en": "Chat counsellors are available {hours}. Write your message in one go and a "
        "counsellor will answer you here during those hours. If it is urgent, call {phone}.",
    },
    "counsel.leave_message.easy": {
        "ko": "지금은 상담 시간이 아니에요. 남길 말을 적어 주세요. 나중에 답해 드려요.",
        "en": "Counsellors are away now. Write your message. We will answer later.",
    },
    "counsel.message_left": {
        "ko": "남겨 주신 말씀을 접수했습니다. 상담 시간에 상담사가 이 대화로 답변드리겠습니다. "
        "그동안 궁금하신 점은 해치에게 물어봐 주세요.",
        "en": "Your message has been taken. A counsellor will answer you here during "
        "counselling hours. Meanwhile, ask me anything.",
    },
    "counsel.message_left.easy": {
        "ko": "말씀을 받았어요. 상담사가 여기로 답해 드려요.",
        "en": "Got your message. A counsellor will answer here.",
    },
    "counsel.closed": {
        "ko": "상담사와의 상담이 끝났습니다. 이용해 주셔서 감사합니다. 지금부터는 다시 해치가 "
        "안내해 드리겠습니다. 오늘 상담은 만족스러우셨나요?",
        "en": "Your conversation with the counsellor has ended. Thank you. I'm back to help "
        "from here. Were you satisfied with the counselling today?",
    },
    "counsel.closed.easy": {
        "ko": "상담이 끝났어요. 감사합니다. 상담은 좋았나요?",
        "en": "The talk has ended. Thank you. Was it helpful?",
    },
    "counsel.rated": {
        "ko": "소중한 의견 감사합니다. 더 도와드릴 일이 있으면 말씀해 주세요.",
        "en": "Thank you for telling us. Let me know if there is anything else.",
    },
    "counsel.rated.easy": {
        "ko": "고마워요. 더 물어보셔도 돼요.",
        "en": "Thank you. Ask me anything else.",
    },
    "button.counsel.leave": {"ko": "대기 취소", "en": "Leave the queue"},
    "button.counsel.rating.5": {"ko": "😊 만족해요", "en": "😊 Satisfied"},
    "button.counsel.rating.3": {"ko": "😐 보통이에요", "en": "😐 It was OK"},
    "button.counsel.rating.1": {"ko": "🙁 아쉬워요", "en": "🙁 Not satisfied"},
    "counsel.minutes": {"ko": "약 {minutes}분", "en": "about {minutes} min"},
}


def counsel_line(key: str, language: str, *, easy: bool = False, **values: object) -> str:
    """The line in the language (Korean when missing), its easy version in easy mode."""
    lines = COUNSEL_LINES.get(f"{key}.easy") if easy else None
    lines = lines or COUNSEL_LINES[key]
    template = lines.get(language) or lines["ko"]
    return template.format(**values) if values else template


def wait_words(seconds: int, language: str) -> str:
    """An expected wait as people say it: "약 3분" / "about 3 min" (at least one minute)."""
    minutes = max(1, round(seconds / 60))
    return counsel_line("counsel.minutes", language, minutes=minutes)
