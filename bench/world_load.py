"""World bridge load: N concurrent players joining, moving and talking to NPCs over /ws/world.

For each size, starts a fresh gateway (`python -m bot`) on a free port, behind either a stand-in
Rasa HTTP server on localhost that answers after `--agent-delay` seconds (the numbers then
measure the bridge: sockets, fan-out, the Rasa client), or the real stack (Rasa and the action
server through the Procfile, the trained model in models/), or both in turn. Players spread over
the seven rooms; each moves every `--move-every` seconds (a step of up to 1.5 m, or `--moves
jump` anywhere in the room), and players talk to NPCs `--talks-per-second` times a second in
all. Every `--observe-every`th player times the others' moves it is sent (from the mover's send
to its receipt, one clock). Prints a table with the machine and writes var/bench/world_load.json.

    .venv/bin/python -m bench.world_load                      # 500 1000 2000 4000, both agents
    .venv/bin/python -m bench.world_load --agent stand-in --players 1000 --protocol 1
    .venv/bin/python -m bench.world_load stand-in-rasa --port 5999    # the stand-in alone
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn
import uvloop
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

import tests.stack as stack_module
from bench.processes import percentile, rss_mb
from tests.stack import REPO, RunningStack, free_port, start_stack
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
    received_bytes: int = 0
    sent: int = 0
    talks: int = 0
    latencies: list[float] = field(default_factory=list)
    move_latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    disconnects: int = 0
    closed_slow: int = 0
    # player_id -> (x, z, when sent) of that player's newest moves, for the observers (several:
    # a move seen after the next one was sent still counts, however late)
    last_moves: dict[str, deque[tuple[float, float, float]]] = field(default_factory=dict)


@dataclass
class Timing:
    """Set once every player is connected; then `ready` fires and play starts together."""

    ready: asyncio.Event = field(default_factory=asyncio.Event)
    start_at: float = 0.0
    stop_at: float = 0.0
    measuring: bool = False


@dataclass(frozen=True)
class Plan:
    url: str
    rooms: list[tuple[str, list[str], float]]
    move_every: float
    talk_chance: float  # per move: talks a second across the world / moves a second
    protocol: int
    walk: bool
    observe_every: int


async def _player(number: int, plan: Plan, timing: Timing, tally: Tally) -> None:
    room, npcs, half = plan.rooms[number % len(plan.rooms)]
    rng = random.Random(number)
    player_id = f"load-{number}"
    try:
        socket = await connect(plan.url, open_timeout=120, max_queue=None, ping_interval=None)
    except (OSError, TimeoutError):
        tally.failed_connects += 1
        return
    waiting: dict[str, float] = {}
    observer = number % plan.observe_every == 0
    x, z = round(rng.uniform(-half, half), 2), round(rng.uniform(-half, half), 2)
    async with socket:
        reader: asyncio.Task[None] | None = None
        try:
            hello = {"type": "hello", "protocol": plan.protocol, "player_id": player_id}
            await _send(socket, tally, {**hello, "name": f"player {number}"})
            await _send(socket, tally, {"type": "join", "room": room})
            tally.connected += 1
            reader = asyncio.create_task(
                _read(socket, tally, timing, waiting, player_id if observer else None)
            )
            await timing.ready.wait()
            await asyncio.sleep(rng.random() * plan.move_every)
            while time.monotonic() < timing.stop_at:
                if plan.walk:  # a step of up to 1.5 m in any direction
                    x = round(min(max(x + rng.uniform(-1.5, 1.5), -half), half), 2)
                    z = round(min(max(z + rng.uniform(-1.5, 1.5), -half), half), 2)
                else:  # anywhere in the room
                    x, z = round(rng.uniform(-half, half), 2), round(rng.uniform(-half, half), 2)
                recent = tally.last_moves.setdefault(player_id, deque(maxlen=16))
                recent.append((x, z, time.monotonic()))
                await _send(socket, tally, {"type": "move", "x": x, "y": 0, "z": z})
                if not waiting and rng.random() < plan.talk_chance:
                    npc = rng.choice(npcs)
                    waiting[npc] = time.monotonic()
                    tally.talks += 1
                    talk = {"type": "talk", "npc": npc, "text": "자동차세 언제 내요?"}
                    await _send(socket, tally, talk)
                await asyncio.sleep(plan.move_every)
            await asyncio.sleep(max(0.0, timing.stop_at + 3.0 - time.monotonic()))
        except ConnectionClosed as closed:
            _closed(tally, closed)
        finally:
            if reader is not None:
                reader.cancel()


def _closed(tally: Tally, closed: ConnectionClosed) -> None:
    tally.disconnects += 1
    if closed.rcvd is not None and closed.rcvd.code == 1013:
        tally.closed_slow += 1


async def _send(socket: ClientConnection, tally: Tally, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message, ensure_ascii=False))
    tally.sent += 1


async def _read(
    socket: ClientConnection,
    tally: Tally,
    timing: Timing,
    waiting: dict[str, float],
    observer: str | None,
) -> None:
    """Count frames; replies are timed by everyone, others' moves by the observers only."""
    try:
        while True:
            # Bytes, not text: the load client looks inside only the frames it measures.
            frame = await socket.recv(decode=False)
            tally.received += 1
            tally.received_bytes += len(frame)
            if b'"type":"npc_say"' in frame:
                sent_at = waiting.pop(orjson.loads(frame)["npc"], None)
                if sent_at is not None and timing.measuring:
                    tally.latencies.append(time.monotonic() - sent_at)
            elif b'"type":"error"' in frame:
                code = orjson.loads(frame)["code"]
                tally.errors[code] = tally.errors.get(code, 0) + 1
            elif observer is not None and timing.measuring:
                _observe(frame, observer, tally)
    except ConnectionClosed as closed:
        _closed(tally, closed)


def _observe(frame: bytes, observer: str, tally: Tally) -> None:
    """Time the others' moves in a frame against when their sender sent them."""
    now = time.monotonic()
    if frame.startswith(b'{"type":"tick"'):
        moves = orjson.loads(frame).get("moves", ())
    elif b'"type":"player_moved"' in frame:
        moved = orjson.loads(frame)
        moves = [(moved["player_id"], moved["x"], moved["y"], moved["z"])]
    else:
        return
    for player_id, x, _y, z in moves:
        if player_id == observer:
            continue
        for sent_x, sent_z, sent_at in reversed(tally.last_moves.get(player_id, ())):
            if sent_x == x and sent_z == z:
                tally.move_latencies.append(now - sent_at)
                break


async def run_load(
    gateway_port: int,
    gateway_pid: int,
    players: int,
    *,
    duration: float,
    move_every: float,
    talks_per_second: float,
    protocol: int,
    walk: bool,
    observe_every: int,
) -> dict[str, Any]:
    rooms = [
        (room.id, [npc.id for npc in room.npcs], room.half_size - 1)
        for room in default_world().rooms
    ]
    moves_per_second = players / move_every
    plan = Plan(
        f"ws://127.0.0.1:{gateway_port}/ws/world",
        rooms,
        move_every,
        min(1.0, talks_per_second / moves_per_second),
        protocol,
        walk,
        observe_every,
    )
    tally, timing = Tally(), Timing()
    baseline = rss_mb(gateway_pid)
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
    # The load client's own full garbage collections over its thousands of sockets stalled it
    # for up to 220 ms, which it then counted as the gateway's latency.
    gc.collect()
    gc.freeze()
    timing.start_at = time.monotonic()
    timing.stop_at = timing.start_at + duration
    timing.ready.set()
    # The first move of everyone is spread over one move interval: measure after it.
    await asyncio.sleep(move_every)
    received_before, sent_before = tally.received, tally.sent
    bytes_before = tally.received_bytes
    cpu_before, client_cpu_before = cpu_seconds(gateway_pid), time.process_time()
    measured_from = time.monotonic()
    timing.measuring = True
    peak = baseline
    while time.monotonic() < timing.stop_at:
        peak = max(peak, rss_mb(gateway_pid))
        await asyncio.sleep(0.5)
    timing.measuring = False
    measured = time.monotonic() - measured_from
    received, sent = tally.received - received_before, tally.sent - sent_before
    received_bytes = tally.received_bytes - bytes_before
    gateway_cpu = (cpu_seconds(gateway_pid) - cpu_before) / measured
    client_cpu = (time.process_time() - client_cpu_before) / measured
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [seconds * 1000 for seconds in tally.latencies]
    moves = [seconds * 1000 for seconds in tally.move_latencies]
    return {
        "players": players,
        "protocol": protocol,
        "connected": tally.connected,
        "failed_connects": tally.failed_connects,
        "connect_seconds": round(connect_seconds, 2),
        "measured_seconds": round(measured, 1),
        "move_samples": len(moves),
        "move_ms_p50": round(percentile(moves, 0.50), 1),
        "move_ms_p95": round(percentile(moves, 0.95), 1),
        "move_ms_p99": round(percentile(moves, 0.99), 1),
        "talks": tally.talks,
        "replies": len(latencies),
        "reply_ms_p50": round(percentile(latencies, 0.50), 1),
        "reply_ms_p95": round(percentile(latencies, 0.95), 1),
        "reply_ms_p99": round(percentile(latencies, 0.99), 1),
        "reply_ms_mean": round(statistics.fmean(latencies), 1) if latencies else None,
        "frames_received_per_s": round(received / measured),
        "kib_received_per_s": round(received_bytes / 1024 / measured),
        "messages_sent_per_s": round(sent / measured),
        "errors": tally.errors,
        "disconnects": tally.disconnects,
        "closed_slow": tally.closed_slow,
        "closed_slow_percent": round(100 * tally.closed_slow / max(1, tally.connected), 1),
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
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _table(rows: list[dict[str, Any]]) -> str:
    header = (
        "| agent | players | proto | move p50 ms | move p95 ms | NPC reply p50 ms "
        "| NPC reply p95 ms | replies | frames/s in | KiB/s in | closed slow | errors "
        "| gateway CPU | client CPU | gateway RSS MiB | load 1m |"
    )
    lines = [header, "|" + "---|" * 16]
    for row in rows:
        errors = sum(row["errors"].values())
        lines.append(
            f"| {row['agent']} | {row['players']} | {row['protocol']} "
            f"| {row['move_ms_p50']} | {row['move_ms_p95']} "
            f"| {row['reply_ms_p50']} | {row['reply_ms_p95']} | {row['replies']}/{row['talks']} "
            f"| {row['frames_received_per_s']} | {row['kib_received_per_s']} "
            f"| {row['closed_slow']} ({row['closed_slow_percent']}%) | {errors} "
            f"| {row['gateway_cpu_percent']}% | {row['load_client_cpu_percent']}% "
            f"| {row['gateway_rss_mib_idle']}→{row['gateway_rss_mib_peak']} "
            f"| {row['load_average_1min']} |"
        )
    return "\n".join(lines)


def _real_stack(data_dir: Path) -> tuple[RunningStack, dict[str, str]]:
    """The real Rasa and action server (the Procfile through honcho), and how to reach Rasa."""
    # Loading the model takes minutes on a busy 2-core machine: wait longer than the tests do.
    stack_module.STARTUP_SECONDS = max(stack_module.STARTUP_SECONDS, 1800)
    stack = start_stack(data_dir)
    token = (data_dir / "secrets" / "rasa.token").read_text().strip()
    return stack, {"HAECHI_RASA_TOKEN": token}


def _run_sizes(
    args: argparse.Namespace,
    agent: str,
    rasa_url: str,
    extra_env: dict[str, str],
    data_dir: Path | None,
) -> list[dict[str, Any]]:
    rows = []
    env = {
        **extra_env,
        "HAECHI_WORLD_MAX_CONNECTIONS": str(max(args.players) + 100),
        "HAECHI_WORLD_MAX_CONNECTIONS_PER_CLIENT": str(max(args.players) + 100),
    }
    for players in args.players:
        with tempfile.TemporaryDirectory(prefix="haechi-world-load-") as scratch:
            port = free_port()
            # A fresh gateway per size, so memory is that size's alone.
            gateway = start_gateway(port, rasa_url, data_dir or Path(scratch), env)
            try:
                row = _run(
                    run_load(
                        port,
                        gateway.pid,
                        players,
                        duration=args.duration,
                        move_every=args.move_every,
                        talks_per_second=args.talks_per_second,
                        protocol=args.protocol,
                        walk=args.moves == "walk",
                        observe_every=args.observe_every,
                    )
                )
            finally:
                stop(gateway)
        row["agent"] = agent
        rows.append(row)
        print(
            f"{agent}, {players} players: move p95 {row['move_ms_p95']} ms, "
            f"reply p95 {row['reply_ms_p95']} ms, closed slow {row['closed_slow']}",
            flush=True,
        )
    return rows


def _run(coroutine: Any) -> dict[str, Any]:
    # uvloop, as the gateway uses it: the load client's own overhead is part of what it
    # measures, on the same two cores.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        result: dict[str, Any] = runner.run(coroutine)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", choices=["load", "stand-in-rasa"], default="load")
    parser.add_argument("--players", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument(
        "--agent",
        choices=["stand-in", "real", "both"],
        default="both",
        help="the stand-in Rasa, the real stack (Procfile: Rasa + action server), or both",
    )
    parser.add_argument("--rasa-url", help="a running Rasa (token in HAECHI_RASA_TOKEN)")
    parser.add_argument("--protocol", type=int, choices=[1, 2], default=2)
    parser.add_argument("--moves", choices=["walk", "jump"], default="walk")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of play per run")
    parser.add_argument("--move-every", type=float, default=2.0, help="seconds between moves")
    parser.add_argument(
        "--talks-per-second", type=float, default=2.0, help="talks to NPCs across the world"
    )
    parser.add_argument(
        "--observe-every", type=int, default=10, help="every Nth player times moves"
    )
    parser.add_argument("--agent-delay", type=float, default=0.04, help="stand-in reply delay")
    parser.add_argument("--port", type=int, help="stand-in-rasa: port to listen on")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "world_load.json")
    args = parser.parse_args(argv)

    if args.mode == "stand-in-rasa":
        uvicorn.run(
            stand_in_rasa(args.agent_delay), host="127.0.0.1", port=args.port, log_level="warning"
        )
        return 0

    machine = _machine()
    print(f"machine: {machine['nproc']} CPUs, {machine['cpu']}; load {os.getloadavg()[0]:.2f}")
    rows: list[dict[str, Any]] = []
    agents = {"stand-in": ["stand-in"], "real": ["real"], "both": ["stand-in", "real"]}
    for agent in agents[args.agent]:
        if agent == "stand-in":
            port = free_port()
            stand_in = start_stand_in_rasa(port, args.agent_delay)
            print(f"agent: {STAND_IN_NOTE}", flush=True)
            try:
                rows += _run_sizes(args, agent, f"http://127.0.0.1:{port}", {}, None)
            finally:
                stop(stand_in)
        elif args.rasa_url:
            token = {"HAECHI_RASA_TOKEN": os.environ.get("HAECHI_RASA_TOKEN", "")}
            rows += _run_sizes(args, "real", args.rasa_url, token, None)
        else:
            with tempfile.TemporaryDirectory(prefix="haechi-world-stack-") as data_dir:
                print("agent: starting the real stack (Rasa + action server)...", flush=True)
                stack, env = _real_stack(Path(data_dir))
                try:
                    rows += _run_sizes(args, "real", stack.rasa_url, env, Path(data_dir))
                finally:
                    stack.stop()

    print()
    print(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), Python {machine['python']}")
    print(_table(rows))
    report = {
        "benchmark": "world_load",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "agents": {
            "stand-in": STAND_IN_NOTE,
            "real": "the real Rasa server and action server (Procfile), trained model in models/",
        },
        "settings": {
            "duration_s": args.duration,
            "move_every_s": args.move_every,
            "moves": args.moves,
            "talks_per_second": args.talks_per_second,
            "protocol": args.protocol,
            "observe_every": args.observe_every,
            "agent_delay_s": args.agent_delay,
            "rooms": len(default_world().rooms),
            "clients": "one asyncio process (websockets, uvloop) on the same machine as the "
            "gateway; move latency: sender's send to an observer's receipt (same clock)",
        },
        "runs": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
