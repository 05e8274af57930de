"""Rasa's Redis lock store with atomic ticket updates, for Rasa replicas.

Rasa 3.6's `RedisLockStore` keeps a conversation's ticket lock as one JSON value and changes it
by read, modify, write in separate commands (issue a ticket, drop expired ones, finish, clean
up). Two replicas doing that at once overwrite each other: a ticket is lost, both replicas hold
"the" lock, and their turns interleave in the tracker store (seen in tests/scaled: one of 8
messages of a burst lost). Here every change runs as a Redis optimistic transaction (WATCH the
key, MULTI/EXEC, retry when another replica changed it first), and finishing a ticket and
deleting an empty lock are one change. Waiting, ticket order and lifetimes stay Rasa's.

endpoints.yml: `lock_store: type: nlu.stores.redis_lock_store.AtomicRedisLockStore` with the
same `url`, `port`, `db`, `password` and `key_prefix` as Rasa's `redis` type.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Result]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds custom lock stores from the endpoint config alone.
        kwargs: dict[str, Any] = dict(endpoint_config.kwargs)
        super().__init__(host=endpoint_config.url or "localhost", **kwargs)

    def _change(self, conversation_id: str, change: Change[Result]) -> Result:
        """Apply `change` to the stored lock atomically: None from it deletes the lock."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    current = TicketLock.from_dict(json.loads(raw)) if raw else None
                    changed, result = change(current)
                    pipe.multi()
                    if changed is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another replica changed this lock first: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock | None, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket and delete the lock if no one else waits: one change, so a ticket
        another replica issues in between is never deleted with it."""

        def finish_and_tidy(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish_and_tidy)
