"""The Telegram channel's own lines (not the agent's): notices about the channel itself.

What the agent says comes from the agent; these cover what happens before or around it:
stickers, bursts, outages, commands. Korean first, English equivalent; Korean is the fallback.
"""

from __future__ import annotations

from typing import Final

from agent.settings import get_settings

CATALOG: Final[dict[str, dict[str, str]]] = {
    "unsupported.sticker": {
        "ko": "귀여운 스티커 고맙습니다. 해치는 아직 글로 된 메시지만 읽을 수 있어요. "
        "궁금하신 내용을 글로 적어 주시면 바로 안내해 드릴게요.",
        "en": "Thank you for the sticker! I can only read text for now. Please type your "
        "question and I'll help right away.",
    },
    "unsupported.photo": {
        "ko": "죄송합니다. 해치는 아직 사진이나 영상을 볼 수 없어요. 사진 속 내용을 글로 "
        "적어 주시면 안내해 드릴게요.",
        "en": "I'm sorry, I can't look at photos or videos yet. Please describe what you need "
        "in text and I'll help.",
    },
    "unsupported.voice": {
        "ko": "죄송합니다. 해치는 아직 음성 메시지를 들을 수 없어요. 글로 적어 주시거나, "
        "말로 상담하시려면 국번 없이 {phone}번으로 전화해 주세요.",
        "en": "I'm sorry, I can't listen to voice messages yet. Please type your question, or "
        "call {phone} to talk to a counsellor.",
    },
    "unsupported.file": {
        "ko": "죄송합니다. 해치는 파일을 열어 볼 수 없어요. 개인정보 보호를 위해 서류는 "
        "보내지 마시고, 궁금하신 내용을 글로 적어 주세요.",
        "en": "I'm sorry, I can't open files. To protect your personal data, please don't send "
        "documents here; just type your question.",
    },
    "unsupported.other": {
        "ko": "죄송합니다. 해치는 아직 글로 된 메시지만 이해할 수 있어요. 궁금하신 내용을 "
        "글로 적어 주세요.",
        "en": "I'm sorry, I can only understand text messages for now. Please type your question.",
    },
    "edited": {
        "ko": "메시지를 고치셨네요. 해치는 처음 보내 주신 내용으로 답변드렸어요. 고친 내용으로 "
        "다시 여쭤보시려면 새 메시지로 보내 주세요.",
        "en": "I see you edited your message. I answered the original one; to ask again, "
        "please send the corrected text as a new message.",
    },
    "rate_limited": {
        "ko": "메시지가 너무 빠르게 들어오고 있어요. 잠시 기다리셨다가 다시 보내 주세요. "
        "보내 주신 순서대로 차근차근 안내해 드릴게요.",
        "en": "Messages are coming in a little too fast. Please wait a moment and send it "
        "again; I'll take them one at a time.",
    },
    "too_long": {
        "ko": "메시지가 조금 길어요. {limit}자 이내로 나누어 보내 주시면 차례로 안내해 드릴게요.",
        "en": "That message is a bit long. Please send it in parts of up to {limit} characters "
        "and I'll go through them in turn.",
    },
    "outage": {
        "ko": "죄송합니다. 지금 상담 도우미에 잠시 연결이 되지 않습니다. 아래 '다시 시도' 버튼을 "
        "눌러 주시거나 잠시 후 다시 보내 주세요. "
        "급하신 경우 국번 없이 {phone}번으로 전화해 주세요.",
        "en": "I'm sorry, I can't reach the assistant right now. Please tap 'Try again' below "
        "or send your message again shortly. If it is urgent, call {phone}.",
    },
    "outage.resend": {
        "ko": "죄송합니다. 처음 보내 주신 메시지를 찾지 못했어요. 번거로우시겠지만 한 번 더 "
        "보내 주세요.",
        "en": "I'm sorry, I couldn't find your original message. Please send it once more.",
    },
    "audio.link": {"ko": "음성 안내 듣기", "en": "Listen to the audio"},
    "voice.on": {
        "ko": "이제부터 답변을 음성 메시지로도 보내 드릴게요. 끄시려면 /voice 를 다시 눌러 주세요.",
        "en": "From now on I'll also send each answer as a voice message. Send /voice again "
        "to turn it off.",
    },
    "voice.off": {
        "ko": "음성 메시지를 보내지 않을게요. 다시 켜시려면 /voice 를 눌러 주세요.",
        "en": "I'll stop sending voice messages. Send /voice to turn them on again.",
    },
    "button.retry": {"ko": "다시 시도", "en": "Try again"},
    "unknown_command": {
        "ko": "알 수 없는 명령어예요. 이렇게 쓰실 수 있어요.\n{commands}\n"
        "또는 궁금하신 내용을 편하게 적어 주세요.",
        "en": "I don't know that command. You can use:\n{commands}\nOr just type your question.",
    },
    "choose_language": {
        "ko": "어느 언어로 안내해 드릴까요?",
        "en": "Which language would you like?",
    },
    "choose": {
        "ko": "아래에서 골라 주세요.",
        "en": "Please choose below.",
    },
    "card.source": {"ko": "출처", "en": "Source"},
    "card.needs_review": {
        "ko": "※ 담당 부서에서 확인 중인 안내입니다.",
        "en": "※ City staff are still checking this guidance.",
    },
    "handoff.offered": {
        "ko": "☎ 상담사 연결을 원하시면 {phone}번으로 전화해 주세요.",
        "en": "☎ For a counsellor, call {phone}.",
    },
    "handoff.requested": {
        "ko": "☎ 상담사 연결 요청됨 · {phone}",
        "en": "☎ Counsellor requested · {phone}",
    },
    "handoff.connected": {
        "ko": "☎ 상담사와 연결되었습니다.",
        "en": "☎ You are connected with a counsellor.",
    },
    "handoff.queued": {
        "ko": "⏳ 상담사 연결 대기 {position}번째",
        "en": "⏳ Waiting for a counsellor · number {position}",
    },
    "handoff.closed": {"ko": "☎ 상담이 끝났습니다.", "en": "☎ Counselling has ended."},
    "handoff.left": {"ko": "☎ 대기를 취소했습니다.", "en": "☎ You left the queue."},
    "handoff.leave_message": {"ko": "✉ 메시지 남기기", "en": "✉ Leave a message"},
    "handoff.message_left": {"ko": "✉ 메시지 접수됨", "en": "✉ Message taken"},
    "chosen": {"ko": "선택", "en": "Chosen"},
}

# Bot commands shown in Telegram's menu, per language: (command, description).
COMMANDS: Final[dict[str, list[tuple[str, str]]]] = {
    "ko": [
        ("start", "처음으로: 해치 인사와 주요 서비스"),
        ("help", "해치가 도와드릴 수 있는 일"),
        ("lang", "안내 언어 바꾸기 (예: /lang en)"),
        ("easy", "쉬운 말로 안내받기"),
        ("voice", "음성으로 듣기 켜기·끄기"),
        ("counsellor", "120 상담사 연결"),
        ("documents", "증명서 발급과 전자지갑"),
    ],
    "en": [
        ("start", "Start: greeting and main services"),
        ("help", "What Haechi can help with"),
        ("lang", "Change the language (e.g. /lang ko)"),
        ("easy", "Easy mode: short, plain answers"),
        ("voice", "Spoken answers on or off"),
        ("counsellor", "Talk to a 120 counsellor"),
        ("documents", "Administrative documents and wallet"),
    ],
}


def line(key: str, language: str | None, **values: str) -> str:
    """The line for a key in the language (Korean when missing), with values filled in."""
    lines = CATALOG[key]
    template = lines.get(language or "ko") or lines["ko"]
    if "{phone}" in template:
        values.setdefault("phone", get_settings().counsellor_phone)
    return template.format(**values) if values else template


def command_list(language: str | None) -> str:
    commands = COMMANDS.get(language or "ko") or COMMANDS["ko"]
    return "\n".join(f"/{name} — {description}" for name, description in commands)
