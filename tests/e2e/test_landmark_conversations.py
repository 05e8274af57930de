"""Landmark questions and visitors' languages through the real stack (Rasa, actions, gateway).

The stack runs on a fixed day (HAECHI_TODAY, Monday 30 November 2026, Seoul), so "today",
"tomorrow" and weekdays have known answers. Japanese is asked first with no translation
package installed, then with the tiny test packages installed into the running stack's data
folder by the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import share_embedding_cache
from tests.stack import REPO, RunningStack, start_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def monday_stack(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[RunningStack]:
    data_dir = tmp_path_factory.mktemp("landmark-stack")
    share_embedding_cache(data_dir, pytestconfig)
    previous = os.environ.get("HAECHI_TODAY")
    os.environ["HAECHI_TODAY"] = "2026-11-30"
    try:
        running = start_stack(data_dir)
    finally:
        if previous is None:
            os.environ.pop("HAECHI_TODAY")
        else:
            os.environ["HAECHI_TODAY"] = previous
    try:
        _wait_until_the_index_answers(running)
        yield running
    finally:
        running.stop()


def _wait_until_the_index_answers(stack: RunningStack, seconds: float = 900) -> None:
    """On a fresh data folder the action server builds its search index after it starts (minutes
    on a busy machine); a question that searches meanwhile outlasts Rasa's timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = httpx.post(
            f"{stack.gateway_url}/api/v1/chat",
            json={"session_id": "warm-up", "text": "자동차세 언제 내요?"},
            timeout=120,
        )
        if response.status_code == 200:
            return
        time.sleep(5)
    raise RuntimeError(f"the stack never answered a search:\n{stack.log_tail()}")


def say(stack: RunningStack, session: str, text: str) -> dict[str, Any]:
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat",
        json={"session_id": session, "text": text},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["messages"], f"no reply to {text!r}"
    return body


def text_of(body: dict[str, Any]) -> str:
    return "\n".join(message["text"] for message in body["messages"])


def test_landmarks_in_korean(monday_stack: RunningStack) -> None:
    session = uuid.uuid4().hex
    fee = say(monday_stack, session, "경복궁 입장료 얼마예요?")
    assert "3,000원" in text_of(fee), monday_stack.log_tail()
    assert fee["messages"][0]["card"]["url"] == "https://royal.khs.go.kr"
    closed = say(monday_stack, session, "오늘 덕수궁 열어요?")
    assert text_of(closed).startswith("오늘 11월 30일(월) 덕수궁은 쉽니다."), text_of(closed)
    opened = say(monday_stack, session, "내일 덕수궁 열어요?")
    assert "12월 1일(화) 덕수궁은 09:00~21:00에 엽니다" in text_of(opened)
    kids = say(monday_stack, session, "아이랑 갈 만한 곳")
    assert "서울숲" in text_of(kids)
    free = say(monday_stack, session, "무료로 볼 수 있는 곳")
    assert "광화문광장" in text_of(free)


def test_landmarks_in_english(monday_stack: RunningStack) -> None:
    session = uuid.uuid4().hex
    closed = say(monday_stack, session, "Is Gyeongbokgung open on Tuesday?")
    assert closed["language"] == "en"
    assert "Gyeongbokgung Palace is closed tomorrow, Tuesday 1 December" in text_of(closed)
    opened = say(monday_stack, session, "Is Gyeongbokgung open today?")
    assert "Gyeongbokgung Palace is open today, Monday 30 November" in text_of(opened)
    way = say(monday_stack, session, "How do I get to N Seoul Tower?")
    assert "Myeongdong Station, Exit 3" in text_of(way)


def install_packages(data_dir: Path, packages: list[Path]) -> None:
    for package in packages:
        subprocess.run(
            [sys.executable, "-m", "knowledge", "translation", "install", str(package)],
            cwd=REPO,
            env={**os.environ, "HAECHI_DATA_DIR": str(data_dir)},
            check=True,
            capture_output=True,
            timeout=300,
        )


def test_japanese_without_then_with_a_package(
    monday_stack: RunningStack,
    tiny_packages: dict[str, Path],  # noqa: F811 - the imported fixture
) -> None:
    session = uuid.uuid4().hex
    korean = say(monday_stack, session, "안녕하세요")
    assert korean["language"] == "ko"
    asked = say(monday_stack, session, "日本語でお願いします")
    first, *rest = asked["messages"]
    assert first["text"] == "일본어는 아직 오프라인으로 번역할 수 없어 한국어로 안내해 드립니다."
    assert "한국어와 영어" in text_of({"messages": rest}), text_of(asked)  # not the fallback
    chinese = say(monday_stack, uuid.uuid4().hex, "中文可以吗")
    assert chinese["messages"][0]["text"].startswith("I can't translate into Chinese offline")
    assert "English and Korean" in text_of(chinese), text_of(chinese)

    data_dir = monday_stack.log_path.parent
    install_packages(data_dir, [tiny_packages["ja_en"], tiny_packages["en_ja"]])
    translated = say(monday_stack, uuid.uuid4().hex, "景福宮の入場料はいくらですか。")
    assert translated["language"] == "ja"
    for message in translated["messages"]:
        assert message["translation"]["machine"] is True
        assert "機械翻訳 · Machine translation" in message["text"]
        assert message["buttons"][-1]["payload"] == "/show_original"
    # Back to English mid-conversation: no translation, no mark.
    english = say(monday_stack, session, "Is Deoksugung open today?")
    assert english["language"] == "en" and "translation" not in english["messages"][0]
    assert "closed today" in text_of(english)
