"""The staff console in Debian's headless Chromium against the real stack: an editor writes an
entry from an unanswered question, a reviewer publishes it, and the web chat answers with it.

Screenshots of each console page go to the test's own folder, and also to HAECHI_SCREENSHOT_DIR
when that is set (never into ./var).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.chromium import launch_chromium
from tests.stack import REPO, RunningStack

pytestmark = pytest.mark.browser

PASSWORD = "해치-console-password-7"
MISSED = "드론 날려도 되는 공원 있나요?"
PARAPHRASE = "공원에서 드론 띄워도 돼요?"
ANSWER = (
    "서울시 공원에서 드론을 날리려면 공원 관리사무소의 사전 허가가 필요합니다. "
    "한강공원 일부 구역은 비행금지구역이므로 드론원스톱 민원서비스에서 먼저 확인해 주세요."
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


def add_staff(stack: RunningStack, email: str, role: str) -> None:
    """Accounts are made the one way the city makes them: the command line, password on stdin."""
    env = {**os.environ, "HAECHI_DATA_DIR": str(stack.log_path.parent)}
    env.pop("HAECHI_DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "knowledge",
            "staff",
            "add",
            email,
            "--role",
            role,
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        cwd=REPO,
        env=env,
        capture_output=True,
    )


class Screens:
    def __init__(self, folder: Path) -> None:
        self.folders = [folder]
        extra = os.environ.get("HAECHI_SCREENSHOT_DIR")
        if extra:
            self.folders.append(Path(extra))
        for path in self.folders:
            path.mkdir(parents=True, exist_ok=True)

    def shoot(self, page: Page, name: str) -> None:
        for folder in self.folders:
            page.screenshot(path=str(folder / f"staff-{name}.png"), full_page=True)


def ask_web_chat(page: Page, stack: RunningStack, text: str) -> str:
    page.goto(stack.gateway_url + "/")
    before = page.locator(".msg.msg-bot").count()
    page.fill("#chat-input", text)
    page.click("#chat-send")
    reply = page.locator(".msg.msg-bot").nth(before)
    expect(reply).not_to_be_empty(timeout=60_000)
    expect(page.locator("body")).to_have_attribute("data-state", "idle", timeout=60_000)
    return reply.inner_text()


def log_in(page: Page, stack: RunningStack, email: str) -> None:
    page.goto(stack.gateway_url + "/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-me]")).to_contain_text(email)


def test_inbox_to_published_answer_in_the_web_chat(
    browser: Browser, stack: RunningStack, tmp_path: Path
) -> None:
    screens = Screens(tmp_path / "screenshots")
    for email, role in (
        ("editor@seoul.go.kr", "editor"),
        ("reviewer@seoul.go.kr", "reviewer"),
        ("admin@seoul.go.kr", "admin"),
    ):
        add_staff(stack, email, role)

    chat = browser.new_page(viewport={"width": 390, "height": 844}, locale="ko-KR")
    missed = ask_web_chat(chat, stack, MISSED)
    assert "드론원스톱" not in missed  # nothing answers it yet: it becomes an unanswered question

    # An editor on a laptop writes the entry from the inbox group and submits it.
    editor = browser.new_page(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    editor.goto(stack.gateway_url + "/staff")
    expect(editor).to_have_url(stack.gateway_url + "/staff/login")
    screens.shoot(editor, "login")
    log_in(editor, stack, "editor@seoul.go.kr")
    screens.shoot(editor, "entries")
    editor.click("nav.main >> text=미답변 질문")
    group = editor.locator("tr[data-group]", has_text="드론")
    expect(group).to_be_visible(timeout=60_000)
    screens.shoot(editor, "unanswered")
    group.locator("[data-write-from]").click()
    expect(editor.locator("#ko_question")).to_have_value(MISSED)
    editor.fill("#ko_answer", ANSWER)
    editor.fill("#ko_alternatives", "공원 드론 비행 허가\n한강에서 드론 날려도 되나요")
    editor.fill("#en_question", "Can I fly a drone in a park?")
    editor.fill("#en_answer", "You need prior permission from the park office.")
    editor.fill("#source_url", "https://drone.onestop.go.kr")
    editor.click("[data-action=save]")
    expect(editor.locator("[data-status]")).to_have_attribute("data-status", "draft")
    editor.click("[data-action=submit]")
    expect(editor.locator("[data-status]")).to_have_attribute("data-status", "in_review")
    assert editor.locator("[data-action=publish]").count() == 0  # editors cannot publish
    screens.shoot(editor, "entry")
    entry_url = editor.url.split("?")[0]

    # A reviewer on a tablet publishes it.
    reviewer = browser.new_page(viewport={"width": 820, "height": 1180}, locale="ko-KR")
    log_in(reviewer, stack, "reviewer@seoul.go.kr")
    reviewer.goto(entry_url)
    reviewer.click("[data-action=publish]")
    expect(reviewer.locator("[data-status]")).to_have_attribute("data-status", "published")
    expect(reviewer.locator("#history .revision")).to_have_count(3)
    screens.shoot(reviewer, "entry-published")

    reviewer.goto(stack.gateway_url + "/staff/ask")
    reviewer.fill("input[name=question]", PARAPHRASE)
    reviewer.click("form[hx-post='/staff/ask'] button[type=submit]")
    expect(reviewer.locator("[data-reply]")).to_contain_text("드론원스톱", timeout=60_000)
    screens.shoot(reviewer, "ask")

    # The citizen asks in other words and gets the new answer (the action server follows the
    # revision feed on its own within seconds).
    reply = ""
    for _ in range(6):
        reply = ask_web_chat(chat, stack, PARAPHRASE)
        if "드론원스톱" in reply:
            break
        chat.wait_for_timeout(3000)
    assert "관리사무소의 사전 허가" in reply, reply
    chat.close()

    reviewer.goto(stack.gateway_url + "/staff/analytics")
    expect(reviewer.locator("body")).to_have_attribute("data-ready", "1")
    expect(reviewer.locator("canvas[data-chart][data-drawn]")).to_have_count(5)
    screens.shoot(reviewer, "analytics")
    reviewer.goto(stack.gateway_url + "/staff/import?lang=en")
    expect(reviewer.locator("html")).to_have_attribute("lang", "en")
    screens.shoot(reviewer, "import-en")
    reviewer.goto(stack.gateway_url + "/staff/unanswered?lang=ko")
    expect(reviewer.locator("tr[data-group]", has_text="드론")).to_have_count(0)  # answered now
    admin = browser.new_page(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    log_in(admin, stack, "admin@seoul.go.kr")
    admin.goto(stack.gateway_url + "/staff/tokens")
    screens.shoot(admin, "tokens")
    for page in (editor, reviewer, admin):
        page.close()
    assert len(list((tmp_path / "screenshots").glob("staff-*.png"))) == 9
