"""The 3D client at /world in Debian's headless Chromium, against the real running stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.chromium import SCREENSHOTS, launch_chromium
from tests.stack import RunningStack

pytestmark = pytest.mark.browser

# WebGL without a GPU: Chromium's software renderer (SwiftShader) must be allowed explicitly.
WORLD_ARGS = ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"]


@pytest.fixture(scope="module")
def world_browser() -> Iterator[Browser]:
    with launch_chromium(WORLD_ARGS) as browser:
        yield browser


def test_walk_to_the_tax_officer_and_ask_about_vehicle_tax(
    world_browser: Browser, stack: RunningStack
) -> None:
    page = world_browser.new_page(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    page.goto(stack.gateway_url + "/world")
    expect(page.locator("body")).to_have_attribute("data-state", "ready", timeout=30_000)
    assert page.evaluate("() => !!document.createElement('canvas').getContext('webgl2')")

    page.locator('#rooms button[data-room="tax_square"]').click()
    expect(page.locator("body")).to_have_attribute("data-room", "tax_square")
    officer = page.locator('.npc-tag[data-npc="tax_officer"]')
    expect(officer).to_have_text("세무 상담관")

    # Walk a few steps with the keyboard, then click the officer's name tag to walk up to them.
    page.locator("#scene").focus()
    page.keyboard.down("ArrowUp")
    page.wait_for_timeout(400)
    page.keyboard.up("ArrowUp")
    officer.click()
    expect(page.locator("body")).to_have_attribute("data-near", "tax_officer", timeout=10_000)
    bubble = page.locator('.bubble[data-npc="tax_officer"]')
    expect(bubble).to_contain_text("택스스퀘어 세무 상담관입니다")  # the proximity greeting

    page.fill("#chat-input", "자동차세 언제 내요?")
    page.click("#chat-send")
    expect(page.locator("#chat-log .me").last).to_have_text("자동차세 언제 내요?")
    expect(bubble).to_contain_text("6월", timeout=60_000)
    expect(page.locator("#chat-log .npc").last).to_contain_text("6월")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "world-tax-square.png"))
    page.close()
