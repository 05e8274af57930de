"""Who may open a world socket: allowed browser origins, and caps on connections.

Checked before the WebSocket is accepted, so a refused client gets an HTTP 403 during the
handshake and costs the bridge no reader, writer or session.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from starlette.datastructures import Headers

from world_bridge.settings import WorldSettings


def origin_allowed(headers: Headers, allowed: list[str]) -> bool:
    origin = headers.get("origin")
    if origin is None:
        return True
    if "*" in allowed:
        return True
    if allowed:
        return origin.rstrip("/") in {entry.rstrip("/") for entry in allowed}
    # Same origin: the page came from this very server.
    return urlsplit(origin).netloc.lower() == (headers.get("host") or "").lower()


class ConnectionLimits:
    """Counts open sockets per client address and in total."""

    def __init__(self, settings: WorldSettings) -> None:
        self._settings = settings
        self._per_client: Counter[str] = Counter()
        self.total = 0

    def refusal(self, client: str, headers: Headers) -> str | None:
        """Why this socket may not open (None: it may)."""
        if not origin_allowed(headers, self._settings.world_allowed_origins):
            return "origin not allowed"
        if self.total >= self._settings.world_max_connections:
            return "the world is full"
        if self._per_client[client] >= self._settings.world_max_connections_per_client:
            return "too many connections from this address"
        return None

    def opened(self, client: str) -> None:
        self._per_client[client] += 1
        self.total += 1

    def closed(self, client: str) -> None:
        self._per_client[client] -= 1
        if self._per_client[client] <= 0:
            del self._per_client[client]
        self.total -= 1
