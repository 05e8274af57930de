"""Rasa's own starter bot (`rasa init`) with one custom action, as the bare-engine yardstick.

Built once under var/bench/starter-bot: `rasa init` writes and trains the moodbot, then the greet
step of its stories is handed to a custom action (`action_hello_world`, the one `rasa init`
ships commented out) and the bot is retrained, so every measured conversation makes the same
Rasa → action server round trip our turns make. It runs on the same Rasa install as Haechi.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.stack import REPO, free_port

STARTER_DIR = REPO / "var" / "bench" / "starter-bot"
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
STARTUP_SECONDS = 300

# What the moodbot understands; the greet turn runs the custom action.
SCRIPT = [
    "hello there",
    "I am feeling great",
    "are you a bot?",
    "I'm sad",
    "yes",
    "good morning",
    "very good",
    "goodbye",
]

_CUSTOM_ACTION = '''"""The one custom action of the bench's starter bot."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionHelloWorld(Action):
    def name(self) -> str:
        return "action_hello_world"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Hello World!")
        return []
'''


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }


def build(folder: Path = STARTER_DIR) -> Path:
    """`rasa init` plus the custom action, trained; reused when its model exists."""
    models = folder / "models"
    if (folder / ".built").exists() and any(models.glob("*.tar.gz")):
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    print(f"building the starter bot under {folder} (rasa init, then one custom action)")
    subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(folder), "--quiet"],
        cwd=folder,
        env=_environment(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (folder / "actions" / "actions.py").write_text(_CUSTOM_ACTION, encoding="utf-8")
    domain = folder / "domain.yml"
    domain.write_text(
        domain.read_text(encoding="utf-8") + "\nactions:\n  - action_hello_world\n",
        encoding="utf-8",
    )
    stories = folder / "data" / "stories.yml"
    stories.write_text(
        stories.read_text(encoding="utf-8").replace(
            "action: utter_greet", "action: action_hello_world"
        ),
        encoding="utf-8",
    )
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n  url: ${STARTER_ACTION_URL}\n",
        encoding="utf-8",
    )
    for old in models.glob("*.tar.gz"):
        old.unlink()
    subprocess.run(
        [str(RASA), "train", "--quiet", "--out", "models"],
        cwd=folder,
        env=_environment(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (folder / ".built").touch()
    return folder


@dataclass
class StarterBot:
    rasa: subprocess.Popen[bytes]
    actions: subprocess.Popen[bytes]
    url: str

    def rasa_pid(self) -> int:
        return self.rasa.pid

    def action_pid(self) -> int:
        return self.actions.pid

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        for process in (self.rasa, self.actions):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def start(folder: Path, log_path: Path) -> StarterBot:
    """Rasa (REST channel, loopback) and its action server, on free ports, ready to talk."""
    rasa_port, action_port = free_port(), free_port()
    env = {**_environment(), "STARTER_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook"}
    log = log_path.open("ab")
    actions = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "rasa_sdk", "--actions", "actions"]
        + ["--port", str(action_port)],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    rasa = subprocess.Popen(
        [str(RASA), "run", "--interface", "127.0.0.1", "--port", str(rasa_port)]
        + ["--model", "models", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    bot = StarterBot(rasa=rasa, actions=actions, url=f"http://127.0.0.1:{rasa_port}")
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if rasa.poll() is not None or actions.poll() is not None:
            bot.stop()
            raise RuntimeError(f"the starter bot exited during start-up; see {log_path}")
        try:
            reply = httpx.post(
                f"{bot.url}/webhooks/rest/webhook",
                json={"sender": "warm-up", "message": "hello"},
                timeout=30,
            )
            if reply.status_code == 200 and reply.json():
                return bot
        except httpx.HTTPError:
            pass
        time.sleep(1)
    bot.stop()
    raise RuntimeError(f"the starter bot was not ready after {STARTUP_SECONDS}s; see {log_path}")
