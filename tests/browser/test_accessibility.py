"""Every page the project serves, checked by axe-core (KWCAG 2.2 / WCAG 2.x) in headless
Chromium against the real running stack, and the web chat used by keyboard alone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.chromium import launch_chromium
from tests.browser.test_world import WORLD_ARGS
from tests.stack import RunningStack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(stack: RunningStack) -> Iterator[Browser]:
    # The first answers of a fresh stack (search index, first clip) can take longer than the
    # page's own 20-second wait on a busy machine: ask them once before the pages do.
    for text, metadata in [("자동차세 언제 내요?", {}), ("뭐 할 수 있어요?", {"easy_mode": True})]:
        body = {"session_id": uuid.uuid4().hex, "text": text, "metadata": metadata}
        response = httpx.post(f"{stack.gateway_url}/api/v1/chat", json=body, timeout=180)
        assert response.status_code == 200, response.text
    with launch_chromium(WORLD_ARGS) as launched:
        yield launched


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_web_chat_passes_axe_plain_and_in_easy_mode(browser: Browser, stack: RunningStack) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="ko-KR")
    page.goto(stack.gateway_url + "/")
    expect(page.locator(".msg-welcome")).to_be_visible()
    assert_accessible(page, "the web chat")

    page.fill("#chat-input", "자동차세 언제 내요?")
    page.click("#chat-send")
    expect(page.locator(".msg.msg-bot").nth(1)).to_contain_text("6월", timeout=60_000)
    assert_accessible(page, "the web chat with an answer card")

    page.click("#easy-toggle")
    expect(page.locator("body")).to_have_class("easy")
    assert_accessible(page, "the web chat in easy mode")
    page.close()


def test_world_client_passes_axe_and_works_by_keyboard(
    browser: Browser, stack: RunningStack
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    page.goto(stack.gateway_url + "/world")
    expect(page.locator("body")).to_have_attribute("data-state", "ready", timeout=30_000)
    page.locator('#rooms button[data-room="tax_square"]').click()
    expect(page.locator('.npc-tag[data-npc="tax_officer"]')).to_be_visible()
    assert_accessible(page, "the 3D world")
    page.click("#easy-toggle")
    expect(page.locator("body")).to_have_class("easy")

    # By keyboard: Tab to the guide's name tag, Enter walks up, then ask in the chat panel.
    tab_to(page, '.npc-tag[data-npc="tax_officer"]')
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-near", "tax_officer", timeout=15_000)
    tab_to(page, "#chat-input")
    page.keyboard.type("자동차세 언제 내요?")
    page.keyboard.press("Enter")
    answer = page.locator("#chat-log .npc").last
    expect(answer).to_contain_text("6월", timeout=60_000)
    # Easy mode: the guide's answer is spoken (Opus, with the WAV copy).
    expect(answer.locator("audio source")).to_have_count(2)
    assert_accessible(page, "the 3D world in easy mode")
    page.close()


def test_web_chat_by_keyboard_alone_in_easy_mode_with_voice(
    browser: Browser, stack: RunningStack
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="ko-KR")
    page.goto(stack.gateway_url + "/")
    log = page.locator("#chat-log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")

    # Easy mode from the header, by keyboard: bigger text, and voice follows it.
    tab_to(page, "#easy-toggle")
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_class("easy")
    expect(page.locator("#voice-toggle")).to_have_attribute("aria-pressed", "true")
    font = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 20

    tab_to(page, "#chat-input")
    page.keyboard.type("뭐 할 수 있어요?")
    page.keyboard.press("Enter")
    reply = page.locator(".msg.msg-bot").nth(1)
    expect(reply).to_contain_text("도와드려요", timeout=60_000)  # the easy capabilities line
    # Spoken: an Opus player with the WAV copy, both served by the gateway.
    sources = reply.locator("audio source")
    expect(sources).to_have_count(2)
    ogg = sources.first.get_attribute("src") or ""
    served = page.request.get(ogg)
    assert served.ok and served.headers["content-type"] == "audio/ogg"
    # After the reply the focus is back in the box, ready for the next question.
    expect(page.locator("#chat-input")).to_be_focused()

    # A reply's button, reached and pressed by keyboard.
    tab_to(page, ".msg-bot:last-child .chip")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.msg-bot").nth(2)).to_be_visible(timeout=60_000)
    assert_accessible(page, "the web chat after keyboard use in easy mode")
    page.close()
