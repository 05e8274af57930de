"""The real Application by long polling against the fake Bot API, with the agent stand-in."""

from __future__ import annotations

import json
from typing import Any

from bot.telegram.guards import RateLimiter
from bot.telegram.render import MAX_MESSAGE_LENGTH, RETRY, units
from tests.telegram.conftest import RunBot
from tests.telegram.fake_agent import LONG_ENTRY, FakeAgent, long_text
from tests.telegram.fake_bot_api import Call, FakeBotApi, callback_query, message

CHAT = 424242


def keyboard_of(call: Call) -> list[list[dict[str, Any]]]:
    markup = call.params.get("reply_markup") or {}
    rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard", [])
    return rows


def sent_to(bot_api: FakeBotApi, chat_id: int = CHAT) -> list[Call]:
    return [c for c in bot_api.calls_of("sendMessage") if int(c.params["chat_id"]) == chat_id]


def wait_for_messages(bot_api: FakeBotApi, count: int, chat_id: int = CHAT) -> list[Call]:
    bot_api.wait_for(lambda: len(sent_to(bot_api, chat_id)) >= count)
    return sent_to(bot_api, chat_id)


def push_text(
    bot_api: FakeBotApi, message_id: int, text: str, *, language_code: str | None = "ko"
) -> dict[str, Any]:
    update = {
        "update_id": bot_api.next_update_id(),
        "message": message(message_id, CHAT, language_code=language_code, text=text),
    }
    bot_api.push(update)
    return update


def press(bot_api: FakeBotApi, sent: Call, data: str, *, language_code: str = "ko") -> None:
    """Press a button of a message the bot sent, as Telegram delivers it."""
    assert sent.message_id is not None
    stored = bot_api.messages[(CHAT, sent.message_id)]
    query_id = f"q{bot_api.next_update_id()}"
    bot_api.push(
        {
            "update_id": bot_api.next_update_id(),
            "callback_query": callback_query(query_id, stored, data, language_code=language_code),
        }
    )


def test_korean_conversation(run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent) -> None:
    def steps() -> None:
        push_text(bot_api, 1, "/start")
        greeting = wait_for_messages(bot_api, 1)[0]
        assert greeting.params["text"].startswith("안녕하세요, 서울시 상담 도우미 해치입니다.")
        rows = keyboard_of(greeting)
        assert [len(row) for row in rows] == [2, 2, 2]
        assert rows[0][0] == {"text": "세금 납부 안내", "callback_data": "/tax_question"}

        push_text(bot_api, 2, "자동차세 언제 내요?")
        answer = wait_for_messages(bot_api, 2)[1]
        html = answer.params["text"]
        assert answer.params["parse_mode"] == "HTML"
        assert html.startswith("<b>자동차세는 언제 내나요?</b>\n\n자동차세는 6월과 12월")
        assert "&lt;이택스&gt; &amp; 위택스" in html
        assert '출처: <a href="https://etax.seoul.go.kr/?a=1&amp;b=2">서울시 세무과</a>' in html

    run_bot(steps)
    first, second = agent.requests
    assert first == {
        "sender": f"telegram:{CHAT}",
        "message": "/greet",
        "metadata": {"channel": "telegram", "language": "ko"},
    }
    # After /start the text decides the language, then the agent's tracker: no hint is sent.
    assert second["metadata"] == {"channel": "telegram"}
    assert second["sender"] == f"telegram:{CHAT}"
    # Polling removes any webhook first, registers the menu and shows "typing…".
    assert bot_api.calls_of("deleteWebhook")
    assert {c.params.get("language_code") for c in bot_api.calls_of("setMyCommands")} == {
        None,
        "en",
    }
    assert bot_api.calls_of("sendChatAction")[0].params["action"] == "typing"


def test_english_conversation(run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent) -> None:
    def steps() -> None:
        push_text(bot_api, 1, "/start", language_code="en-US")
        greeting = wait_for_messages(bot_api, 1)[0]
        assert greeting.params["text"].startswith("Hello, I'm Haechi")
        assert [len(row) for row in keyboard_of(greeting)] == [1] * 6

        push_text(bot_api, 2, "When is vehicle tax due?", language_code="en-US")
        answer = wait_for_messages(bot_api, 2)[1].params["text"]
        assert answer.startswith("<b>When is vehicle tax due?</b>")
        assert "&lt;ETAX&gt; &amp; Wetax" in answer
        assert "Source: <a href=" in answer

        push_text(bot_api, 3, "/lang", language_code="en-US")
        choice = wait_for_messages(bot_api, 3)[2]
        assert choice.params["text"] == "Which language would you like?"
        press(bot_api, choice, '/change_language{"language":"ko"}', language_code="en-US")
        wait_for_messages(bot_api, 4)

        push_text(bot_api, 4, "/lang en", language_code="en-US")
        wait_for_messages(bot_api, 5)

    run_bot(steps)
    assert agent.requests[0]["metadata"] == {"channel": "telegram", "language": "en"}
    assert agent.texts[1:] == [
        "When is vehicle tax due?",
        '/change_language{"language":"ko"}',
        '/change_language{"language":"en"}',
    ]
    assert sent_to(bot_api)[3].params["text"] == "이제부터 한국어로 안내해 드리겠습니다."
    assert sent_to(bot_api)[4].params["text"] == "I'll reply in English from now on."


def test_button_press(run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent) -> None:
    def steps() -> None:
        push_text(bot_api, 1, "/start")
        greeting = wait_for_messages(bot_api, 1)[0]
        press(bot_api, greeting, "/tax_question")
        clarify = wait_for_messages(bot_api, 2)[1]
        keys = [row[0] for row in keyboard_of(clarify)]
        # A payload that fits in 64 bytes goes as it is (compacted); a longer one by position.
        assert keys[0]["callback_data"] == '/faq{"entry_id":"tax-vehicle-due-dates"}'
        assert keys[1]["callback_data"] == "haechi:button:1"
        assert keys[2]["callback_data"] == "/human_handoff"

        press(bot_api, clarify, "haechi:button:1")
        wait_for_messages(bot_api, 3)

    run_bot(steps)
    assert agent.texts == [
        "/greet",
        "/tax_question",
        "재산세 하반기 분할 납부 일정",  # the title of the too-long button goes through NLU
    ]
    assert LONG_ENTRY not in json.dumps([c.params for c in bot_api.calls])
    answered = bot_api.calls_of("answerCallbackQuery")
    assert len(answered) == 2
    assert all(call.params["callback_query_id"].startswith("q") for call in answered)
    # The pressed message shows the choice and loses its buttons.
    edits = bot_api.calls_of("editMessageText")
    assert edits[0].params["text"].endswith("\n\n▶ 세금 납부 안내")
    assert "reply_markup" not in edits[0].params


def test_a_long_reply_is_split_in_parts(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    def steps() -> None:
        push_text(bot_api, 1, "긴 안내 부탁해요")
        bot_api.wait_for(lambda: any(keyboard_of(c) for c in sent_to(bot_api)))

    run_bot(steps)
    parts = sent_to(bot_api)
    assert len(parts) == 3
    assert all(units(part.params["text"]) <= MAX_MESSAGE_LENGTH for part in parts)
    assert [bool(keyboard_of(part)) for part in parts] == [False, False, True]
    # Split at paragraph breaks, nothing lost or repeated.
    assert "\n\n".join(part.params["text"] for part in parts) == long_text()


def test_stickers_photos_voice_and_files_get_a_helpful_reply(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    sticker = {
        "file_id": "s1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]
    voice = {"file_id": "v1", "file_unique_id": "v1", "duration": 2}
    document = {"file_id": "d1", "file_unique_id": "d1", "file_name": "등본.pdf"}

    def steps() -> None:
        for message_id, content in enumerate(
            [{"sticker": sticker}, {"photo": photo}, {"voice": voice}, {"document": document}],
            start=1,
        ):
            bot_api.push(
                {
                    "update_id": bot_api.next_update_id(),
                    "message": message(message_id, CHAT, **content),
                }
            )
        wait_for_messages(bot_api, 4)

    run_bot(steps)
    texts = [call.params["text"] for call in sent_to(bot_api)]
    assert texts[0].startswith("귀여운 스티커 고맙습니다.")
    assert "사진이나 영상" in texts[1]
    assert "음성 메시지" in texts[2] and "120" in texts[2]
    assert "파일" in texts[3]
    assert agent.requests == []


def test_duplicate_updates_and_edits_are_handled_once(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    def steps() -> None:
        update = push_text(bot_api, 1, "자동차세 언제 내요?")
        wait_for_messages(bot_api, 1)
        bot_api.push(update, again=True)  # Telegram delivers the same update_id again
        original = update["message"]
        for new_text in ("자동차세 언제 내나요?", "자동차세는 언제 내나요?"):
            edited = {**original, "text": new_text, "edit_date": original["date"] + 5}
            bot_api.push({"update_id": bot_api.next_update_id(), "edited_message": edited})
        push_text(bot_api, 2, "/help")
        wait_for_messages(bot_api, 3)

    run_bot(steps)
    assert agent.texts == ["자동차세 언제 내요?", "/ask_capabilities"]
    texts = [call.params["text"] for call in sent_to(bot_api)]
    assert sum("메시지를 고치셨네요" in text for text in texts) == 1
    assert len(texts) == 3


def test_a_burst_is_rate_limited_with_one_polite_reply(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    def steps() -> None:
        for message_id in range(1, 8):
            push_text(bot_api, message_id, f"자동차세 질문 {message_id}번입니다")
        bot_api.wait_for(lambda: len(agent.requests) == 3 and len(sent_to(bot_api)) == 4)
        bot_api.wait_for(bot_api.drained)

    run_bot(steps, rate_limiter=RateLimiter(max_events=3, window_seconds=60))
    assert len(agent.requests) == 3
    notices = [c for c in sent_to(bot_api) if "너무 빠르게" in c.params["text"]]
    assert len(notices) == 1


def test_an_agent_outage_gets_an_apology_and_a_retry(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    agent.down = 2  # the first try and the automatic retry both fail

    def steps() -> None:
        push_text(bot_api, 1, "자동차세 언제 내요?")
        apology = wait_for_messages(bot_api, 1)[0]
        assert apology.params["text"].startswith("죄송합니다. 지금 상담 도우미에")
        assert apology.params["reply_parameters"]["message_id"] == 1
        assert keyboard_of(apology) == [[{"text": "다시 시도", "callback_data": RETRY}]]
        # The agent is back; the citizen taps "다시 시도".
        press(bot_api, apology, RETRY)
        answer = wait_for_messages(bot_api, 2)[1]
        assert answer.params["text"].startswith("<b>자동차세는 언제 내나요?</b>")

        agent.empty = 2  # the action server is down: Rasa answers with nothing
        push_text(bot_api, 2, "자동차세 언제 내요?")
        assert "120" in wait_for_messages(bot_api, 3)[2].params["text"]

    run_bot(steps)
    assert agent.texts == ["자동차세 언제 내요?"] * 5
    removed = bot_api.calls_of("editMessageReplyMarkup")
    assert len(removed) == 1 and "reply_markup" not in removed[0].params


def test_commands_handoff_and_audio(run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent) -> None:
    def steps() -> None:
        for message_id, text in enumerate(
            ["/easy", "/counsellor", "/documents", "/weather", "음성 안내"], start=1
        ):
            push_text(bot_api, message_id, text)
        bot_api.wait_for(lambda: len(bot_api.calls_of("sendVoice", "sendAudio")) == 2)

    run_bot(steps)
    assert agent.texts == ["/easy_mode", "/human_handoff", "/request_document", "음성 안내"]
    texts = [call.params["text"] for call in sent_to(bot_api)]
    assert any(text.endswith("<i>☎ 상담사 연결 요청됨 · 120</i>") for text in texts)
    assert any(
        text.startswith("알 수 없는 명령어예요.") and "/counsellor" in text for text in texts
    )
    assert bot_api.calls_of("sendVoice")[0].params["voice"] == "https://tts.example/a.ogg"
    assert bot_api.calls_of("sendAudio")[0].params["audio"] == "https://tts.example/b.mp3"


def test_a_message_over_the_limit_is_refused_politely(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    def steps() -> None:
        push_text(bot_api, 1, "가" * 2001)
        wait_for_messages(bot_api, 1)

    run_bot(steps)
    assert "2000자 이내" in sent_to(bot_api)[0].params["text"]
    assert agent.requests == []


def test_a_restarted_bot_continues_the_same_conversation(
    run_bot: RunBot, bot_api: FakeBotApi, agent: FakeAgent
) -> None:
    """Nothing lives in the bot's memory: a new process talks to the same agent conversation."""

    def first_process() -> None:
        push_text(bot_api, 1, "/start")
        wait_for_messages(bot_api, 1)

    def second_process() -> None:
        push_text(bot_api, 2, "자동차세 언제 내요?")
        wait_for_messages(bot_api, 2)

    run_bot(first_process)
    run_bot(second_process)
    assert [request["sender"] for request in agent.requests] == [f"telegram:{CHAT}"] * 2
