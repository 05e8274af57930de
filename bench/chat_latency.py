"""Chat latency through the gateway and resident memory of each process.

Starts the real stack (Procfile, free ports) and, beside it on the same Rasa install, Rasa's own
starter bot with one custom action (bench/starter_bot.py). Sends N sequential messages to each,
interleaved: Haechi's from a fixed Korean and English script through POST /api/v1/chat, the
starter's through its REST channel. Prints a table and writes var/bench/chat_latency.json.

    .venv/bin/python -m bench.chat_latency --messages 100
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

from agent.rasa_client import WEBHOOK_PATH
from bench import starter_bot
from bench.processes import descendants, percentile, rss_mb
from tests.stack import REPO, RunningStack, start_stack

SCRIPT = [
    "안녕하세요",
    "자동차세 언제 내요?",
    "재산세는 언제 내요?",
    "등본 떼려면 어디로 가요?",
    "What can you do?",
    "When is the car tax due?",
    "대형폐기물 버리는 방법 알려주세요",
    "경복궁 가는 법",
    "상담사 연결해 주세요",
    "고마워요",
]


def _process_memory(root_pid: int) -> dict[str, float]:
    """Resident memory of each of the three processes started by honcho."""
    markers = {"rasa": "rasa run", "actions": "-m actions", "gateway": "-m bot"}
    memory: dict[str, float] = {}
    for pid in descendants(root_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        for name, marker in markers.items():
            if marker in command and "/bin/sh" not in command and "bash" not in command:
                memory[name] = memory.get(name, 0.0) + rss_mb(pid)
                memory[f"{name} processes"] = memory.get(f"{name} processes", 0.0) + 1
    return memory


def _timed_post(client: httpx.Client, url: str, body: dict[str, object]) -> float:
    started = time.perf_counter()
    response = client.post(url, json=body)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


def _summary(latencies: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
    }


def _turn_breakdown(
    client: httpx.Client, stack: RunningStack, data_dir: Path, messages: int
) -> dict[str, dict[str, float]]:
    """Where a turn goes: Rasa's NLU alone (/model/parse), a whole Rasa turn through the gateway
    channel (NLU, policies, the action server and its search, the tracker store), and the same
    turn through the gateway's public API."""
    token = (data_dir / "secrets" / "rasa.token").read_text().strip()
    session = uuid.uuid4().hex
    timings: dict[str, list[float]] = {"nlu": [], "rasa_turn": [], "gateway_turn": []}
    for number in range(messages):
        text = SCRIPT[number % len(SCRIPT)]
        timings["nlu"].append(
            _timed_post(client, f"{stack.rasa_url}/model/parse?token={token}", {"text": text})
        )
        started = time.perf_counter()
        client.post(
            f"{stack.rasa_url}{WEBHOOK_PATH}",
            json={"sender": f"web:breakdown-{session}", "message": text},
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()
        timings["rasa_turn"].append((time.perf_counter() - started) * 1000)
        timings["gateway_turn"].append(
            _timed_post(
                client,
                f"{stack.gateway_url}/api/v1/chat",
                {"session_id": f"g{session}", "text": text},
            )
        )
    return {name: _summary(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()

    starter_folder = starter_bot.build()
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir))
        starter = None
        try:
            starter = starter_bot.start(starter_folder, Path(data_dir) / "starter.log")
            client = httpx.Client(timeout=60)
            chat_url = f"{stack.gateway_url}/api/v1/chat"
            starter_url = f"{starter.url}/webhooks/rest/webhook"
            # The first knowledge answer right after the stack reports healthy: whatever is
            # still lazy (Kiwi, the index, the query encoder) shows here.
            first_ms = _timed_post(
                client, chat_url, {"session_id": "warm", "text": "자동차세 언제 내요?"}
            )
            session = uuid.uuid4().hex
            ours: list[float] = []
            theirs: list[float] = []
            # Interleaved, so both bots see the same machine load at the same moments.
            for number in range(args.messages):
                text = SCRIPT[number % len(SCRIPT)]
                ours.append(_timed_post(client, chat_url, {"session_id": session, "text": text}))
                starter_text = starter_bot.SCRIPT[number % len(starter_bot.SCRIPT)]
                theirs.append(
                    _timed_post(client, starter_url, {"sender": session, "message": starter_text})
                )
            # Memory before the breakdown: its /model/parse calls carry no morphemes, so they
            # make Rasa load Kiwi, which messages through the gateway never do.
            memory = _process_memory(stack.process.pid)
            breakdown = _turn_breakdown(client, stack, Path(data_dir), args.messages)
            memory["rasa after /model/parse"] = _process_memory(stack.process.pid).get("rasa", 0)
            memory["starter rasa"] = sum(
                rss_mb(pid) for pid in [starter.rasa_pid(), *descendants(starter.rasa_pid())]
            )
            memory["starter actions"] = sum(
                rss_mb(pid) for pid in [starter.action_pid(), *descendants(starter.action_pid())]
            )
        finally:
            if starter is not None:
                starter.stop()
            stack.stop()

    haechi = _summary(ours)
    starter_summary = _summary(theirs)
    load = os.getloadavg()
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') // 2**30} GiB, "
        f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
        "messages": args.messages,
        "first_message_ms": round(first_ms, 1),
        "haechi": haechi,
        "starter_bot": starter_summary,
        "ratio_p50": round(haechi["p50_ms"] / starter_summary["p50_ms"], 2),
        # Kept for readers of older results: Haechi's own percentiles at the top level.
        **haechi,
        "breakdown": breakdown,
        "rss_mb": {name: round(value, 1) for name, value in sorted(memory.items())},
    }
    print(f"machine: {result['machine']}")
    print(f"{'messages':<24}{args.messages:>10}")
    print(f"{'first answer (ms)':<24}{result['first_message_ms']:>10}")
    print(f"{'':<24}{'Haechi':>10}{'starter':>10}")
    for key in ("p50_ms", "p95_ms", "max_ms"):
        print(f"{key:<24}{haechi[key]:>10}{starter_summary[key]:>10}")
    print(f"{'ratio p50':<24}{result['ratio_p50']:>10}")
    print("where a turn goes (p50 / p95 ms):")
    for name, values in breakdown.items():
        print(f"  {name:<22}{values['p50_ms']:>10}{values['p95_ms']:>10}")
    for name, value in result["rss_mb"].items():  # type: ignore[union-attr]
        label = name if name.endswith("processes") else f"RSS {name} (MB)"
        print(f"{label:<24}{value:>10}")
    out = REPO / "var" / "bench" / "chat_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
