"""Fintech Lab live translation: a real gateway process, two people on real HTTP clients and
WebSockets, each reading the other in their own language, marked, with the original beside it;
and outsiders turned away."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bench.world_load import start_gateway, start_stand_in_rasa, stop
from knowledge.translation.packages import install
from tests.stack import free_port


@pytest.fixture(scope="module")
def gateway(
    tiny_packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("lab")
    for pair in ("ja_en", "en_ja"):
        install(tiny_packages[pair], data_dir)
    rasa_port, port = free_port(), free_port()
    rasa = start_stand_in_rasa(rasa_port, delay_seconds=0.0)
    processes = [rasa]
    try:
        processes.append(start_gateway(port, f"http://127.0.0.1:{rasa_port}", data_dir))
        yield f"127.0.0.1:{port}"
    finally:
        for process in reversed(processes):
            stop(process)


def bearer(ticket: dict[str, Any]) -> dict[str, str]:
    return {"authorization": f"Bearer {ticket['member_token']}"}


def test_two_people_read_each_other_translated(gateway: str) -> None:
    base = f"http://{gateway}/api/v1/fintech-lab"
    with httpx.Client(timeout=120) as host, httpx.Client(timeout=120) as guest:
        page = host.get(f"http://{gateway}/fintech-lab")
        assert page.status_code == 200 and "Fintech Lab" in page.text

        created = host.post(f"{base}/rooms", json={"name": "Mina", "language": "en"})
        assert created.status_code == 201
        host_ticket = created.json()
        assert host_ticket["invite"] and host_ticket["member_token"]
        joined = guest.post(
            f"{base}/join",
            json={"invite": host_ticket["invite"], "name": "Haruto", "language": "ja"},
        )
        assert joined.status_code == 200
        guest_ticket = joined.json()
        assert guest_ticket["room_id"] == host_ticket["room_id"]

        with (
            connect(f"ws://{gateway}/ws/fintech-lab", open_timeout=30) as host_live,
            connect(f"ws://{gateway}/ws/fintech-lab", open_timeout=30) as guest_live,
        ):
            host_live.send(json.dumps({"type": "auth", "token": host_ticket["member_token"]}))
            guest_live.send(json.dumps({"type": "auth", "token": guest_ticket["member_token"]}))
            assert json.loads(host_live.recv(timeout=30))["language"] == "en"
            assert json.loads(guest_live.recv(timeout=30))["language"] == "ja"

            sent = host.post(
                f"{base}/messages",
                json={"text": "Is the lab open today? Let's meet at three."},
                headers=bearer(host_ticket),
            )
            assert sent.status_code == 201
            mine = sent.json()
            assert mine["mine"] and not mine["machine_translation"]
            assert mine["text"] == mine["original"]

            pushed = json.loads(guest_live.recv(timeout=120))
            assert pushed["type"] == "message"
            seen = pushed["message"]
            assert seen["author"] == "Mina" and not seen["mine"]
            assert seen["language"] == "en" and seen["reader_language"] == "ja"
            assert seen["machine_translation"] is True  # marked
            assert seen["original"] == "Is the lab open today? Let's meet at three."
            assert seen["text"] and seen["text"] != seen["original"]
            assert json.loads(host_live.recv(timeout=30))["message"]["mine"] is True

            reply = guest.post(
                f"{base}/messages",
                json={"text": "はい、三時に会いましょう。"},
                headers=bearer(guest_ticket),
            )
            assert reply.status_code == 201
            heard = json.loads(host_live.recv(timeout=120))["message"]
            assert heard["language"] == "ja" and heard["machine_translation"] is True
            assert heard["original"] == "はい、三時に会いましょう。"

        # Catching up over HTTP shows the same conversation in the reader's language.
        history = guest.get(f"{base}/messages?after=0", headers=bearer(guest_ticket)).json()
        assert [m["original"] for m in history["messages"]] == [
            "Is the lab open today? Let's meet at three.",
            "はい、三時に会いましょう。",
        ]
        assert [m["mine"] for m in history["messages"]] == [False, True]


def test_a_language_without_a_package_shows_the_original_unmarked(gateway: str) -> None:
    base = f"http://{gateway}/api/v1/fintech-lab"
    with httpx.Client(timeout=120) as client:
        host = client.post(f"{base}/rooms", json={"name": "A", "language": "en"}).json()
        guest = client.post(
            f"{base}/join", json={"invite": host["invite"], "name": "B", "language": "vi"}
        ).json()
        client.post(
            f"{base}/messages", json={"text": "Hello there, welcome."}, headers=bearer(host)
        )
        [seen] = client.get(f"{base}/messages", headers=bearer(guest)).json()["messages"]
        assert seen["text"] == seen["original"] == "Hello there, welcome."
        assert seen["machine_translation"] is False and seen["translated"] is False


def test_outsiders_cannot_read_or_write_a_room(gateway: str) -> None:
    base = f"http://{gateway}/api/v1/fintech-lab"
    with httpx.Client(timeout=60) as client:
        room = client.post(f"{base}/rooms", json={"name": "A", "language": "en"}).json()
        client.post(f"{base}/messages", json={"text": "private plans"}, headers=bearer(room))
        other = client.post(f"{base}/rooms", json={"name": "C", "language": "en"}).json()

        # Another room's member sees only their own room.
        theirs = client.get(f"{base}/messages", headers=bearer(other)).json()["messages"]
        assert theirs == []
        # Ids are not secrets: a room id or member id as a token gets nothing.
        for guess in (room["room_id"], room["member_id"], "x" * 43):
            response = client.get(f"{base}/messages", headers={"authorization": f"Bearer {guess}"})
            assert response.status_code == 401
        assert client.get(f"{base}/messages").status_code == 401
        assert client.post(f"{base}/messages", json={"text": "hi"}).status_code == 401
        # Joining needs the invite secret, not the room id.
        refused = client.post(
            f"{base}/join", json={"invite": room["room_id"], "name": "D", "language": "en"}
        )
        assert refused.status_code == 404
        bad_language = client.post(f"{base}/rooms", json={"name": "E", "language": "xx"})
        assert bad_language.status_code == 422
        too_long = client.post(f"{base}/messages", json={"text": "가" * 2001}, headers=bearer(room))
        assert too_long.status_code == 422

    with connect(f"ws://{gateway}/ws/fintech-lab", open_timeout=30) as live:
        live.send(json.dumps({"type": "auth", "token": room["room_id"]}))
        with pytest.raises(ConnectionClosed) as closed:
            live.recv(timeout=30)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
