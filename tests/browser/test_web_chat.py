"""The web chat page in Debian's headless Chromium, against the real running stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.chromium import SCREENSHOTS, launch_chromium
from tests.stack import RunningStack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


def test_korean_message_gets_a_reply_on_a_phone_screen(
    browser: Browser, stack: RunningStack
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="ko-KR")
    page.goto(stack.gateway_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    welcome_count = page.locator(".msg.msg-bot").count()

    page.fill("#chat-input", "자동차세 언제 내요?")
    page.click("#chat-send")

    expect(page.locator(".msg.msg-user").last).to_contain_text("자동차세 언제 내요?")
    reply = page.locator(".msg.msg-bot").nth(welcome_count)
    expect(reply).to_contain_text("6월", timeout=60_000)
    expect(page.locator("body")).to_have_attribute("data-state", "idle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-chat-ko.png"), full_page=True)
    page.close()


def test_language_switch_and_buttons(browser: Browser, stack: RunningStack) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(stack.gateway_url + "/")
    page.click('[data-lang="en"]')
    expect(page.locator("#chat-input")).to_have_attribute("placeholder", "Type your question")
    page.fill("#chat-input", "What can you do?")
    page.click("#chat-send")
    bot = page.locator(".msg.msg-bot")
    expect(bot.last).to_contain_text("Here is what I can help with", timeout=60_000)

    before = bot.count()
    page.locator(".msg.msg-bot").last.locator(".chip", has_text="Talk to a counsellor").click()
    expect(bot.nth(before)).to_contain_text("120", timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / "web-chat-en.png"))
    page.close()
