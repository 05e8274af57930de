"""`python -m bot.telegram` as the Procfile runs it: idle when off, polling when on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.stack import REPO, free_port
from tests.telegram.conftest import TOKEN
from tests.telegram.fake_bot_api import FakeBotApi, message

CHAT = 616161


def worker_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAECHI_TELEGRAM_")}
    env.update(HAECHI_DATA_DIR=str(tmp_path), **settings)
    return env


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.telegram", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_without_a_token_the_worker_idles_for_honcho_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    worker = start_worker(worker_env(tmp_path), "--idle-when-off")
    try:
        # Wait for its notice (start-up takes seconds on a busy machine), then a little more.
        assert worker.stdout is not None
        lines = [worker.stdout.readline() for _ in range(1)]
        while (
            b"HAECHI_TELEGRAM_TOKEN is not set" not in lines[-1] and lines[-1] and len(lines) < 50
        ):
            lines.append(worker.stdout.readline())
        assert b"HAECHI_TELEGRAM_TOKEN is not set" in lines[-1], lines
        time.sleep(1.0)
        assert worker.poll() is None, "honcho would stop every process if this one exited"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=20)
    assert worker.returncode == 0


def test_without_a_token_and_without_the_flag_the_worker_exits_quietly(tmp_path: Path) -> None:
    worker = start_worker(worker_env(tmp_path))
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0
    assert b"Traceback" not in output


def test_the_polling_worker_answers_and_survives_a_missing_agent(
    tmp_path: Path, bot_api: FakeBotApi
) -> None:
    env = worker_env(
        tmp_path,
        HAECHI_TELEGRAM_TOKEN=TOKEN,
        HAECHI_TELEGRAM_BASE_URL=bot_api.base_url,
        HAECHI_RASA_URL=f"http://127.0.0.1:{free_port()}",  # nothing listens: the agent is down
        HAECHI_LOG_LEVEL="INFO",
    )
    worker = start_worker(env)
    try:
        bot_api.push({"update_id": 1, "message": message(1, CHAT, text="자동차세 언제 내요?")})
        bot_api.wait_for(lambda: bool(bot_api.calls_of("sendMessage")), timeout=60)
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    [apology] = bot_api.calls_of("sendMessage")
    assert apology.params["text"].startswith("죄송합니다. 지금 상담 도우미에")
    assert worker.returncode == 0
    assert TOKEN.encode() not in output  # the token never reaches the log
    assert "자동차세".encode() not in output  # nor the citizen's text
