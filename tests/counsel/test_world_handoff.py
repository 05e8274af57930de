"""An NPC conversation handed to a counsellor over the world WebSocket (Rasa stood in): the NPC
says the queue place, the counsellor's words and typing, and the goodbye."""

from __future__ import annotations

from typing import Any

from starlette.testclient import WebSocketTestSession

from tests.counsel.conftest import CounselApp
from world_bridge.protocol import PROTOCOL_VERSION

KIM = "kim@seoul.go.kr"


def next_frame(socket: WebSocketTestSession, kind: str) -> dict[str, Any]:
    for _ in range(20):
        frame: dict[str, Any] = socket.receive_json()
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


def test_the_npc_relays_a_counsellor_and_the_agent_stays_silent(counsel_app: CounselApp) -> None:
    app = counsel_app
    with app.client.websocket_connect("/ws/world") as socket:
        socket.send_json(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "player_id": "p-counsel",
                "name": "시민",
            }
        )
        next_frame(socket, "welcome")
        socket.send_json({"type": "join", "room": "counselling_booth"})
        next_frame(socket, "room_state")
        socket.send_json({"type": "talk", "npc": "counsellor_120", "text": "상담사 연결해 주세요"})
        queued = next_frame(socket, "npc_say")
        while (queued.get("handoff") or {}).get("state") != "queued":
            queued = next_frame(socket, "npc_say")
        assert queued["npc"] == "counsellor_120" and queued["handoff"]["position"] == 1

        [item] = app.client.get("/api/v1/counsel/queue", headers=app.bearer(KIM)).json()
        conversation = item["conversation_id"]
        assert item["channel"] == "world" and conversation.endswith(":counsellor_120")
        assert "p-counsel" not in conversation  # the server's key, never the client's id
        app.client.post(f"/api/v1/counsel/{conversation}/accept", headers=app.bearer(KIM))
        connected = next_frame(socket, "npc_say")
        assert (connected["handoff"]["state"], connected["handoff"]["counsellor"]) == (
            "connected",
            "kim",
        )

        asked = len(app.rasa.sent)
        socket.send_json({"type": "talk", "npc": "counsellor_120", "text": "여권은 어디서 받아요?"})
        next_frame(socket, "npc_typing")
        app.client.post(f"/api/v1/counsel/{conversation}/typing", headers=app.bearer(KIM))
        assert next_frame(socket, "npc_typing")["npc"] == "counsellor_120"
        app.client.post(
            f"/api/v1/counsel/{conversation}/messages",
            json={"text": "구청 여권과에서 받으실 수 있어요."},
            headers=app.bearer(KIM),
        )
        said = next_frame(socket, "npc_say")
        assert (said["text"], said["counsellor"]) == ("구청 여권과에서 받으실 수 있어요.", "kim")
        assert len(app.rasa.sent) == asked  # the agent was never asked
        lines = app.client.get(
            f"/api/v1/counsel/{conversation}/transcript", headers=app.bearer(KIM)
        ).json()["messages"]
        assert [line["text"] for line in lines if line["author"] == "citizen"][-1] == (
            "여권은 어디서 받아요?"
        )

        app.client.post(
            f"/api/v1/counsel/{conversation}/close",
            json={"category": "documents"},
            headers=app.bearer(KIM),
        )
        goodbye = next_frame(socket, "npc_say")
        assert goodbye["handoff"]["state"] == "closed" and len(goodbye["buttons"]) == 3
        socket.send_json(
            {"type": "button", "npc": "counsellor_120", "payload": goodbye["buttons"][1]["payload"]}
        )
        assert "감사" in next_frame(socket, "npc_say")["text"]
