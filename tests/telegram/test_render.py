"""Rendering the reply schema for Telegram, and the small guards: pure functions, no network."""

from __future__ import annotations

from agent.reply import Button, Card, Handoff, ReplyMessage
from bot.telegram.guards import RateLimiter, RecentKeys, Verdict
from bot.telegram.render import (
    AudioPart,
    TextPart,
    callback_data_for,
    compact_payload,
    keyboard,
    render,
    split_plain,
    units,
)


def texts(message: ReplyMessage, limit: int = 4096) -> list[str]:
    return [part.html for part in render(message, limit=limit) if isinstance(part, TextPart)]


def test_text_is_escaped_for_telegram_html() -> None:
    message = ReplyMessage(text="<script>alert(1)</script> & \"따옴표\" 'ok'", language="ko")
    assert texts(message) == ["&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"따옴표\" 'ok'"]


def test_split_prefers_paragraphs_then_lines_then_spaces_and_loses_nothing() -> None:
    text = "가나다 라마바.\n\n사아자 차카타 파하.\n둘째 줄입니다 그리고 셋째"
    assert split_plain(text, limit=14) == [
        "가나다 라마바.",
        "사아자 차카타 파하.",
        "둘째 줄입니다 그리고 셋째",
    ]
    # A break in the first half of the window would make tiny parts: a later space wins.
    chunks = split_plain(text, limit=20)
    assert all(units(chunk) <= 20 for chunk in chunks)
    assert chunks[0] == "가나다 라마바.\n\n사아자 차카타"
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())


def test_split_counts_utf16_units_like_telegram_and_cuts_unbroken_text() -> None:
    emoji = "😀" * 10  # 20 UTF-16 units
    chunks = split_plain(emoji, limit=7)
    assert chunks == ["😀😀😀", "😀😀😀", "😀😀😀", "😀"]
    assert split_plain("가" * 10, limit=4) == ["가가가가", "가가가가", "가가"]


def test_escaping_never_breaks_across_parts() -> None:
    message = ReplyMessage(text="a<b " * 30, language="en")
    parts = texts(message, limit=25)
    assert len(parts) > 1
    for part in parts:
        assert "&lt;" in part
        assert part.count("&") == part.count("&lt;")


def test_card_renders_title_body_link_and_review_note() -> None:
    card = Card(
        title="재산세 <납부> 안내",
        body="7월과 9월에 냅니다.",
        url='https://etax.seoul.go.kr/a?x=1&y="2"',
        source="서울시 세무과",
        needs_review=True,
    )
    [html] = texts(ReplyMessage(text="재산세는 1년에 두 번 냅니다.", card=card, language="ko"))
    assert html == (
        "<b>재산세 &lt;납부&gt; 안내</b>\n\n재산세는 1년에 두 번 냅니다.\n\n7월과 9월에 냅니다.\n\n"
        "<i>※ 담당 부서에서 확인 중인 안내입니다.</i>\n\n"
        '출처: <a href="https://etax.seoul.go.kr/a?x=1&amp;y=&quot;2&quot;">서울시 세무과</a>'
    )


def test_a_card_link_that_is_not_a_web_address_is_not_a_link() -> None:
    card = Card(title="Guide", url="javascript:alert(1)", source="Seoul")
    [html] = texts(ReplyMessage(text="", card=card, language="en"))
    assert "<a" not in html
    assert html.endswith("Source: Seoul")


def test_handoff_state_is_shown_in_the_language_of_the_message() -> None:
    for state, expected in [
        ("offered", "<i>☎ For a counsellor, call 120.</i>"),
        ("requested", "<i>☎ Counsellor requested · 120</i>"),
        ("connected", "<i>☎ You are connected with a counsellor.</i>"),
    ]:
        handoff = Handoff(state=state, phone="120")  # type: ignore[arg-type]
        [html] = texts(ReplyMessage(text="OK.", handoff=handoff, language="en"))
        assert html == f"OK.\n\n{expected}"


def test_buttons_only_get_a_prompt_and_the_keyboard_goes_on_the_last_part() -> None:
    buttons = [Button(title="예", payload="/affirm"), Button(title="아니요", payload="/deny")]
    [part] = render(ReplyMessage(buttons=buttons, language="ko"))
    assert isinstance(part, TextPart)
    assert part.html == "아래에서 골라 주세요."
    assert part.keyboard is not None
    long_parts = render(ReplyMessage(text="가 " * 50, buttons=buttons), limit=30)
    assert [isinstance(p, TextPart) and p.keyboard is not None for p in long_parts][-1]
    assert not any(isinstance(p, TextPart) and p.keyboard for p in long_parts[:-1])


def test_callback_data_fits_in_64_bytes() -> None:
    short = Button(title="자동차세", payload='/faq{"entry_id": "tax-vehicle-due-dates"}')
    long = Button(title="재산세", payload='/faq{"entry_id": "' + "x" * 60 + '"}')
    korean = Button(title="한글", payload="/" + "가" * 30)  # 91 bytes in UTF-8
    sneaky = Button(title="가짜", payload="haechi:retry")
    assert callback_data_for(short, 0) == '/faq{"entry_id":"tax-vehicle-due-dates"}'
    assert callback_data_for(long, 3) == "haechi:button:3"
    assert callback_data_for(korean, 4) == "haechi:button:4"
    assert callback_data_for(sneaky, 5) == "haechi:button:5"
    assert compact_payload("/greet") == "/greet"
    assert compact_payload("/faq{not json}") == "/faq{not json}"


def test_keyboard_layout_and_link_buttons() -> None:
    short = [Button(title=f"메뉴{i}", payload=f"/m{i}") for i in range(5)]
    assert [len(row) for row in keyboard(short).inline_keyboard] == [2, 2, 1]
    mixed = [
        Button(title="Talk to a counsellor", payload="/human_handoff"),
        Button(title="Open the wallet", payload="https://wallet.seoul.go.kr/d/123"),
    ]
    rows = keyboard(mixed).inline_keyboard
    assert [len(row) for row in rows] == [1, 1]
    assert rows[1][0].url == "https://wallet.seoul.go.kr/d/123"
    assert rows[1][0].callback_data is None


def test_audio_becomes_voice_or_audio_and_relative_urls_are_skipped() -> None:
    voice = render(ReplyMessage(text="", audio_url="https://tts.example/x.OGG"))
    audio = render(ReplyMessage(text="", audio_url="https://tts.example/x.mp3?v=1"))
    relative = render(ReplyMessage(text="", audio_url="/static/x.mp3"))
    assert voice == [AudioPart(url="https://tts.example/x.OGG", voice=True)]
    assert audio == [AudioPart(url="https://tts.example/x.mp3?v=1", voice=False)]
    assert relative == []


def test_rate_limiter_notifies_once_per_burst_and_the_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(max_events=2, window_seconds=10, clock=lambda: now[0])
    verdicts = [limiter.check(1) for _ in range(4)]
    assert verdicts == [Verdict.ALLOWED, Verdict.ALLOWED, Verdict.NOTIFY, Verdict.SILENT]
    assert limiter.check(2) is Verdict.ALLOWED  # per user
    now[0] = 10.0
    assert limiter.check(1) is Verdict.ALLOWED
    assert limiter.check(1) is Verdict.ALLOWED
    assert limiter.check(1) is Verdict.NOTIFY


def test_recent_keys_forget_the_oldest() -> None:
    keys = RecentKeys(capacity=2)
    assert keys.add(1) and keys.add(2)
    assert not keys.add(1)
    assert keys.add(3)  # forgets 2, the least recently seen
    assert keys.add(2)
