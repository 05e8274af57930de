"""A citizen in the web chat and a counsellor in the console, two Chromium pages talking to
each other through the real stack: queue, accept, typing, relay both ways, a knowledge-base
quick reply, close, and the one-tap rating."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.chromium import SCREENSHOTS, launch_chromium
from tests.browser.test_staff_console import add_staff, log_in, new_page
from tests.stack import RunningStack

pytestmark = pytest.mark.browser
COUNSELLOR = "jung@seoul.go.kr"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


def test_a_citizen_and_a_counsellor_talk_in_two_pages(
    browser: Browser, stack: RunningStack
) -> None:
    add_staff(stack, COUNSELLOR, "counsellor")
    citizen = new_page(browser, 390, 844)
    citizen.goto(stack.gateway_url + "/")
    citizen.fill("#chat-input", "상담사 연결해 주세요")
    citizen.click("#chat-send")
    bot = citizen.locator(".msg.msg-bot")
    expect(bot.last).to_contain_text("번째", timeout=60_000)
    expect(bot.last.locator(".handoff-position")).to_be_visible()
    session_id = citizen.evaluate("localStorage.getItem('haechi.session_id')")
    conversation = f"web:{session_id}"

    counsellor = new_page(browser, 1280, 800)
    log_in(counsellor, stack, COUNSELLOR)
    counsellor.goto(stack.gateway_url + "/staff/counsel")
    expect(counsellor.locator("[data-status]")).to_contain_text("jung")
    counsellor.locator(f'[data-accept="{conversation}"]').click()
    expect(counsellor.locator("[data-chat]")).to_be_visible()

    expect(bot.last).to_contain_text("jung 상담사가 연결되었습니다", timeout=30_000)
    citizen.fill("#chat-input", "자동차세 연납은 언제 신청해요?")
    citizen.click("#chat-send")
    log = counsellor.locator("[data-log]")
    expect(log.locator('[data-author="citizen"]').last).to_contain_text(
        "연납은 언제", timeout=30_000
    )

    counsellor.fill("[data-text]", "")
    counsellor.type("[data-text]", "확인해 드릴게요")
    expect(citizen.locator("#counsellor-typing")).to_be_visible(timeout=30_000)
    counsellor.press("[data-text]", "Enter")
    said = citizen.locator(".msg-counsellor").last
    expect(said).to_contain_text("확인해 드릴게요", timeout=30_000)
    expect(said.locator(".msg-author")).to_contain_text("상담사 jung")

    # A quick reply from the knowledge base, inserted and sent.
    counsellor.locator("[data-chat] details summary").click()
    counsellor.fill("[data-reply-q]", "자동차세 연납")
    counsellor.locator("[data-reply-search] button").click()
    counsellor.locator("[data-insert]").first.click(timeout=120_000)
    inserted = counsellor.input_value("[data-text]")
    assert "확인해 드릴게요" not in inserted and len(inserted) > 20
    counsellor.locator("[data-composer] button").click()
    expect(citizen.locator(".msg-counsellor")).to_have_count(2, timeout=30_000)

    counsellor.select_option("[data-category]", "tax")
    counsellor.fill("[data-note]", "연납 안내")
    counsellor.locator("[data-close] button").click()
    expect(bot.last).to_contain_text("만족", timeout=30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    citizen.screenshot(path=str(SCREENSHOTS / "counsel-citizen.png"), full_page=True)
    counsellor.screenshot(path=str(SCREENSHOTS / "counsel-console.png"), full_page=True)
    bot.last.locator(".chip", has_text="만족해요").click()
    expect(bot.last).to_contain_text("감사", timeout=30_000)
    citizen.close()
    counsellor.close()
