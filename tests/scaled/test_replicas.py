"""Replicas on the real engines: two Rasa servers (SQL tracker store on PostgreSQL, Redis lock
store) and two gateways behind haproxy, one action server, all real processes.

The tests run in this order on one stack (module scope): a burst for one sender keeps its
events whole; a 3D-world player resumes on the other gateway; a conversation goes on while a
Rasa replica is killed with SIGKILL; last, the same burst against Rasa's in-memory lock store
shows interleaving, proving the burst check can see it.
"""

from __future__ import annotations

import json
import signal
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from websockets.sync.client import ClientConnection, connect

from deploy.scaled import ScaledStack, driver_url

QUESTIONS = (
    "자동차세 언제 내요?",
    "여권 발급은 어디서 해요?",
    "안녕하세요",
    "재산세 납부 기한 알려주세요",
)
BURST = 8


def tracker_events(stack: ScaledStack, sender: str) -> list[dict[str, Any]]:
    """The sender's events as PostgreSQL holds them (Rasa's `events` table), in write order."""
    engine = create_engine(driver_url(stack.config.database_url, "psycopg"))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT type_name, action_name, data FROM events"
                    " WHERE sender_id = :sender ORDER BY id"
                ),
                {"sender": sender},
            ).all()
    finally:
        engine.dispose()
    return [
        {"event": row.type_name, "name": row.action_name, **json.loads(row.data)} for row in rows
    ]


def turn_problems(events: list[dict[str, Any]], sent: list[str]) -> list[str]:
    """What is wrong with a conversation's events, given the texts sent (in any order).

    Whole turns, one after another: each user message exactly once, each followed by its
    actions up to `action_listen` before the next message starts, and no actions or bot
    utterances outside a turn (the tail of a turn saved over another's).
    """
    problems = []
    texts = [str(event.get("text")) for event in events if event["event"] == "user"]
    if sorted(texts) != sorted(sent):
        lost = sorted(set(sent) - set(texts))
        problems.append(f"{len(texts)} user events for {len(sent)} messages sent; lost: {lost}")
    in_turn = False
    for position, event in enumerate(events):
        kind, name = event["event"], event.get("name")
        if kind == "user":
            if in_turn:
                problems.append(f"event {position}: a message while the previous turn was open")
            in_turn = True
        elif kind == "action" and name == "action_listen":
            in_turn = False
        elif (
            kind == "bot" or (kind == "action" and name != "action_session_start")
        ) and not in_turn:
            problems.append(f"event {position}: {kind} {name or ''} outside any turn")
    if in_turn:
        problems.append("the last turn never ended in action_listen")
    return problems


def chat(client: httpx.Client, session_id: str, message: str) -> dict[str, Any]:
    response = client.post("/api/v1/chat", json={"session_id": session_id, "text": message})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["messages"], body
    return body


def served_by_rasa(stack: ScaledStack) -> dict[str, int]:
    """Requests haproxy has sent to each Rasa replica so far."""
    servers = stack.balancer_servers()
    return {name: int(servers[name]["stot"]) for name in ("rasa-1", "rasa-2")}


def burst(stack: ScaledStack) -> tuple[str, list[str]]:
    """BURST messages for one web conversation at once, through the gateways' balancer."""
    session_id = f"burst-{uuid.uuid4().hex[:12]}"
    sent = [f"{QUESTIONS[number % len(QUESTIONS)]} ({number})" for number in range(BURST)]
    with httpx.Client(base_url=stack.gateway_url, timeout=180) as client:
        with ThreadPoolExecutor(max_workers=BURST) as pool:
            list(pool.map(lambda message: chat(client, session_id, message), sent))
    return f"web:{session_id}", sent


def test_a_burst_for_one_sender_across_replicas_keeps_every_turn_whole(
    scaled: ScaledStack,
) -> None:
    before = served_by_rasa(scaled)
    sender, sent = burst(scaled)
    events = tracker_events(scaled, sender)
    assert turn_problems(events, sent) == []
    # Both replicas took part: haproxy sent each some of the burst (round robin).
    after = served_by_rasa(scaled)
    assert all(after[name] > before[name] for name in after), (before, after)


def _recv(ws: ClientConnection, kind: str) -> dict[str, Any]:
    for _ in range(30):
        message: dict[str, Any] = json.loads(ws.recv(timeout=150))
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} frame")


def _send(ws: ClientConnection, message: dict[str, Any]) -> None:
    ws.send(json.dumps(message, ensure_ascii=False))


def test_a_world_player_resumes_on_the_other_gateway_with_the_same_conversation(
    scaled: ScaledStack,
) -> None:
    first, second = (url.replace("http://", "ws://") + "/ws/world" for url in scaled.gateway_urls)
    player = f"p-{uuid.uuid4().hex[:12]}"
    hello = {"type": "hello", "protocol": 1, "player_id": player, "name": "민지"}
    with connect(first) as ws:
        _send(ws, hello)
        welcome = _recv(ws, "welcome")
        _send(ws, {"type": "join", "room": "tax_square"})
        _recv(ws, "room_state")
        _send(ws, {"type": "talk", "npc": "tax_officer", "text": "자동차세 언제 내요?"})
        assert _recv(ws, "npc_say")["text"]

    with connect(second) as ws:
        _send(ws, {**hello, "resume_token": welcome["resume_token"]})
        resumed = _recv(ws, "welcome")
        assert resumed["resumed"] is True
        assert resumed["room"] == "tax_square"
        _send(ws, {"type": "talk", "npc": "tax_officer", "text": "재산세는요?"})
        assert _recv(ws, "npc_say")["text"]

    # One conversation in the shared tracker store: the server's key for the player survived
    # the move to the other gateway (both turns under one sender).
    engine = create_engine(driver_url(scaled.config.database_url, "psycopg"))
    try:
        with engine.connect() as connection:
            senders = connection.execute(
                text(
                    "SELECT sender_id, count(*) FILTER (WHERE type_name = 'user') FROM events "
                    "WHERE sender_id LIKE :pattern GROUP BY sender_id"
                ),
                {"pattern": "world:%:tax_officer"},
            ).all()
    finally:
        engine.dispose()
    assert [count for _, count in senders] == [2]
    assert player not in senders[0][0]


def test_a_conversation_goes_on_while_a_rasa_replica_is_killed(scaled: ScaledStack) -> None:
    session_id = f"kill-{uuid.uuid4().hex[:12]}"
    before = ["안녕하세요", "자동차세 언제 내요?"]
    after = ["재산세 납부 기한 알려주세요", "여권 발급은 어디서 해요?", "고맙습니다"]
    replica = scaled.services["rasa-1"]
    with httpx.Client(base_url=scaled.gateway_url, timeout=180) as client:
        for message in before:
            chat(client, session_id, message)
        replica.kill(signal.SIGKILL)
        assert replica.process is not None
        assert replica.process.wait(timeout=10) == -signal.SIGKILL
        # At once, before the balancer's health check has noticed: every turn is answered.
        for message in after:
            chat(client, session_id, message)

    sender = f"web:{session_id}"
    events = tracker_events(scaled, sender)
    assert turn_problems(events, before + after) == []
    assert [e["text"] for e in events if e["event"] == "user"] == before + after
    # The surviving replica reads the whole conversation from the shared tracker store.
    tracker = httpx.get(
        f"{scaled.rasa_url}/conversations/{sender}/tracker",
        params={"token": scaled.rasa_token},
        timeout=30,
    )
    assert tracker.status_code == 200
    texts = [e["text"] for e in tracker.json()["events"] if e["event"] == "user"]
    assert texts == before + after


def test_the_same_burst_on_the_in_memory_lock_store_interleaves(scaled: ScaledStack) -> None:
    """Without a shared lock each replica serialises only its own share of the burst: turns
    overlap and one replica's save overwrites the other's, which the burst check must see."""
    scaled.restart_rasa(lock_store="in_memory")
    found: list[str] = []
    for _ in range(3):
        before = served_by_rasa(scaled)
        sender, sent = burst(scaled)
        after = served_by_rasa(scaled)
        assert all(after[name] > before[name] for name in after), (before, after)
        found = turn_problems(tracker_events(scaled, sender), sent)
        if found:
            break
    assert found, "the burst check saw no interleaving without a shared lock"
