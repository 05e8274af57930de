"""World bridge load: N concurrent players joining, moving and talking to NPCs over /ws/world.

Starts a gateway (`python -m bot`) on a free port and, unless `--rasa-url` names a running Rasa,
a stand-in Rasa HTTP server on localhost that answers every message after `--agent-delay`
seconds (about the measured p50 of the real Rasa round trip). The numbers then measure the
bridge (sockets, fan-out, the Rasa client), not the NLU. Players spread over the seven rooms;
each moves every `--move-every` seconds and talks every `--talk-every` seconds. Prints a table
and writes var/bench/world_load.json.

    .venv/bin/python -m bench.world_load --players 100 500 1000
    .venv/bin/python -m bench.world_load stand-in-rasa --port 5999    # the stand-in alone
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.stack import REPO, free_port
from world_bridge.config import default_world

STAND_IN_NOTE = (
    "stand-in Rasa HTTP server on localhost (fixed reply after --agent-delay); "
    "the real Rasa stack is not behind the NPCs in this run"
)


# -- the stand-in Rasa --------------------------------------------------------------------------


def stand_in_rasa(delay_seconds: float) -> Starlette:
    """Answers the REST channel and /model/parse like Rasa does, with one canned reply."""

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        await asyncio.sleep(delay_seconds)
        npc = (body.get("metadata") or {}).get("npc", "npc")
        reply = {
            "text": f"{npc}: 안내해 드리겠습니다.",
            "language": "ko",
            "npc": {"emote": "smile"},
        }
        return JSONResponse([{"recipient_id": body.get("sender"), "custom": reply}])

    async def parse(request: Request) -> JSONResponse:
        await request.json()
        return JSONResponse({"intent": {"name": "faq", "confidence": 0.9}, "entities": []})

    async def status(request: Request) -> JSONResponse:
        return JSONResponse({"model_file": "stand-in", "model_id": "stand-in"})

    return Starlette(
        routes=[
            Route("/webhooks/gateway/webhook", webhook, methods=["POST"]),
            Route("/model/parse", parse, methods=["POST"]),
            Route("/status", status),
        ]
    )


def start_stand_in_rasa(port: int, delay_seconds: float) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bench.world_load", "stand-in-rasa", "--port", str(port)]
    command += ["--agent-delay", str(delay_seconds)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_until_up(f"http://127.0.0.1:{port}/status", process)
    return process


def start_gateway(
    port: int, rasa_url: str, data_dir: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HAECHI_DATA_DIR": str(data_dir),
        "HAECHI_GATEWAY_PORT": str(port),
        "HAECHI_RASA_URL": rasa_url,
        "HAECHI_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
        **(extra_env or {}),
    }
    env.pop("HAECHI_DATABASE_URL", None)
    process = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "bot"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_up(f"http://127.0.0.1:{port}/world", process)
    return process


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"{url}: the process exited during start-up:\n{error[-3000:]}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{url} did not answer within {seconds:g}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- players ------------------------------------------------------------------------------------


@dataclass
class Tally:
    connected: int = 0
    failed_connects: int = 0
    received: int = 0
    sent: int = 0
    talks: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    disconnects: int = 0


@dataclass
class Timing:
    """Set once every player is connected; then `ready` fires and play starts together."""

    ready: asyncio.Event = field(default_factory=asyncio.Event)
    start_at: float = 0.0
    stop_at: float = 0.0


@dataclass(frozen=True)
class Plan:
    url: str
    rooms: list[tuple[str, list[str], float]]
    move_every: float
    talk_every: float


async def _player(number: int, plan: Plan, timing: Timing, tally: Tally) -> None:
    room, npcs, half = plan.rooms[number % len(plan.rooms)]
    rng = random.Random(number)
    try:
        socket = await connect(plan.url, open_timeout=120, max_queue=None, ping_interval=None)
    except (OSError, TimeoutError):
        tally.failed_connects += 1
        return
    waiting: dict[str, float] = {}
    async with socket:
        reader: asyncio.Task[None] | None = None
        try:
            hello = {"type": "hello", "protocol": 1, "player_id": f"load-{number}"}
            await _send(socket, tally, {**hello, "name": f"player {number}"})
            await _send(socket, tally, {"type": "join", "room": room})
            tally.connected += 1
            reader = asyncio.create_task(_read(socket, tally, waiting))
            await timing.ready.wait()
            await asyncio.sleep(rng.random() * plan.move_every)
            next_talk = timing.start_at + rng.random() * plan.talk_every
            while time.monotonic() < timing.stop_at:
                x, z = round(rng.uniform(-half, half), 2), round(rng.uniform(-half, half), 2)
                await _send(socket, tally, {"type": "move", "x": x, "y": 0, "z": z})
                if time.monotonic() >= next_talk and not waiting:
                    npc = rng.choice(npcs)
                    waiting[npc] = time.monotonic()
                    tally.talks += 1
                    talk = {"type": "talk", "npc": npc, "text": "자동차세 언제 내요?"}
                    await _send(socket, tally, talk)
                    next_talk += plan.talk_every
                await asyncio.sleep(plan.move_every)
            await asyncio.sleep(max(0.0, timing.stop_at + 3.0 - time.monotonic()))
        except ConnectionClosed:
            tally.disconnects += 1
        finally:
            if reader is not None:
                reader.cancel()


async def _send(socket: ClientConnection, tally: Tally, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message, ensure_ascii=False))
    tally.sent += 1


async def _read(socket: ClientConnection, tally: Tally, waiting: dict[str, float]) -> None:
    try:
        while True:
            # Bytes, not text: the load client looks inside only the frames it measures.
            frame = await socket.recv(decode=False)
            tally.received += 1
            if b'"type":"npc_say"' in frame:
                sent_at = waiting.pop(json.loads(frame)["npc"], None)
                if sent_at is not None:
                    tally.latencies.append(time.monotonic() - sent_at)
            elif b'"type":"error"' in frame:
                code = json.loads(frame)["code"]
                tally.errors[code] = tally.errors.get(code, 0) + 1
    except ConnectionClosed:
        tally.disconnects += 1


def _percentile(samples: list[float], fraction: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run_load(
    gateway_port: int,
    gateway_pid: int,
    players: int,
    *,
    duration: float,
    move_every: float,
    talk_every: float,
) -> dict[str, Any]:
    rooms = [
        (room.id, [npc.id for npc in room.npcs], room.half_size - 1)
        for room in default_world().rooms
    ]
    plan = Plan(f"ws://127.0.0.1:{gateway_port}/ws/world", rooms, move_every, talk_every)
    tally, timing = Tally(), Timing()
    baseline = rss_mib(gateway_pid)
    began = time.monotonic()
    tasks: list[asyncio.Task[None]] = []
    for number in range(players):  # people arrive in waves of 50
        tasks.append(asyncio.create_task(_player(number, plan, timing, tally)))
        if number % 50 == 49:
            await asyncio.sleep(0.05)
    for _ in range(1800):  # up to 3 minutes for everyone to be in
        if tally.connected + tally.failed_connects >= players:
            break
        await asyncio.sleep(0.1)
    connect_seconds = time.monotonic() - began
    await asyncio.sleep(1.0)  # let the join fan-out settle before counting
    received_before, sent_before = tally.received, tally.sent
    cpu_before, client_cpu_before = cpu_seconds(gateway_pid), time.process_time()
    timing.start_at = time.monotonic()
    timing.stop_at = timing.start_at + duration
    timing.ready.set()
    peak = baseline
    while time.monotonic() < timing.stop_at:
        peak = max(peak, rss_mib(gateway_pid))
        await asyncio.sleep(0.5)
    received, sent = tally.received - received_before, tally.sent - sent_before
    gateway_cpu = (cpu_seconds(gateway_pid) - cpu_before) / duration
    client_cpu = (time.process_time() - client_cpu_before) / duration
    # Every move goes to everyone else in the room: what the players asked the gateway to send.
    per_room = [sum(1 for n in range(players) if n % len(rooms) == r) for r in range(len(rooms))]
    offered = sum(n * (n - 1) for n in per_room) / move_every
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [seconds * 1000 for seconds in tally.latencies]
    return {
        "players": players,
        "connected": tally.connected,
        "failed_connects": tally.failed_connects,
        "connect_seconds": round(connect_seconds, 2),
        "talks": tally.talks,
        "replies": len(latencies),
        "reply_ms_p50": round(_percentile(latencies, 0.50), 1),
        "reply_ms_p95": round(_percentile(latencies, 0.95), 1),
        "reply_ms_p99": round(_percentile(latencies, 0.99), 1),
        "reply_ms_mean": round(statistics.fmean(latencies), 1) if latencies else None,
        "moves_fanned_out_per_s_offered": round(offered),
        "messages_received_per_s": round(received / duration),
        "messages_sent_per_s": round(sent / duration),
        "errors": tally.errors,
        "disconnects": tally.disconnects,
        "gateway_cpu_percent": round(gateway_cpu * 100),
        "load_client_cpu_percent": round(client_cpu * 100),
        # Other work on the machine skews every number: 2 cores are shared with the clients.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "gateway_rss_mib_idle": round(baseline, 1),
        "gateway_rss_mib_peak": round(peak, 1),
    }


# -- command line -------------------------------------------------------------------------------


def _machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _table(rows: list[dict[str, Any]]) -> str:
    header = (
        "| players | connected | talks | replies | p50 ms | p95 ms | p99 ms | msgs in/s "
        "| msgs out/s | errors | drops | gateway CPU | client CPU | RSS MiB idle→peak |"
    )
    lines = [header, "|" + "---|" * 14]
    for row in rows:
        errors = sum(row["errors"].values())
        lines.append(
            f"| {row['players']} | {row['connected']} | {row['talks']} | {row['replies']} "
            f"| {row['reply_ms_p50']} | {row['reply_ms_p95']} | {row['reply_ms_p99']} "
            f"| {row['messages_received_per_s']} | {row['messages_sent_per_s']} | {errors} "
            f"| {row['disconnects']} | {row['gateway_cpu_percent']}% "
            f"| {row['load_client_cpu_percent']}% "
            f"| {row['gateway_rss_mib_idle']}→{row['gateway_rss_mib_peak']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", choices=["load", "stand-in-rasa"], default="load")
    parser.add_argument("--players", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of play per run")
    parser.add_argument("--move-every", type=float, default=2.0, help="seconds between moves")
    parser.add_argument("--talk-every", type=float, default=10.0, help="seconds between talks")
    parser.add_argument("--agent-delay", type=float, default=0.04, help="stand-in reply delay")
    parser.add_argument("--rasa-url", help="a running Rasa instead of the stand-in")
    parser.add_argument("--port", type=int, help="stand-in-rasa: port to listen on")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "world_load.json")
    args = parser.parse_args(argv)

    if args.mode == "stand-in-rasa":
        uvicorn.run(
            stand_in_rasa(args.agent_delay), host="127.0.0.1", port=args.port, log_level="warning"
        )
        return 0

    stand_in: subprocess.Popen[bytes] | None = None
    rasa_url = args.rasa_url
    if rasa_url is None:
        port = free_port()
        stand_in = start_stand_in_rasa(port, args.agent_delay)
        rasa_url = f"http://127.0.0.1:{port}"
        print(f"agent: {STAND_IN_NOTE}")
    rows: list[dict[str, Any]] = []
    try:
        for players in args.players:
            with tempfile.TemporaryDirectory(prefix="haechi-world-load-") as data_dir:
                port = free_port()
                # A fresh gateway per size, so memory is that size's alone.
                gateway = start_gateway(port, rasa_url, Path(data_dir))
                try:
                    row = asyncio.run(
                        run_load(
                            port,
                            gateway.pid,
                            players,
                            duration=args.duration,
                            move_every=args.move_every,
                            talk_every=args.talk_every,
                        )
                    )
                finally:
                    stop(gateway)
            rows.append(row)
            print(f"{players} players: done", flush=True)
    finally:
        if stand_in is not None:
            stop(stand_in)

    print()
    print(_table(rows))
    report = {
        "benchmark": "world_load",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "agent": STAND_IN_NOTE if args.rasa_url is None else f"Rasa at {args.rasa_url}",
        "settings": {
            "duration_s": args.duration,
            "move_every_s": args.move_every,
            "talk_every_s": args.talk_every,
            "agent_delay_s": args.agent_delay if args.rasa_url is None else None,
            "rooms": len(default_world().rooms),
            "clients": "one asyncio process (websockets) on the same machine as the gateway",
        },
        "runs": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
