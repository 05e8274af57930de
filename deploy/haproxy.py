"""The haproxy configuration of the replicas on one machine: round robin, no stickiness, loopback.

Two frontends: one for Rasa (the gateways' HAECHI_RASA_URL) and one for the gateways (what
citizens and the 3D client reach). A replica that refuses a connection or drops it without an
answer is retried on the other one at once (`retry-on`, `redispatch`), before the health check
has even noticed it is gone; the health check then takes it out of the rotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def haproxy_config(
    *,
    rasa_frontend_port: int,
    rasa_ports: Sequence[int],
    gateway_frontend_port: int,
    gateway_ports: Sequence[int],
    host: str = "127.0.0.1",
    stats_socket: Path | None = None,
) -> str:
    rasa_servers = "\n".join(
        f"    server rasa-{number} {host}:{port} check"
        for number, port in enumerate(rasa_ports, start=1)
    )
    gateway_servers = "\n".join(
        f"    server gateway-{number} {host}:{port} check"
        for number, port in enumerate(gateway_ports, start=1)
    )
    # The launcher reads which replicas the balancer sees up (and how many requests each
    # served) from this socket; a Unix socket in the data folder, readable by this user only.
    stats = f"    stats socket {stats_socket} mode 600 level user\n" if stats_socket else ""
    return f"""\
# Written by deploy/scaled.py for one run; edit deploy/haproxy.py instead.
global
    maxconn 8192
{stats}
defaults
    mode http
    timeout connect 1s
    timeout client 120s
    timeout server 120s
    # WebSockets (/ws/world) stay open as long as the player plays.
    timeout tunnel 1h
    # A replica that is gone: try again, on the other replica from the first retry on.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    # A busy Rasa (a prediction holds its event loop) may take seconds to answer a check: that is
    # not dead. A dead one refuses connections, and the retry above covers it meanwhile.
    timeout check 10s
    default-server inter 2s fall 3 rise 2

frontend rasa
    bind {host}:{rasa_frontend_port}
    default_backend rasa_replicas

backend rasa_replicas
    balance roundrobin
    # Rasa answers / only once its model is loaded.
    option httpchk GET /
    http-check expect status 200
{rasa_servers}

frontend gateway
    bind {host}:{gateway_frontend_port}
    # The gateways take the citizen's address from X-Forwarded-For (uvicorn trusts loopback),
    # so per-client limits still count per citizen behind the balancer.
    option forwardfor
    default_backend gateways

backend gateways
    balance roundrobin
    # A gateway that answers is alive, even while it reports a dependency degraded (503).
    option httpchk GET /healthz
    http-check expect rstatus ^(200|503)$
{gateway_servers}
"""
