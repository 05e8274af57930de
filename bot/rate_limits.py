"""Per-client rate limits on the public routes (the `limits` library), shared through Redis.

Each scope (chat, knowledge search, tax, staff login, new chat sessions) has its own limits from
settings, counted per client address in a moving window. With `HAECHI_REDIS_URL` set the counts
live in Redis, so every gateway replica sees the same client; without it they live in the
process. A Redis outage fails open with a warning: an unavailable limiter must not take the
city's chat down with it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from bot.settings import GatewaySettings

logger = logging.getLogger(__name__)

Scope = Literal["chat", "sessions", "search", "tax", "staff_login"]


class RateLimits:
    def __init__(
        self, storage: Storage, limits: dict[str, list[RateLimitItem]], *, enabled: bool = True
    ) -> None:
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._limits = limits
        self.enabled = enabled

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> RateLimits:
        storage: Storage
        if settings.redis_url:
            storage = RedisStorage(
                f"async+{settings.redis_url}",
                implementation="redispy",
                key_prefix=f"{settings.world_redis_prefix}limits",
            )
        else:
            storage = MemoryStorage()
        limits = {
            "chat": parse_many(settings.rate_limit_chat),
            "sessions": parse_many(settings.rate_limit_sessions),
            "search": parse_many(settings.rate_limit_search),
            "tax": parse_many(settings.rate_limit_tax),
            "staff_login": parse_many(settings.rate_limit_staff_login),
        }
        return cls(storage, limits, enabled=settings.rate_limits_enabled)

    async def retry_after(self, scope: Scope, client: str) -> int | None:
        """Count one request; None when allowed, else the seconds until the client may retry."""
        if not self.enabled:
            return None
        try:
            for item in self._limits[scope]:
                if not await self._limiter.hit(item, scope, client):
                    stats = await self._limiter.get_window_stats(item, scope, client)
                    return max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as error:  # noqa: BLE001 - any storage failure fails open
            logger.warning("rate limiter unavailable (%s); request allowed", type(error).__name__)
        return None

    async def reset(self) -> None:
        await self._storage.reset()


def client_address(request: Request) -> str:
    """The client's address (behind a proxy, uvicorn's --forwarded-allow-ips sets it)."""
    return request.client.host if request.client else "unknown"


def rate_limit(scope: Scope) -> Callable[[Request], Awaitable[None]]:
    """A route dependency: 429 with Retry-After once the client is over the scope's limits."""

    async def check(request: Request) -> None:
        limits: RateLimits = request.app.state.rate_limits
        seconds = await limits.retry_after(scope, client_address(request))
        if seconds is not None:
            raise HTTPException(
                status_code=429,
                detail=f"too many requests; try again in {seconds} s / "
                f"요청이 너무 많습니다. {seconds}초 후에 다시 시도해 주세요",
                headers={"Retry-After": str(seconds)},
            )

    return check
