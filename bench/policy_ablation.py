"""Does TEDPolicy earn its place? The same NLU data with and without it, side by side.

For each model given: the held-out conversation stories (nlu/tests/test_stories.yml, not
training data) through `rasa test core`, the time Rasa's policy ensemble takes to predict the next
action (`POST /conversations/{id}/predict`, after the message went through NLU), and the Rasa
server's resident memory with that model loaded. Prints a table, writes
var/bench/policy_ablation.json.

    .venv/bin/python -m bench.policy_ablation models/haechi-<hash>.tar.gz var/exp/with-ted.tar.gz
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.processes import rss_mb
from tests.stack import REPO, free_port

RASA = REPO / ".venv-rasa" / "bin" / "rasa"
STORIES = REPO / "nlu" / "tests" / "test_stories.yml"
QUESTIONS = [
    "안녕하세요",
    "자동차세 언제 내요?",
    "When is the car tax due?",
    "경복궁 입장료 얼마예요?",
]


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }


def _has_ted(model: Path) -> bool:
    import tarfile

    with tarfile.open(model) as archive:
        return any("TEDPolicy" in name for name in archive.getnames())


def _stories(model: Path, stories: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [str(RASA), "test", "core", "--stories", str(stories), "--model", str(model)]
            + ["--out", out, "--no-plot"],
            cwd=REPO,
            env=_environment(),
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        report = json.loads((Path(out) / "story_report.json").read_text(encoding="utf-8"))
    conversations = report.get("conversation_accuracy", {})
    return {
        "stories_correct": conversations.get("correct"),
        "stories_total": conversations.get("total"),
        "action_accuracy": round(float(report.get("accuracy", 0.0)), 4),
        "test_seconds": round(seconds, 1),
    }


def _predict_timing(model: Path, turns: int, log: Any) -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(RASA), "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(port)]
        + ["--model", str(model)],
        cwd=REPO,
        env=_environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        client = httpx.Client(timeout=60)
        deadline = time.monotonic() + 1200
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"rasa exited; see {log.name}")
            try:
                if client.get(f"{url}/status").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        else:
            raise RuntimeError(f"rasa did not start; see {log.name}")
        timings: list[float] = []
        for number in range(turns + 1):
            conversation = f"ablation-{number}"
            text = QUESTIONS[number % len(QUESTIONS)]
            client.post(
                f"{url}/conversations/{conversation}/messages",
                json={"text": text, "sender": "user"},
            ).raise_for_status()
            started = time.perf_counter()
            client.post(f"{url}/conversations/{conversation}/predict").raise_for_status()
            if number:  # the first prediction warms the graph
                timings.append((time.perf_counter() - started) * 1000)
        return {
            "predict_p50_ms": round(statistics.median(timings), 1),
            "predict_max_ms": round(max(timings), 1),
            "rasa_rss_mb": round(rss_mb(process.pid), 1),
        }
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument(
        "--stories",
        type=Path,
        default=STORIES,
        help="test stories both models know (an older model needs the stories of its data)",
    )
    args = parser.parse_args()

    rows = []
    log_path = REPO / "var" / "bench" / "policy_ablation.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        for model in args.models:
            row: dict[str, Any] = {"model": model.name, "ted": _has_ted(model)}
            row.update(_stories(model, args.stories))
            print(json.dumps(row), flush=True)
            row.update(_predict_timing(model, args.turns, log))
            print(json.dumps(row), flush=True)
            rows.append(row)
    load = os.getloadavg()
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
        "rows": rows,
    }
    print(f"machine: {result['machine']}")
    columns = ["ted", "stories_correct", "stories_total", "action_accuracy"]
    columns += ["predict_p50_ms", "predict_max_ms", "rasa_rss_mb"]
    print(f"{'model':<32}" + "".join(f"{name:>17}" for name in columns))
    for row in rows:
        print(f"{row['model']:<32}" + "".join(f"{row[name]!s:>17}" for name in columns))
    out = REPO / "var" / "bench" / "policy_ablation.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
