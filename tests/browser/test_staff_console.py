"""The staff console in Debian's headless Chromium against the real stack: an editor writes an
entry from an unanswered question, a reviewer publishes it, and the web chat answers with it.

Screenshots of each console page go to the test's own folder, and also to HAECHI_SCREENSHOT_DIR
when that is set (never into ./var).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledge.curation import record_unanswered
from knowledge.database import make_engine, make_session_factory
from tests.browser.chromium import launch_chromium
from tests.stack import REPO, RunningStack

pytestmark = pytest.mark.browser
# Every page waits on a real stack on a busy machine.
expect.set_options(timeout=30_000)

PASSWORD = "해치-console-password-7"
MISSED = "베란다에 비둘기가 둥지를 틀었어요. 어떻게 해야 하나요?"
ALSO_MISSED = "집 베란다 비둘기 둥지 치우는 방법"
PARAPHRASE = "베란다 비둘기 둥지 어떻게 치워요?"
MARKER = "비둘기 퇴치망"
ANSWER = (
    "비둘기는 유해야생동물이라 둥지와 알은 직접 치우셔도 됩니다. 장갑과 마스크를 쓰고 치운 뒤 "
    "소독해 주세요. 다시 오지 않도록 비둘기 퇴치망이나 방조망을 설치하시면 좋습니다. "
    "공동주택 외벽이라면 관리사무소에, 그 밖에는 구청 환경과에 문의해 주세요."
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


def record_miss(stack: RunningStack, question: str) -> None:
    engine = make_engine(f"sqlite:///{stack.log_path.parent / 'haechi.db'}")
    with make_session_factory(engine)() as session:
        record_unanswered(
            session, question=question, language="ko", channel="web", decision="handoff"
        )
    engine.dispose()


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


def new_page(browser: Browser, width: int, height: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": height}, locale="ko-KR")
    # The gateway builds its search index on the first inbox or ask (a minute on a busy machine).
    page.set_default_navigation_timeout(240_000)
    page.set_default_timeout(60_000)
    return page


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

    chat = new_page(browser, 390, 844)
    missed = ask_web_chat(chat, stack, MISSED)
    assert MARKER not in missed  # nothing answers it yet: it becomes an unanswered question
    # A second citizen's phrasing, kept the way the action server keeps a miss.
    record_miss(stack, ALSO_MISSED)

    # An editor on a laptop writes the entry from the inbox group and submits it.
    editor = new_page(browser, 1280, 800)
    editor.goto(stack.gateway_url + "/staff")
    expect(editor).to_have_url(stack.gateway_url + "/staff/login")
    screens.shoot(editor, "login")
    log_in(editor, stack, "editor@seoul.go.kr")
    screens.shoot(editor, "entries")
    editor.click("nav.main >> text=미답변 질문")
    group = editor.locator("tr[data-group]", has_text="비둘기")
    expect(group).to_be_visible(timeout=60_000)
    screens.shoot(editor, "unanswered")
    group.locator("[data-write-from]").click()
    expect(editor.locator("#ko_question")).to_have_value(re.compile("비둘기"))
    editor.fill("#ko_question", "베란다에 비둘기가 둥지를 틀었을 때는 어떻게 하나요?")
    editor.fill("#ko_answer", ANSWER)
    editor.fill("#ko_alternatives", "비둘기 둥지 치우기\n베란다 비둘기 알 처리\n비둘기 퇴치 방법")
    editor.fill("#en_question", "Pigeons nested on my balcony. What should I do?")
    editor.fill("#en_answer", "You may remove the nest yourself; then fit a pigeon net.")
    editor.fill("#source_url", "https://news.seoul.go.kr/env/")
    editor.click("[data-action=save]")
    expect(editor.locator("[data-status]")).to_have_attribute("data-status", "draft")
    editor.click("[data-action=submit]")
    expect(editor.locator("[data-status]")).to_have_attribute("data-status", "in_review")
    assert editor.locator("[data-action=publish]").count() == 0  # editors cannot publish
    screens.shoot(editor, "entry")
    entry_url = editor.url.split("?")[0]

    # A reviewer on a tablet publishes it.
    reviewer = new_page(browser, 820, 1180)
    log_in(reviewer, stack, "reviewer@seoul.go.kr")
    reviewer.goto(entry_url)
    reviewer.click("[data-action=publish]")
    expect(reviewer.locator("[data-status]")).to_have_attribute("data-status", "published")
    expect(reviewer.locator("#history .revision")).to_have_count(3)
    screens.shoot(reviewer, "entry-published")

    reviewer.goto(stack.gateway_url + "/staff/ask")
    reviewer.fill("input[name=question]", PARAPHRASE)
    reviewer.click("form[hx-post='/staff/ask'] button[type=submit]")
    expect(reviewer.locator("[data-reply]")).to_contain_text(MARKER, timeout=240_000)
    screens.shoot(reviewer, "ask")

    # The citizen asks in other words and gets the new answer (the action server follows the
    # revision feed on its own within seconds).
    reply = ""
    for _ in range(6):
        reply = ask_web_chat(chat, stack, PARAPHRASE)
        if MARKER in reply:
            break
        chat.wait_for_timeout(3000)
    assert MARKER in reply, reply
    chat.close()

    reviewer.goto(stack.gateway_url + "/staff/analytics")
    expect(reviewer.locator("body")).to_have_attribute("data-ready", "1")
    expect(reviewer.locator("canvas[data-chart][data-drawn]")).to_have_count(5)
    screens.shoot(reviewer, "analytics")
    reviewer.goto(stack.gateway_url + "/staff/import?lang=en")
    expect(reviewer.locator("html")).to_have_attribute("lang", "en")
    screens.shoot(reviewer, "import-en")
    reviewer.goto(stack.gateway_url + "/staff/unanswered?lang=ko")
    expect(reviewer.locator("tr[data-group]", has_text="비둘기")).to_have_count(0)  # answered now
    admin = new_page(browser, 1280, 800)
    log_in(admin, stack, "admin@seoul.go.kr")
    admin.goto(stack.gateway_url + "/staff/tokens")
    screens.shoot(admin, "tokens")
    for page in (editor, reviewer, admin):
        page.close()
    assert len(list((tmp_path / "screenshots").glob("staff-*.png"))) == 9
