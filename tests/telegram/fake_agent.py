"""A stand-in for the Rasa server's REST channel (an httpx transport, no sockets).

It answers the way Haechi's actions do: our reply schema as custom payloads, per language.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.rasa_requests import without_morphemes

MAIN_MENU = {
    "ko": [
        ("세금 납부 안내", "/tax_question"),
        ("증명서 발급", "/request_document"),
        ("관광 명소", "/landmark_info"),
        ("시민 제안", "/submit_proposal"),
        ("시설·상담 예약", "/book_room"),
        ("상담사 연결", "/human_handoff"),
    ],
    "en": [
        ("Paying local taxes", "/tax_question"),
        ("Documents", "/request_document"),
        ("Landmarks", "/landmark_info"),
        ("Citizen proposals", "/submit_proposal"),
        ("Bookings", "/book_room"),
        ("Talk to a counsellor", "/human_handoff"),
    ],
}
GREETING = {
    "ko": "안녕하세요, 서울시 상담 도우미 해치입니다. 무엇을 도와드릴까요?",
    "en": "Hello, I'm Haechi, Seoul's public service assistant. How can I help you?",
}
VEHICLE_TAX = {
    "ko": (
        "자동차세는 6월과 12월, 1년에 두 번 냅니다. 1월에 1년 치를 한꺼번에 내시면 "
        "세액의 일부를 공제받을 수 있습니다. <이택스> & 위택스에서 조회하실 수 있습니다.",
        "자동차세는 언제 내나요?",
    ),
    "en": (
        "Vehicle tax is paid twice a year, in June and December. Paying the whole year in "
        "January earns a deduction. Look it up on <ETAX> & Wetax.",
        "When is vehicle tax due?",
    ),
}
LONG_ENTRY = "tax-property-second-half-installment-payment-schedule-for-2026-owners"
LONG_PARAGRAPH = "서울시 지방세 안내입니다. " * 40  # about 600 characters


def long_text() -> str:
    return "\n\n".join(f"{index}. {LONG_PARAGRAPH.strip()}" for index in range(1, 16))


class FakeAgent:
    """Records what the gateway sends; `down` and `empty` make the next calls fail."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.down = 0
        self.empty = 0

    @property
    def texts(self) -> list[str]:
        return [str(request["message"]) for request in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = without_morphemes(json.loads(request.content))
        self.requests.append(body)
        if self.down > 0:
            self.down -= 1
            raise httpx.ConnectError("connection refused", request=request)
        if self.empty > 0:
            self.empty -= 1
            return httpx.Response(200, json=[])
        replies = self.reply(str(body["message"]), body.get("metadata") or {})
        return httpx.Response(
            200, json=[{"recipient_id": body["sender"], "custom": reply} for reply in replies]
        )

    def reply(self, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        language = "en" if metadata.get("language") == "en" or _english(text) else "ko"
        if text == "/greet":
            return [_say(GREETING[language], language, buttons=MAIN_MENU[language])]
        if text == "/tax_question":
            buttons = [
                ("자동차세는 언제 내나요?", '/faq{"entry_id": "tax-vehicle-due-dates"}'),
                ("재산세 하반기 분할 납부 일정", f'/faq{{"entry_id": "{LONG_ENTRY}"}}'),
                ("상담사 연결", "/human_handoff"),
            ]
            return [_say("정확한 답을 드리기 위해 확인하겠습니다.", "ko", buttons=buttons)]
        if "자동차세" in text or "vehicle" in text.lower() or "tax-vehicle" in text:
            answer, title = VEHICLE_TAX[language]
            card = {
                "title": title,
                "url": "https://etax.seoul.go.kr/?a=1&b=2",
                "source": "서울시 세무과" if language == "ko" else "Seoul Tax Division",
            }
            return [_say(answer, language, card=card)]
        if text == "긴 안내 부탁해요":
            return [_say(long_text(), "ko", buttons=[("처음으로", "/ask_capabilities")])]
        if text == "/human_handoff":
            return [
                _say(
                    "120다산콜센터 상담사와 이야기하실 수 있도록 안내해 드리겠습니다.",
                    "ko",
                    handoff={"state": "requested", "phone": "120"},
                )
            ]
        if text == "쉽게 말해줘":
            return [_say("쉬운 말로 안내할게요. 무엇이 궁금하세요?", "ko", easy_mode=True)]
        if text == "음성 안내":
            return [
                _say("음성으로도 안내해 드릴게요.", "ko", audio_url="https://tts.example/a.ogg"),
                _say("", "ko", audio_url="https://tts.example/b.mp3"),
            ]
        if text.startswith("/change_language"):
            chosen = json.loads(text[len("/change_language") :])["language"]
            said = (
                "I'll reply in English from now on."
                if chosen == "en"
                else "이제부터 한국어로 안내해 드리겠습니다."
            )
            return [_say(said, chosen)]
        return [
            _say(
                "죄송합니다. 말씀하신 내용을 정확히 이해하지 못했습니다.",
                language,
                buttons=[("상담사 연결", "/human_handoff")],
                handoff={"state": "offered", "phone": "120"},
            )
        ]


def _english(text: str) -> bool:
    return not text.startswith("/") and text.isascii() and len(text.split()) >= 2


def _say(
    text: str,
    language: str,
    *,
    buttons: list[tuple[str, str]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    reply: dict[str, Any] = {"text": text, "language": language, **fields}
    if buttons:
        reply["buttons"] = [{"title": title, "payload": payload} for title, payload in buttons]
    return reply
