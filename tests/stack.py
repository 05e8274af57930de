"""Start the three real processes through the Procfile (honcho) on free ports, and stop them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
# A busy shared machine loads Rasa's model slowly; HAECHI_TEST_STACK_STARTUP_SECONDS waits longer.
STARTUP_SECONDS = int(os.environ.get("HAECHI_TEST_STACK_STARTUP_SECONDS", "600"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    gateway_url: str
    rasa_url: str
    action_url: str
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_stack(data_dir: Path) -> RunningStack:
    ports = {name: free_port() for name in ("rasa", "action", "gateway")}
    rasa_url = f"http://127.0.0.1:{ports['rasa']}"
    action_url = f"http://127.0.0.1:{ports['action']}"
    env = {
        **os.environ,
        "HAECHI_DATA_DIR": str(data_dir),
        "HAECHI_RASA_PORT": str(ports["rasa"]),
        "HAECHI_ACTION_PORT": str(ports["action"]),
        "HAECHI_GATEWAY_PORT": str(ports["gateway"]),
        "HAECHI_RASA_URL": rasa_url,
        "HAECHI_ACTION_SERVER_URL": action_url,
        "HAECHI_ACTION_ENDPOINT_URL": f"{action_url}/webhook",
        "HAECHI_TRACKER_DIALECT": "sqlite",
        "HAECHI_TRACKER_HOST": "",
        "HAECHI_TRACKER_DB": str(data_dir / "rasa-tracker.db"),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": str(REPO),
        # Every e2e test talks from 127.0.0.1: limits meant for one citizen would refuse them.
        "HAECHI_RATE_LIMIT_CHAT": "6000/minute",
        "HAECHI_RATE_LIMIT_SESSIONS": "6000/minute",
        "HAECHI_RATE_LIMIT_SEARCH": "6000/minute",
        "HAECHI_RATE_LIMIT_TAX": "6000/minute",
        # The issuer's did:web and the credentials' links name the gateway under test.
        "HAECHI_PUBLIC_URL": f"http://127.0.0.1:{ports['gateway']}",
    }
    # The stack under test uses its own data folder, and never a developer's real Telegram bot
    # or Redis.
    # Internal tokens are made by the stack itself, into its data folder.
    prefixes = ("HAECHI_TELEGRAM_", "HAECHI_REDIS", "HAECHI_RASA_TOKEN", "HAECHI_ACTION_TOKEN")
    for key in [key for key in env if key.startswith(prefixes)]:
        env.pop(key)
    env.pop("HAECHI_DATABASE_URL", None)
    log_path = data_dir / "stack.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "honcho"), "start", "-f", "Procfile"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack = RunningStack(
        process=process,
        gateway_url=f"http://127.0.0.1:{ports['gateway']}",
        rasa_url=rasa_url,
        action_url=action_url,
        log_path=log_path,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the stack exited during start-up:\n{stack.log_tail()}")
        try:
            if httpx.get(f"{stack.gateway_url}/healthz", timeout=5).status_code == 200:
                return stack
        except httpx.HTTPError:
            pass
        time.sleep(1)
    stack.stop()
    raise RuntimeError(f"the stack was not healthy after {STARTUP_SECONDS}s:\n{stack.log_tail()}")
