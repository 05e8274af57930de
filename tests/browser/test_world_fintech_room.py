"""The Fintech Lab room of the 3D client in headless Chromium: two visitors, one with a Korean
browser and one with an English one, write to each other in the room's chat panel and each reads
the other machine-translated, marked, with the original beside it. The gateway is a real process
with the tiny real translation packages and a stand-in Rasa (room chat never reaches the agent)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.chromium import SCREENSHOTS, launch_chromium
from tests.browser.test_world import WORLD_ARGS

pytestmark = pytest.mark.browser

KOREAN = "안녕하세요, 세 시에 만나요."
ENGLISH = "Sounds good, see you at three."


@pytest.fixture(scope="module")
def lab_gateway(translating_gateways: tuple[str, str]) -> str:
    """A real gateway with the tiny packages (tests/conftest.py starts it)."""
    return translating_gateways[0]


def enter_the_lab(browser: Browser, url: str, locale: str) -> Page:
    page = browser.new_context(viewport={"width": 1200, "height": 800}, locale=locale).new_page()
    page.goto(url + "/world")
    expect(page.locator("body")).to_have_attribute("data-state", "ready", timeout=30_000)
    page.locator('#rooms button[data-room="fintech_lab"]').click()
    expect(page.locator("body")).to_have_attribute("data-room", "fintech_lab")
    return page


def test_two_visitors_chat_across_languages_in_the_fintech_lab(lab_gateway: str) -> None:
    with launch_chromium(WORLD_ARGS) as browser:
        korean = enter_the_lab(browser, lab_gateway, "ko-KR")
        english = enter_the_lab(browser, lab_gateway, "en-US")
        # Away from the interpreter, the chat box talks to the room.
        expect(korean.locator("#chat-target")).to_have_text("방 대화: 실시간 통역")
        expect(english.locator("#chat-target")).to_have_text("Room chat: live translation")

        korean.fill("#chat-input", KOREAN)
        korean.press("#chat-input", "Enter")
        expect(korean.locator("#chat-log .me").last).to_contain_text(KOREAN)
        heard = english.locator("#chat-log .peer").last
        expect(heard.locator(".mark")).to_have_text("Machine translation", timeout=60_000)
        expect(heard.locator(".original")).to_contain_text(KOREAN)
        expect(heard.locator(".original")).to_have_attribute("lang", "ko")

        english.fill("#chat-input", ENGLISH)
        english.click("#chat-send")
        answered = korean.locator("#chat-log .peer").last
        expect(answered.locator(".mark")).to_have_text("기계 번역", timeout=60_000)
        expect(answered.locator(".original")).to_contain_text(ENGLISH)

        assert_accessible(english, "the Fintech Lab room chat")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        english.screenshot(path=str(SCREENSHOTS / "world-fintech-lab.png"))
