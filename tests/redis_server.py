"""A real Redis for tests: the one named, the machine's, or a throwaway one.

HAECHI_TEST_REDIS_URL must answer when set; otherwise the server on 127.0.0.1:6379 is used when
it answers (CI machines run one); otherwise Debian's `redis-server` binary is started on a free
port with no persistence and stopped afterwards, so a fresh machine passes too. Tests never skip
for want of Redis.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.stack import free_port

MACHINE_REDIS = "redis://127.0.0.1:6379/0"


def answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@contextmanager
def throwaway_redis(folder: Path) -> Iterator[str]:
    """A private redis-server on a free loopback port, for as long as the context lasts."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "no Redis answers and Debian's redis-server is not installed: "
            "`make test` installs it (apt-get install redis-server), or set HAECHI_TEST_REDIS_URL"
        )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 30
        while not answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the throwaway redis-server did not start on port {port}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def redis_for_tests(folder: Path) -> Iterator[str]:
    named = os.environ.get("HAECHI_TEST_REDIS_URL")
    if named:
        if not answers(named):
            raise RuntimeError(f"HAECHI_TEST_REDIS_URL={named} does not answer")
        yield named
    elif answers(MACHINE_REDIS):
        yield MACHINE_REDIS
    else:
        with throwaway_redis(folder) as url:
            yield url
