"""The scaled stack (deploy/scaled.py) under load: turn latency through haproxy with two Rasa
replicas on PostgreSQL and Redis, the turn right after a replica is killed, and memory.

Makes its own database on the PostgreSQL server (dropped afterwards) and its own Redis prefix.

    .venv/bin/python -m bench.replicas --conversations 8 --turns 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import redis
from sqlalchemy import create_engine, make_url, text

from bench.processes import percentile, rss_mb
from deploy.scaled import Ports, ScaledConfig, ScaledStack
from knowledge.database import normalise_url
from tests.stack import REPO, free_port

SCRIPT = [
    "안녕하세요",
    "자동차세 언제 내요?",
    "재산세는 언제 내요?",
    "여권 발급은 어디서 해요?",
    "고마워요",
]


def _turn(client: httpx.Client, session_id: str, message: str) -> float:
    started = time.perf_counter()
    response = client.post("/api/v1/chat", json={"session_id": session_id, "text": message})
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def _conversation(gateway_url: str, turns: int) -> list[float]:
    session_id = f"bench-{uuid.uuid4().hex[:12]}"
    with httpx.Client(base_url=gateway_url, timeout=120) as client:
        return [_turn(client, session_id, SCRIPT[n % len(SCRIPT)]) for n in range(turns)]


def run(server_url: str, redis_url: str, conversations: int, turns: int) -> dict[str, object]:
    name = f"haechi_scaled_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    prefix = f"haechibench{uuid.uuid4().hex[:8]}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("HAECHI_")}
    for limit in ("CHAT", "SESSIONS", "SEARCH", "TAX"):
        env[f"HAECHI_RATE_LIMIT_{limit}"] = "60000/minute"
    stack = ScaledStack(
        ScaledConfig(
            data_dir=Path(tempfile.mkdtemp(prefix="haechi-bench-replicas-")),
            database_url=make_url(server_url).set(database=name).render_as_string(False),
            redis_url=redis_url,
            ports=Ports(
                rasa_frontend=free_port(),
                rasa=(free_port(), free_port()),
                gateway_frontend=free_port(),
                gateway=(free_port(), free_port()),
                actions=free_port(),
            ),
            redis_prefix=prefix,
            base_env=env,
        )
    )
    try:
        started = time.monotonic()
        stack.start()
        stack.wait_ready()
        startup_s = time.monotonic() - started
        _conversation(stack.gateway_url, 2)  # warm both gateways' paths
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=conversations) as pool:
            results = list(
                pool.map(lambda _: _conversation(stack.gateway_url, turns), range(conversations))
            )
        elapsed = time.perf_counter() - began
        latencies = [ms for result in results for ms in result]
        memory = {
            name: round(rss_mb(service.process.pid), 1)
            for name, service in stack.services.items()
            if service.process is not None
        }
        # Failover: the turn right after one Rasa replica is killed, before any health check.
        with httpx.Client(base_url=stack.gateway_url, timeout=120) as client:
            session_id = f"failover-{uuid.uuid4().hex[:12]}"
            _turn(client, session_id, SCRIPT[0])
            stack.services["rasa-1"].kill(signal.SIGKILL)
            after_kill = [_turn(client, session_id, message) for message in SCRIPT[1:]]
    finally:
        stack.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        client_redis = redis.Redis.from_url(redis_url)
        keys = list(client_redis.scan_iter(match=f"{prefix}:*"))
        if keys:
            client_redis.delete(*keys)
        client_redis.close()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "shape": "2 Rasa replicas + 2 gateways behind haproxy, 1 action server; "
        "PostgreSQL tracker store, Redis lock store",
        "startup_s": round(startup_s, 1),
        "conversations": conversations,
        "turns_each": turns,
        "turn_p50_ms": round(statistics.median(latencies), 1),
        "turn_p95_ms": round(percentile(latencies, 0.95), 1),
        "turns_per_s": round(len(latencies) / elapsed, 1),
        "after_kill_ms": [round(ms, 1) for ms in after_kill],
        "rss_mb": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=8)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "HAECHI_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("HAECHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    report = run(args.database_url, args.redis_url, args.conversations, args.turns)
    print(f"machine: {report['machine']}")
    print(f"shape:   {report['shape']}")
    rows = [
        ("start-up to ready (s)", report["startup_s"]),
        (f"turn p50 ({args.conversations} conversations at once, ms)", report["turn_p50_ms"]),
        ("turn p95 (ms)", report["turn_p95_ms"]),
        ("turns per second", report["turns_per_s"]),
        ("turns right after SIGKILL of rasa-1 (ms)", report["after_kill_ms"]),
    ]
    rows += [(f"resident memory {name} (MB)", mb) for name, mb in report["rss_mb"].items()]  # type: ignore[attr-defined]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"| {label.ljust(width)} | {value} |")
    out = REPO / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "replicas.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
