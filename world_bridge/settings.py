"""Settings of the world bridge (/ws/world), part of whichever process mounts it."""

from __future__ import annotations

from agent.settings import AgentSettings


class WorldSettings(AgentSettings):
    # Redis shares rooms, sessions and limits between gateway replicas; none = in-process.
    redis_url: str | None = None
    world_redis_prefix: str = "haechi:world:"
    world_idle_timeout_seconds: float = 300.0
    world_resume_seconds: float = 120.0
    # The protocol's own frame limit; the server's WebSocket limit is set to the same value.
    world_max_frame_bytes: int = 16384
    world_rate_per_second: float = 20.0
    world_rate_burst: int = 40
