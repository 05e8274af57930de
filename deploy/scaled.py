"""Process replicas on one machine: two Rasa servers and two gateways behind haproxy, one action
server, on PostgreSQL (Rasa's SQL tracker store and the knowledge base) and Redis (Rasa's lock
store; the world's rooms, sessions and rate limits).

`make run-scaled` runs `python -m deploy.scaled`; tests/scaled/ start the same stack. Every
process starts through scripts/internal-tokens.sh, so all replicas share the internal tokens of
the data folder, as the single-process Procfile does. These are processes on one machine, not
machines: they show that the engines' shared state (tracker store, lock store, world backplane)
is what makes a replica replaceable; containers on Kubernetes run the very same commands.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx
from sqlalchemy import make_url

from agent.rasa_client import WEBHOOK_PATH, warm_up_message
from deploy.haproxy import haproxy_config

REPO = Path(__file__).resolve().parents[1]
VENV_PYTHON = str(REPO / ".venv" / "bin" / "python")
TOKENS = str(REPO / "scripts" / "internal-tokens.sh")
RUN_RASA = str(REPO / "scripts" / "run-rasa.sh")
LOCK_STORES = ("redis", "in_memory")


class StackError(RuntimeError):
    """A process of the scaled stack did not start or did not become ready."""


@dataclass(frozen=True)
class Ports:
    rasa_frontend: int
    rasa: tuple[int, int]
    gateway_frontend: int
    gateway: tuple[int, int]
    actions: int


@dataclass(frozen=True)
class ScaledConfig:
    data_dir: Path
    # postgresql://user[:password]@host:port/database (the driver is chosen per environment)
    database_url: str
    # redis://[:password@]host:port/db
    redis_url: str
    ports: Ports
    lock_store: str = "redis"
    # Keeps this stack's Redis keys apart from any other's; alphanumeric (Rasa's rule).
    redis_prefix: str = "haechi"
    base_env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


@dataclass
class Service:
    """One process of the stack, in its own process group, logging to its own file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send the signal to the whole process group (the scripts exec, but be sure)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def driver_url(database_url: str, driver: str) -> str:
    """The same database for a given SQLAlchemy driver: psycopg (3) for the app's Python 3.11
    processes, psycopg2 for Rasa's SQLAlchemy 1.4 in its own environment."""
    url = make_url(database_url).set(drivername=f"postgresql+{driver}")
    return url.render_as_string(hide_password=False)


class ScaledStack:
    def __init__(self, config: ScaledConfig) -> None:
        if config.lock_store not in LOCK_STORES:
            raise ValueError(f"lock store must be one of {LOCK_STORES}")
        if not config.redis_prefix.isalnum():
            raise ValueError("the Redis prefix must be alphanumeric (Rasa's lock store rule)")
        self.config = config
        self.lock_store = config.lock_store
        self.logs = config.data_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.services: dict[str, Service] = {}
        ports = config.ports
        self.gateway_url = f"http://127.0.0.1:{ports.gateway_frontend}"
        self.rasa_url = f"http://127.0.0.1:{ports.rasa_frontend}"
        self.gateway_urls = [f"http://127.0.0.1:{port}" for port in ports.gateway]
        self.rasa_urls = [f"http://127.0.0.1:{port}" for port in ports.rasa]
        self.action_url = f"http://127.0.0.1:{ports.actions}"
        self.rasa_token = ""
        self.stats_socket = config.data_dir / "haproxy.sock"

    # -- environment -------------------------------------------------------------------------

    def common_env(self) -> dict[str, str]:
        config = self.config
        redis = urlsplit(config.redis_url)
        database_name = make_url(config.database_url).database or ""
        return {
            **config.base_env,
            "HAECHI_DATA_DIR": str(config.data_dir),
            "PYTHONPATH": str(REPO),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            # The knowledge base and every app table: psycopg 3.
            "HAECHI_DATABASE_URL": driver_url(config.database_url, "psycopg"),
            # Rasa's SQL tracker store in the same database (its table is `events`).
            "HAECHI_TRACKER_DIALECT": "postgresql",
            "HAECHI_TRACKER_HOST": driver_url(config.database_url, "psycopg2"),
            "HAECHI_TRACKER_DB": database_name,
            "HAECHI_LOCK_STORE": self.lock_store,
            "HAECHI_LOCK_STORE_HOST": redis.hostname or "127.0.0.1",
            "HAECHI_LOCK_STORE_PORT": str(redis.port or 6379),
            "HAECHI_LOCK_STORE_DB": (redis.path or "/0").strip("/") or "0",
            "HAECHI_LOCK_STORE_PASSWORD": redis.password or "",
            "HAECHI_LOCK_STORE_PREFIX": config.redis_prefix,
            # Gateway replicas share rooms, sessions and rate limits through Redis.
            "HAECHI_REDIS_URL": config.redis_url,
            "HAECHI_WORLD_REDIS_PREFIX": f"{config.redis_prefix}:world:",
            "HAECHI_RASA_URL": self.rasa_url,
            "HAECHI_ACTION_PORT": str(config.ports.actions),
            "HAECHI_ACTION_SERVER_URL": self.action_url,
            "HAECHI_ACTION_ENDPOINT_URL": f"{self.action_url}/webhook",
        }

    def _service(self, name: str, argv: Sequence[str], **env: str) -> Service:
        service = Service(
            name=name,
            argv=list(argv),
            env={**self.common_env(), **env},
            log_path=self.logs / f"{name}.log",
        )
        self.services[name] = service
        return service

    def _rasa_service(self, number: int) -> Service:
        port = self.config.ports.rasa[number - 1]
        return self._service(f"rasa-{number}", [TOKENS, RUN_RASA], HAECHI_RASA_PORT=str(port))

    # -- life cycle --------------------------------------------------------------------------

    def migrate(self) -> None:
        """Alembic on start, once, before any replica opens the knowledge base."""
        result = subprocess.run(
            [VENV_PYTHON, "-m", "knowledge", "migrate"],
            cwd=REPO,
            env=self.common_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise StackError(f"knowledge migrate failed:\n{result.stdout}\n{result.stderr}")

    def _read_token(self) -> str:
        result = subprocess.run(
            [TOKENS, "printenv", "HAECHI_RASA_TOKEN"],
            cwd=REPO,
            env=self.common_env(),
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return result.stdout.strip()

    def start(self, timeout: float = 1200.0) -> None:
        haproxy = shutil.which("haproxy")
        if haproxy is None:
            raise StackError("haproxy is not installed: `make haproxy` (apt-get install haproxy)")
        ports = self.config.ports
        config_path = self.config.data_dir / "haproxy.cfg"
        config_path.write_text(
            haproxy_config(
                rasa_frontend_port=ports.rasa_frontend,
                rasa_ports=ports.rasa,
                gateway_frontend_port=ports.gateway_frontend,
                gateway_ports=ports.gateway,
                stats_socket=self.stats_socket,
            ),
            encoding="utf-8",
        )
        self.rasa_token = self._read_token()
        self.migrate()
        # Rasa first: it takes longest (TensorFlow, the model); both create the tracker table
        # if missing, which Rasa tolerates between services started together.
        for number in (1, 2):
            self._rasa_service(number).start()
        self._service("actions", [TOKENS, VENV_PYTHON, "-m", "actions"]).start()
        self._service("haproxy", [haproxy, "-db", "-f", str(config_path)]).start()
        # The action server builds (and saves) the knowledge index before it listens; gateways
        # started after it load that index instead of embedding the same seed three times over.
        self._wait_ok("actions", f"{self.action_url}/health", time.monotonic() + timeout)
        for number, port in enumerate(ports.gateway, start=1):
            self._service(
                f"gateway-{number}",
                [TOKENS, VENV_PYTHON, "-m", "bot"],
                HAECHI_GATEWAY_HOST="127.0.0.1",
                HAECHI_GATEWAY_PORT=str(port),
            ).start()

    def restart_rasa(self, *, lock_store: str | None = None, timeout: float = 1200.0) -> None:
        """Stop both Rasa replicas (if running) and start them again, optionally on another lock
        store, and wait until both answer warm."""
        if lock_store is not None:
            if lock_store not in LOCK_STORES:
                raise ValueError(f"lock store must be one of {LOCK_STORES}")
            self.lock_store = lock_store
        for number in (1, 2):
            self.services[f"rasa-{number}"].stop()
        for number in (1, 2):
            self._rasa_service(number).start()
        deadline = time.monotonic() + timeout
        for number in (1, 2):
            self._wait_rasa(number, deadline)
        self._wait_balanced(deadline)

    def start_rasa(self, number: int, *, timeout: float = 1200.0) -> None:
        """Start one replica again (after a crash) and wait until it answers warm."""
        self.services[f"rasa-{number}"].stop()
        self._rasa_service(number).start()
        deadline = time.monotonic() + timeout
        self._wait_rasa(number, deadline)
        self._wait_balanced(deadline)

    def stop(self) -> None:
        # The balancer first (no new traffic), then the gateways, then what they call.
        order = ["haproxy", "gateway-1", "gateway-2", "rasa-1", "rasa-2", "actions"]
        names = order + [name for name in self.services if name not in order]
        for name in names:
            if name in self.services:
                self.services[name].stop()

    # -- the balancer's view ------------------------------------------------------------------

    def balancer_servers(self) -> dict[str, dict[str, str]]:
        """haproxy's statistics per replica (`status` UP/DOWN, `stot` requests served, ...),
        keyed by server name (rasa-1, gateway-2, ...), from its stats socket."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(str(self.stats_socket))
            client.sendall(b"show stat\n")
            chunks = []
            while chunk := client.recv(65536):
                chunks.append(chunk)
        rows = csv.DictReader(io.StringIO(b"".join(chunks).decode().lstrip("# ")))
        return {row["svname"]: row for row in rows if row["svname"] not in ("FRONTEND", "BACKEND")}

    def _wait_balanced(self, deadline: float) -> None:
        """Until haproxy's health checks see every running replica up."""
        while True:
            self._check_alive("haproxy")
            try:
                servers = self.balancer_servers()
            except OSError:
                servers = {}
            wanted = [
                name
                for name in ("rasa-1", "rasa-2", "gateway-1", "gateway-2")
                if self.services[name].running
            ]
            if servers and all(servers.get(name, {}).get("status") == "UP" for name in wanted):
                return
            if time.monotonic() > deadline:
                raise StackError(f"haproxy does not see the replicas up: {servers}")
            time.sleep(0.3)

    # -- readiness ---------------------------------------------------------------------------

    def _check_alive(self, name: str) -> None:
        service = self.services[name]
        if not service.running:
            raise StackError(f"{name} exited during start-up:\n{service.log_tail()}")

    def _wait_rasa(self, number: int, deadline: float) -> None:
        """Until the replica has its model and has made its first prediction (warm)."""
        url = self.rasa_urls[number - 1]
        params = {"token": self.rasa_token}
        while True:
            self._check_alive(f"rasa-{number}")
            try:
                status = httpx.get(f"{url}/status", params=params, timeout=5)
                if status.status_code == 200 and status.json().get("model_file"):
                    warm = httpx.post(
                        f"{url}{WEBHOOK_PATH}",
                        headers={"Authorization": f"Bearer {self.rasa_token}"},
                        json=warm_up_message(),
                        timeout=60,
                    )
                    if warm.status_code == 200:
                        return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise StackError(
                    f"rasa-{number} not ready:\n{self.services[f'rasa-{number}'].log_tail()}"
                )
            time.sleep(1)

    def _wait_ok(self, name: str, url: str, deadline: float) -> None:
        while True:
            self._check_alive(name)
            try:
                if httpx.get(url, timeout=10).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise StackError(f"{name} not ready at {url}:\n{self.services[name].log_tail()}")
            time.sleep(0.5)

    def wait_ready(self, timeout: float = 1200.0) -> None:
        deadline = time.monotonic() + timeout
        for number in (1, 2):
            self._wait_rasa(number, deadline)
        self._wait_ok("actions", f"{self.action_url}/health", deadline)
        for number, url in enumerate(self.gateway_urls, start=1):
            self._wait_ok(f"gateway-{number}", f"{url}/healthz", deadline)
        # The balancer passes traffic once its health checks have seen the replicas up.
        self._wait_balanced(deadline)
        self._wait_ok("haproxy", f"{self.gateway_url}/healthz", deadline)


# -- `python -m deploy.scaled` -------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m deploy.scaled", description=__doc__)
    parser.add_argument(
        "--database-url",
        default=env("HAECHI_SCALED_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument(
        "--redis-url", default=env("HAECHI_SCALED_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--data-dir", type=Path, default=Path(env("HAECHI_DATA_DIR", "var")))
    parser.add_argument("--port", type=int, default=int(env("HAECHI_GATEWAY_PORT", "8000")))
    parser.add_argument("--rasa-port", type=int, default=int(env("HAECHI_RASA_PORT", "5005")))
    parser.add_argument("--action-port", type=int, default=int(env("HAECHI_ACTION_PORT", "5055")))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data_dir: Path = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    ports = Ports(
        rasa_frontend=args.rasa_port,
        rasa=(args.rasa_port + 1, args.rasa_port + 2),
        gateway_frontend=args.port,
        gateway=(args.port + 1, args.port + 2),
        actions=args.action_port,
    )
    stack = ScaledStack(
        ScaledConfig(
            data_dir=data_dir,
            database_url=args.database_url,
            redis_url=args.redis_url,
            ports=ports,
        )
    )
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    shown = make_url(args.database_url).render_as_string(hide_password=True)
    print(f"starting 2 Rasa replicas, 2 gateways, 1 action server and haproxy on {shown}")
    try:
        stack.start()
        stack.wait_ready()
        print(
            f"Haechi (scaled) is ready: open {stack.gateway_url}/ "
            f"(Rasa behind {stack.rasa_url}; logs in {stack.logs}; Ctrl-C stops every process)",
            flush=True,
        )
        # Like a container's restart policy: a replica that dies is started again; the other
        # replica serves meanwhile.
        while not stopping:
            time.sleep(1)
            for name, service in list(stack.services.items()):
                if not service.running and not stopping:
                    print(f"{name} exited; starting it again", file=sys.stderr, flush=True)
                    service.stop()
                    service.start()
    except StackError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
