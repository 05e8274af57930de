"""Chat latency through the gateway and resident memory of each process.

Starts the real stack (Procfile, free ports), sends N sequential messages from a fixed Korean and
English script through POST /api/v1/chat, prints a table and writes var/bench/chat_latency.json.

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

from tests.stack import REPO, start_stack

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


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _descendants(root_pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # Field 4 of /proc/PID/stat is the parent pid (after "pid (comm) state").
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        for child in children.get(pid, []):
            found.append(child)
            pending.append(child)
    return found


def _process_memory(root_pid: int) -> dict[str, float]:
    """Resident memory of each of the three processes started by honcho."""
    markers = {"rasa": "rasa run", "actions": "-m actions", "gateway": "-m bot"}
    memory: dict[str, float] = {}
    for pid in _descendants(root_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        for name, marker in markers.items():
            if marker in command and "/bin/sh" not in command and "bash" not in command:
                memory[name] = memory.get(name, 0.0) + _rss_mb(pid)
                memory[f"{name} processes"] = memory.get(f"{name} processes", 0.0) + 1
    return memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir))
        try:
            client = httpx.Client(timeout=60)
            session = uuid.uuid4().hex
            # The first knowledge answer right after the stack reports healthy: whatever is
            # still lazy (Kiwi, the index, the query encoder) shows here.
            started = time.perf_counter()
            client.post(
                f"{stack.gateway_url}/api/v1/chat",
                json={"session_id": "warm", "text": "자동차세 언제 내요?"},
            ).raise_for_status()
            first_ms = (time.perf_counter() - started) * 1000
            latencies: list[float] = []
            for number in range(args.messages):
                text = SCRIPT[number % len(SCRIPT)]
                started = time.perf_counter()
                response = client.post(
                    f"{stack.gateway_url}/api/v1/chat", json={"session_id": session, "text": text}
                )
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            memory = _process_memory(stack.process.pid)
        finally:
            stack.stop()

    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') // 2**30} GiB",
        "messages": args.messages,
        "first_message_ms": round(first_ms, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "rss_mb": {name: round(value, 1) for name, value in sorted(memory.items())},
    }
    print(f"machine: {result['machine']}")
    print(f"{'messages':<22}{args.messages:>10}")
    print(f"{'first answer (ms)':<22}{result['first_message_ms']:>10}")
    for key in ("p50_ms", "p95_ms", "max_ms"):
        print(f"{key:<22}{result[key]:>10}")
    for name, value in result["rss_mb"].items():  # type: ignore[union-attr]
        label = name if name.endswith("processes") else f"RSS {name} (MB)"
        print(f"{label:<22}{value:>10}")
    out = REPO / "var" / "bench" / "chat_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
