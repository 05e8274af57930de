"""Rasa's ticket lock shared by two replicas through Redis (run with the Rasa environment).

Uses HAECHI_TEST_REDIS_URL, else the machine's Redis on 127.0.0.1:6379; fails when neither
answers. Keys get a unique prefix and are deleted afterwards.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from nlu.stores.redis_lock_store import AtomicRedisLockStore

THREADS = 8
TICKETS_EACH = 40


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = os.environ.get("HAECHI_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"the lock store tests need Redis and {url} does not answer ({error})")
    yield url
    client.close()


def _config(url: str, prefix: str) -> EndpointConfig:
    parts = redis.connection.parse_url(url)
    return EndpointConfig(
        url=parts.get("host", "127.0.0.1"),
        port=str(parts.get("port", 6379)),
        db=str(parts.get("db", 0)),
        key_prefix=prefix,
    )


def _issue_from_two_replicas(stores: list[RedisLockStore], conversation: str) -> list[int]:
    """THREADS threads, half on each replica's store, each issuing TICKETS_EACH tickets."""
    issued: list[int] = []
    guard = threading.Lock()

    def work(store: RedisLockStore) -> None:
        for _ in range(TICKETS_EACH):
            ticket = store.issue_ticket(conversation, 600)
            with guard:
                issued.append(ticket)

    threads = [threading.Thread(target=work, args=(stores[n % 2],)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return issued


def _cleanup(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_replicas_never_share_a_ticket(redis_url: str) -> None:
    prefix = f"haechitest{uuid.uuid4().hex[:10]}"
    stores = [AtomicRedisLockStore(_config(redis_url, prefix)) for _ in range(2)]
    try:
        issued = _issue_from_two_replicas(stores, "web:burst")
        assert sorted(issued) == list(range(THREADS * TICKETS_EACH))
        lock = stores[0].get_lock("web:burst")
        assert lock is not None and len(lock.tickets) == THREADS * TICKETS_EACH
        # Finishing every ticket leaves no lock behind.
        for ticket in issued:
            stores[ticket % 2].cleanup("web:burst", ticket)
        assert stores[1].get_lock("web:burst") is None
    finally:
        _cleanup(redis_url, prefix)


def test_rasas_own_redis_lock_store_loses_tickets_between_replicas(redis_url: str) -> None:
    """Why the atomic store exists: the same load on Rasa's store hands out a ticket twice."""
    prefix = f"haechitest{uuid.uuid4().hex[:10]}"
    config = _config(redis_url, prefix)
    stores = [RedisLockStore(host=config.url, **config.kwargs) for _ in range(2)]
    try:
        issued = _issue_from_two_replicas(stores, "web:burst")
        assert len(set(issued)) < len(issued), "no ticket was handed out twice"
    finally:
        _cleanup(redis_url, prefix)
