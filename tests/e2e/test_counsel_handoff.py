"""A human counsellor takes over the very same conversation, with all processes running for
real: web chat (Korean and English), an NPC in the world, two counsellors racing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.stack import REPO, RunningStack
from world_bridge.protocol import PROTOCOL_VERSION

pytestmark = pytest.mark.e2e

PASSWORD = "해치-e2e-counsel-password"
PARK = "park@seoul.go.kr"
CHOI = "choi@seoul.go.kr"


def add_counsellor(stack: RunningStack, email: str) -> None:
    env = {**os.environ, "HAECHI_DATA_DIR": str(stack.log_path.parent)}
    env.pop("HAECHI_DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "knowledge",
            "staff",
            "add",
            email,
            "--role",
            "counsellor",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        cwd=REPO,
        env=env,
        capture_output=True,
    )


class Counsellor:
    """A logged-in counsellor: the console's cookie and its CSRF token, one HTTP client each."""

    def __init__(self, stack: RunningStack, email: str) -> None:
        self.client = httpx.Client(base_url=stack.gateway_url, timeout=60)
        login = self.client.post(
            "/api/v1/staff/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        self.csrf = {"X-CSRF-Token": login.json()["csrf_token"]}

    def get(self, path: str) -> httpx.Response:
        return self.client.get(f"/api/v1/counsel{path}")

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(f"/api/v1/counsel{path}", json=body, headers=self.csrf)


@pytest.fixture(scope="module")
def counsellors(stack: RunningStack) -> Iterator[tuple[Counsellor, Counsellor]]:
    for email in (PARK, CHOI):
        add_counsellor(stack, email)
    pair = (Counsellor(stack, PARK), Counsellor(stack, CHOI))
    yield pair
    for counsellor in pair:
        counsellor.client.close()


class Citizen:
    """A web chat conversation the server issued, with its secret."""

    def __init__(self, stack: RunningStack) -> None:
        self.client = httpx.Client(base_url=stack.gateway_url, timeout=60)
        issued = self.client.post("/api/v1/chat/sessions").json()
        self.session_id = issued["session_id"]
        self.conversation = f"web:{self.session_id}"
        self.client.headers["Authorization"] = f"Bearer {issued['session_secret']}"
        self.cursor = 0

    def say(self, text: str) -> list[dict[str, Any]]:
        response = self.client.post(
            "/api/v1/chat", json={"session_id": self.session_id, "text": text}
        )
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages

    def pushed(self, until: str, wait: float = 10) -> list[dict[str, Any]]:
        """Pushed messages (long poll) until one carries the hand-off state `until`."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            body = self.client.get(
                "/api/v1/chat/events",
                params={"session_id": self.session_id, "after": self.cursor, "wait": wait},
            ).json()
            self.cursor = body["cursor"]
            seen.extend(body["messages"])
            if any((m.get("handoff") or {}).get("state") == until for m in body["messages"]):
                return seen
        raise AssertionError(f"no {until!r} message; got {seen}")


def rasa_paused(stack: RunningStack, conversation: str) -> bool:
    """Whether Rasa's own tracker of the conversation is paused (ConversationPaused)."""
    token = (stack.log_path.parent / "secrets" / "rasa.token").read_text().strip()
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{conversation}/tracker",
        params={"token": token, "include_events": "NONE"},
        timeout=60,
    )
    assert tracker.status_code == 200, tracker.text
    return bool(tracker.json()["paused"])


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_web_chat_korean_queue_race_relay_silence_and_back(
    stack: RunningStack, counsellors: tuple[Counsellor, Counsellor]
) -> None:
    park, choi = counsellors
    citizen, behind = Citizen(stack), Citizen(stack)
    assert "6월" in texts(citizen.say("자동차세 언제 내요?"))
    [queued] = citizen.say("상담사 연결해 주세요")
    assert queued["handoff"]["state"] == "queued", queued
    position = queued["handoff"]["position"]
    assert f"{position}번째" in queued["text"] and queued["handoff"]["expected_wait_s"] > 0
    [later] = behind.say("사람이랑 얘기하고 싶어요")
    assert later["handoff"]["position"] == position + 1

    queue = park.get("/queue").json()
    mine = next(item for item in queue if item["conversation_id"] == citizen.conversation)
    assert mine["channel"] == "web" and mine["preview"] == "자동차세 언제 내요?"

    # Two counsellors, two HTTP clients, one conversation: exactly one holds it.
    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def accept(name: str, counsellor: Counsellor) -> None:
        barrier.wait()
        results[name] = counsellor.post(f"/{citizen.conversation}/accept").status_code

    racers = [
        threading.Thread(target=accept, args=pair) for pair in (("park", park), ("choi", choi))
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(results.values()) == [200, 409], results
    holder, other = (park, choi) if results["park"] == 200 else (choi, park)
    name = "park" if holder is park else "choi"

    [connected] = citizen.pushed("connected")
    assert connected["handoff"]["counsellor"] == name and f"{name} 상담사" in connected["text"]
    moved = behind.pushed("queued")[-1]
    assert moved["handoff"]["position"] == position and "당겨졌습니다" in moved["text"]

    # Held: a question the agent would answer gets no agent reply; the counsellor sees it.
    assert rasa_paused(stack, citizen.conversation)
    assert citizen.say("자동차세 언제 내요?") == []
    lines = holder.get(f"/{citizen.conversation}/transcript").json()["messages"]
    assert lines[-1] == {**lines[-1], "author": "citizen", "text": "자동차세 언제 내요?"}
    assert any(line["author"] == "agent" and "6월" in line["text"] for line in lines)

    assert (
        other.post(f"/{citizen.conversation}/messages", {"text": "제가 답할게요"}).status_code
        == 403
    )
    assert holder.post(f"/{citizen.conversation}/typing").status_code == 204
    assert (
        holder.post(
            f"/{citizen.conversation}/messages", {"text": "6월과 12월에 내시면 됩니다."}
        ).status_code
        == 201
    )
    relayed = citizen.client.get(
        "/api/v1/chat/events",
        params={
            "session_id": citizen.session_id,
            "after": citizen.cursor,
            "wait": 10,
            "typing": True,
        },
    ).json()
    assert [(m["text"], m["counsellor"]) for m in relayed["messages"]] == [
        ("6월과 12월에 내시면 됩니다.", name)
    ]
    citizen.cursor = relayed["cursor"]

    closed = holder.post(f"/{citizen.conversation}/close", {"category": "tax", "note": "연납 안내"})
    assert closed.status_code == 200, closed.text
    [goodbye] = citizen.pushed("closed")
    assert "만족" in goodbye["text"] and len(goodbye["buttons"]) == 3
    assert not rasa_paused(stack, citizen.conversation)
    thanks = citizen.say(goodbye["buttons"][0]["payload"])
    assert "감사" in texts(thanks)
    # Resumed: the agent answers again, in the same conversation.
    assert "6월" in texts(citizen.say("자동차세 언제 내요?"))
    assert other.post(f"/{behind.conversation}/accept").status_code == 200
    other.post(f"/{behind.conversation}/close", {"category": "other"})


def test_english_web_chat_hand_off(
    stack: RunningStack, counsellors: tuple[Counsellor, Counsellor]
) -> None:
    park, _ = counsellors
    citizen = Citizen(stack)
    [queued] = citizen.say("I want to talk to a human")
    assert queued["handoff"]["state"] == "queued"
    assert queued["text"].startswith("I've asked for a 120 Dasan Call Center counsellor")
    assert park.post(f"/{citizen.conversation}/accept").status_code == 200
    [connected] = citizen.pushed("connected")
    assert connected["text"].startswith("Counsellor park has joined")
    park.post(f"/{citizen.conversation}/messages", {"text": "Hello, how can I help?"})
    citizen.say("My parking permit expired")
    lines = park.get(f"/{citizen.conversation}/transcript").json()["messages"]
    assert lines[-1]["text"] == "My parking permit expired"
    park.post(f"/{citizen.conversation}/close", {"category": "transport"})
    pushed = citizen.pushed("closed")
    assert pushed[0]["text"] == "Hello, how can I help?"
    assert pushed[-1]["text"].startswith("Your conversation with the counsellor has ended")
    assert pushed[-1]["buttons"][0]["title"] == "😊 Satisfied"


def world_frames(socket: ClientConnection, kind: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = json.loads(socket.recv(timeout=deadline - time.monotonic()))
        if frame["type"] == kind:
            return frame  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind} frame")


def test_an_npc_conversation_is_handed_to_a_counsellor_and_back(
    stack: RunningStack, counsellors: tuple[Counsellor, Counsellor]
) -> None:
    _, choi = counsellors
    url = stack.gateway_url.replace("http://", "ws://") + "/ws/world"
    with connect(url, open_timeout=30) as socket:
        socket.send(
            json.dumps(
                {
                    "type": "hello",
                    "protocol": PROTOCOL_VERSION,
                    "player_id": "counsel-e2e",
                    "name": "시민",
                }
            )
        )
        world_frames(socket, "welcome")
        socket.send(json.dumps({"type": "join", "room": "counselling_booth"}))
        world_frames(socket, "room_state")
        socket.send(
            json.dumps({"type": "talk", "npc": "counsellor_120", "text": "상담사 연결해 주세요"})
        )
        queued = world_frames(socket, "npc_say")
        while (queued.get("handoff") or {}).get("state") != "queued":
            queued = world_frames(socket, "npc_say")
        assert queued["npc"] == "counsellor_120" and "번째" in queued["text"]

        queue = choi.get("/queue").json()
        conversation = next(
            item["conversation_id"]
            for item in queue
            if item["channel"] == "world" and item["conversation_id"].endswith(":counsellor_120")
        )
        assert choi.post(f"/{conversation}/accept").status_code == 200
        connected = world_frames(socket, "npc_say")
        assert connected["handoff"]["state"] == "connected" and connected["npc"] == "counsellor_120"

        socket.send(
            json.dumps(
                {"type": "talk", "npc": "counsellor_120", "text": "여권 발급은 어디서 하나요?"}
            )
        )
        time.sleep(1)  # held: the agent does not answer; the counsellor reads it
        lines = choi.get(f"/{conversation}/transcript").json()["messages"]
        assert lines[-1]["text"] == "여권 발급은 어디서 하나요?"

        world_frames(socket, "npc_typing")  # the bridge's own, as the talk arrived
        choi.post(f"/{conversation}/typing")
        assert world_frames(socket, "npc_typing")["npc"] == "counsellor_120"
        choi.post(f"/{conversation}/messages", {"text": "구청 여권과에서 발급받으실 수 있습니다."})
        said = world_frames(socket, "npc_say")
        assert (said["text"], said["counsellor"]) == (
            "구청 여권과에서 발급받으실 수 있습니다.",
            "choi",
        )
        choi.post(f"/{conversation}/close", {"category": "documents"})
        goodbye = world_frames(socket, "npc_say")
        assert goodbye["handoff"]["state"] == "closed" and goodbye["buttons"]
        socket.send(
            json.dumps(
                {
                    "type": "button",
                    "npc": "counsellor_120",
                    "payload": goodbye["buttons"][0]["payload"],
                }
            )
        )
        assert "감사" in world_frames(socket, "npc_say")["text"]
