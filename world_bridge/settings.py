"""Settings of the world bridge (/ws/world), part of whichever process mounts it."""

from __future__ import annotations

from pydantic import Field

from agent.settings import AgentSettings


class WorldSettings(AgentSettings):
    # Redis shares rooms, sessions and limits between gateway replicas; none = in-process.
    redis_url: str | None = None
    world_redis_prefix: str = "haechi:world:"
    world_idle_timeout_seconds: float = 300.0
    world_resume_seconds: float = 120.0
    # The protocol's own frame limit; the server's WebSocket limit is set to the same value.
    world_max_frame_bytes: int = 16384
    # Room traffic goes out once a tick: every move, arrival and NPC animation of the tick in one
    # frame per player (protocol 2). Shorter ticks: fresher positions, more frames.
    world_tick_seconds: float = Field(default=0.15, gt=0.0, le=2.0)
    # Interest management: the floor is cut into squares of this size, and a player is sent the
    # moves in their square and the eight around it (protocol 2).
    world_view_cell_metres: float = Field(default=6.0, gt=0.0)
    # WebSocket compression (permessage-deflate) compresses each tick frame once per player: at
    # 2,000 players it was a quarter of the gateway's CPU (bench/world_load.py), for frames of a
    # few hundred bytes. Off by default; a deployment short of bandwidth can turn it on.
    world_compression: bool = False
    world_rate_per_second: float = 20.0
    world_rate_burst: int = 40
    # Sockets a gateway accepts, in total and from one client address.
    world_max_connections: int = 2500
    world_max_connections_per_client: int = 20
    # Browser origins allowed to open /ws/world ("*" for any). Empty: only pages this server
    # serves (Origin matching the Host). Clients that send no Origin (native 3D clients, tools)
    # are not browsers, so the browser-only cross-site risk does not apply to them.
    world_allowed_origins: list[str] = []
