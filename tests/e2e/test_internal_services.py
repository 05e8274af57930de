"""Rasa and the action server, as `make run` starts them: on loopback, refusing calls without
the internal tokens (which the stack generated into its data folder on first run)."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.stack import RunningStack

pytestmark = pytest.mark.e2e

LOOPBACK_V4 = "0100007F"


def listeners(port: int) -> list[str]:
    """Local addresses (hex, as /proc shows them) listening on `port`, IPv4 and IPv6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(address)
    return found


def data_dir(stack: RunningStack) -> Path:
    return stack.log_path.parent


def token(stack: RunningStack, name: str) -> str:
    return (data_dir(stack) / "secrets" / f"{name}.token").read_text().strip()


def test_tokens_are_generated_privately_on_first_run(stack: RunningStack) -> None:
    for name in ("rasa", "action"):
        path = data_dir(stack) / "secrets" / f"{name}.token"
        assert len(path.read_text().strip()) >= 40
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir(stack) / "secrets").stat().st_mode) == 0o700


@pytest.mark.parametrize("service", ["rasa", "action"])
def test_internal_services_listen_on_loopback_only(stack: RunningStack, service: str) -> None:
    url = stack.rasa_url if service == "rasa" else stack.action_url
    port = int(url.rsplit(":", 1)[1])
    addresses = listeners(port)
    assert addresses, f"nothing listens on {port}"
    assert set(addresses) == {LOOPBACK_V4}, addresses


def test_rasa_refuses_its_api_and_channel_without_the_token(stack: RunningStack) -> None:
    message = {"sender": "telegram:4242", "message": "자동차세 얼마예요?"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        webhook = httpx.post(
            f"{stack.rasa_url}/webhooks/gateway/webhook", json=message, headers=headers, timeout=30
        )
        assert webhook.status_code == 401
    # Rasa's own REST channel is not opened at all.
    assert httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=message).status_code == 404
    assert httpx.get(f"{stack.rasa_url}/status", timeout=30).status_code == 401
    assert httpx.post(f"{stack.rasa_url}/model/parse", json={"text": "hi"}).status_code == 401
    tracker = httpx.get(f"{stack.rasa_url}/conversations/telegram:4242/tracker", timeout=30)
    assert tracker.status_code == 401
    # With the token, the API answers (the gateway's own health check relies on it).
    status = httpx.get(
        f"{stack.rasa_url}/status", params={"token": token(stack, "rasa")}, timeout=30
    )
    assert status.status_code == 200


def test_the_action_server_refuses_calls_without_the_token(stack: RunningStack) -> None:
    call = {"next_action": "action_handoff", "sender_id": "web:x", "tracker": {}, "domain": {}}
    for params in ({}, {"token": "wrong"}):
        refused = httpx.post(f"{stack.action_url}/webhook", json=call, params=params, timeout=30)
        assert refused.status_code == 401
    assert httpx.get(f"{stack.action_url}/actions", timeout=30).status_code == 401
    listed = httpx.get(
        f"{stack.action_url}/actions", params={"token": token(stack, "action")}, timeout=30
    )
    assert listed.status_code == 200
    assert "action_answer_question" in {action["name"] for action in listed.json()}
    assert httpx.get(f"{stack.action_url}/health", timeout=30).status_code == 200


def test_the_gateway_takes_world_frames_only_up_to_the_protocol_limit(stack: RunningStack) -> None:
    url = stack.gateway_url.replace("http://", "ws://") + "/ws/world"
    with connect(url, open_timeout=30) as socket:
        socket.send("x" * 20_000)  # over 16 KiB: the server closes instead of buffering it
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(5):
                socket.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_the_world_refuses_a_foreign_browser_origin(stack: RunningStack) -> None:
    url = stack.gateway_url.replace("http://", "ws://") + "/ws/world"
    with pytest.raises(Exception) as refused:  # noqa: B017 - the handshake itself fails
        connect(url, open_timeout=30, origin="https://evil.example")  # type: ignore[arg-type]
    assert "403" in str(refused.value)


def test_rasa_keeps_conversations_in_its_sqlite_store_in_wal_mode(stack: RunningStack) -> None:
    """The tuned store is the one Rasa loaded: Rasa would fall back to memory with a warning."""
    import sqlite3

    session = "wal-check"
    reply = httpx.post(
        f"{stack.gateway_url}/api/v1/chat", json={"session_id": session, "text": "안녕하세요"}
    )
    assert reply.status_code == 200
    database = sqlite3.connect(data_dir(stack) / "rasa-tracker.db")
    try:
        assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = database.execute(
            "SELECT count(*) FROM events WHERE sender_id = ?", [f"web:{session}"]
        ).fetchone()[0]
    finally:
        database.close()
    assert stored > 0
