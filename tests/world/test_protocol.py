"""The world protocol over TestClient websockets, with a stand-in for the agent."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.world.conftest import TAX_OFFICER_NEAR, FakeAgent, drain, hello, join, kinds, until


def test_hello_gets_welcome_with_the_seven_rooms(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as ws:
        welcome = hello(ws, "p1", language="en")
    assert welcome["protocol"] == 1
    assert welcome["player_id"] == "p1"
    assert welcome["resumed"] is False
    assert welcome["room"] is None
    assert welcome["resume_token"]
    rooms = {room["id"]: room for room in welcome["rooms"]}
    assert set(rooms) == {
        "city_hall_lobby",
        "mayors_office",
        "counselling_booth",
        "tax_square",
        "fintech_lab",
        "business_support",
        "seoul_plaza",
    }
    assert rooms["tax_square"] == {
        "id": "tax_square",
        "name": "Tax Square",
        "npcs": ["tax_officer"],
    }
    assert "haechi_guide" in rooms["city_hall_lobby"]["npcs"]


def test_join_gives_room_state_with_npcs_and_the_entrance(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        state = join(ws, "tax_square")
    assert state["room"] == "tax_square"
    assert state["name"] == "택스스퀘어"
    assert state["you"] == {"x": 0.0, "y": 0.0, "z": 9.0}
    assert state["players"] == []
    [officer] = state["npcs"]
    assert officer["id"] == "tax_officer"
    assert officer["name"] == "세무 상담관"
    assert officer["greeting"].startswith("안녕하세요")
    assert officer["position"] == {"x": 0.0, "y": 0.0, "z": -4.0}
    assert officer["radius"] == 3.0


def test_walking_into_an_npc_radius_greets_once_per_visit(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "tax_square")
        ws.send_json({"type": "move", "x": 0, "y": 0, "z": 5})
        assert drain(ws) == []  # far away: nothing, and no echo of one's own move

        ws.send_json({"type": "move", **TAX_OFFICER_NEAR})
        greeting, animation = drain(ws)
        assert greeting["type"] == "npc_say"
        assert greeting["npc"] == "tax_officer"
        assert greeting["language"] == "ko"
        assert "세무 상담관" in greeting["text"]
        assert greeting["gesture"] == "wave"
        assert animation == {
            "type": "npc_animation",
            "room": "tax_square",
            "npc": "tax_officer",
            "emote": "smile",
            "gesture": "wave",
            "toward": "p1",
        }

        ws.send_json({"type": "move", "x": 0, "y": 0, "z": 8})
        ws.send_json({"type": "move", **TAX_OFFICER_NEAR})
        assert drain(ws) == []  # same visit: no second greeting

        join(ws, "tax_square")  # a new visit
        ws.send_json({"type": "move", **TAX_OFFICER_NEAR})
        assert kinds(drain(ws)) == ["npc_say", "npc_animation"]


def test_greeting_follows_the_language(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1", language="en")
        state = join(ws, "tax_square")
        assert state["name"] == "Tax Square"
        ws.send_json({"type": "move", **TAX_OFFICER_NEAR})
        greeting = drain(ws)[0]
    assert greeting["language"] == "en"
    assert greeting["text"].startswith("Hello, I'm the Tax Square tax officer")


def test_talk_sends_typing_then_the_agent_reply(client: TestClient, agent: FakeAgent) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1", easy_mode=True)
        join(ws, "tax_square")
        ws.send_json({"type": "talk", "npc": "tax_officer", "text": "자동차세 언제 내요?"})
        typing, reply = until(ws, "npc_say")
        animation = ws.receive_json()
    assert typing == {"type": "npc_typing", "npc": "tax_officer"}
    assert reply == {
        "type": "npc_say",
        "npc": "tax_officer",
        "text": "tax_officer answers: 자동차세 언제 내요?",
        "language": "ko",
        "emote": "happy",
        "gesture": "nod",
        "buttons": [{"title": "상담사 연결", "payload": "/human_handoff"}],
        "card": None,
        "audio_url": reply["audio_url"],
        "handoff": None,
        "counsellor": None,
        "translation": None,
    }
    # Easy mode: the guide speaks, and the gateway serves the clip (Opus).
    assert reply["audio_url"].startswith("/api/v1/audio/")
    clip = client.get(reply["audio_url"])
    assert clip.status_code == 200 and clip.headers["content-type"] == "audio/ogg"
    assert animation["type"] == "npc_animation"
    assert animation["gesture"] == "nod"
    [sent] = agent.sent
    # The server names the conversation; the client's player_id (seen by the room) does not.
    assert re.fullmatch(r"world:[0-9a-f]{32}:tax_officer", sent["sender"])
    assert sent["message"] == "자동차세 언제 내요?"
    redirects = sent["metadata"].pop("npc_redirects")
    assert sent["metadata"] == {
        "room": "tax_square",
        "npc": "tax_officer",
        "easy_mode": True,
        "channel": "world",
        "language": "ko",
    }
    # The tax officer sends on everything but tax, and says where to.
    assert {redirect["topic"] for redirect in redirects} == {
        "documents",
        "landmarks",
        "proposals",
        "bookings",
    }


def test_each_npc_is_its_own_conversation(client: TestClient, agent: FakeAgent) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "seoul_plaza")
        for npc in ("landmark_guide", "ebook_librarian"):
            ws.send_json({"type": "talk", "npc": npc, "text": "안녕하세요"})
            until(ws, "npc_say")
    senders = [sent["sender"] for sent in agent.sent]
    assert [sender.split(":")[2] for sender in senders] == ["landmark_guide", "ebook_librarian"]
    assert len({sender.split(":")[1] for sender in senders}) == 1  # one player, two NPCs


def test_button_payload_goes_back_to_the_agent(client: TestClient, agent: FakeAgent) -> None:
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "counselling_booth")
        ws.send_json({"type": "button", "npc": "counsellor_120", "payload": "/human_handoff"})
        reply = until(ws, "npc_say")[-1]
    assert reply["text"] == "counsellor_120 answers: /human_handoff"
    assert agent.sent[0]["message"] == "/human_handoff"
    assert agent.parsed == []  # button payloads are never redirected


def test_other_topics_are_redirected_with_a_button_that_goes_there(
    client: TestClient, agent: FakeAgent
) -> None:
    agent.intent = ("tax_question", 0.93)
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "seoul_plaza")
        ws.send_json({"type": "talk", "npc": "landmark_guide", "text": "재산세 언제 내요?"})
        redirect = until(ws, "npc_say")[-1]
        assert redirect["npc"] == "landmark_guide"
        assert redirect["text"].startswith("세금 문의는 택스스퀘어의 세무 상담관이")
        assert redirect["buttons"] == [
            {"title": "택스스퀘어로 가기", "payload": "go:tax_square/tax_officer"}
        ]
        # One pass through the agent, which knew the NPC's redirects from the metadata.
        assert agent.parsed == []
        assert [sent["metadata"]["npc"] for sent in agent.sent] == ["landmark_guide"]

        ws.send_json(
            {"type": "button", "npc": "landmark_guide", "payload": "go:tax_square/tax_officer"}
        )
        # (the guide's pointing gesture is shown to the room first)
        state = until(ws, "room_state")[-1]
        assert state["room"] == "tax_square"
        assert abs(state["you"]["z"] - (-4.0 + 1.8)) < 1e-6  # in front of the tax officer
        assert until(ws, "npc_say")[-1]["npc"] == "tax_officer"  # and greeted


def test_topics_the_npc_handles_are_not_redirected(client: TestClient, agent: FakeAgent) -> None:
    agent.intent = ("tax_question", 0.93)
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1", language="en")
        join(ws, "tax_square")
        ws.send_json({"type": "talk", "npc": "tax_officer", "text": "when is car tax due?"})
        assert until(ws, "npc_say")[-1]["text"].startswith("tax_officer answers")


def test_two_players_see_each_other_and_only_their_own_replies(client: TestClient) -> None:
    with (
        client.websocket_connect("/ws/world") as alice,
        client.websocket_connect("/ws/world") as bob,
    ):
        hello(alice, "alice")
        hello(bob, "bob")
        join(alice, "tax_square")
        state = join(bob, "tax_square")
        assert [player["player_id"] for player in state["players"]] == ["alice"]
        joined = alice.receive_json()
        assert joined["type"] == "player_joined"
        assert joined["player"]["player_id"] == "bob"

        bob.send_json({"type": "move", "x": 3, "y": 0, "z": 4})
        moved = alice.receive_json()
        assert moved == {
            "type": "player_moved",
            "room": "tax_square",
            "player_id": "bob",
            "x": 3.0,
            "y": 0.0,
            "z": 4.0,
        }

        alice.send_json({"type": "talk", "npc": "tax_officer", "text": "alice asks"})
        alice_got = until(alice, "npc_say")
        bob.send_json({"type": "talk", "npc": "tax_officer", "text": "bob asks"})
        bob_got = until(bob, "npc_say")
        alice_got += drain(alice)
        bob_got += drain(bob)
        for name, got in (("alice", alice_got), ("bob", bob_got)):
            # Only one's own typing and reply; the NPC's nods go to everyone in the room.
            assert kinds(got).count("npc_typing") == 1
            [reply] = [message for message in got if message["type"] == "npc_say"]
            assert reply["text"] == f"tax_officer answers: {name} asks"
            nods = [message for message in got if message["type"] == "npc_animation"]
            assert {nod["toward"] for nod in nods} == {"alice", "bob"}

        bob.send_json({"type": "leave"})
        assert bob.receive_json()["type"] == "player_left"
        assert alice.receive_json() == {
            "type": "player_left",
            "room": "tax_square",
            "player_id": "bob",
        }


def test_players_in_other_rooms_see_nothing(client: TestClient) -> None:
    with (
        client.websocket_connect("/ws/world") as alice,
        client.websocket_connect("/ws/world") as bob,
    ):
        hello(alice, "alice")
        hello(bob, "bob")
        join(alice, "tax_square")
        join(bob, "seoul_plaza")
        bob.send_json({"type": "move", "x": 1, "y": 0, "z": 1})
        assert drain(bob) == []
        assert drain(alice) == []


def test_disconnecting_tells_the_room(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as alice:
        hello(alice, "alice")
        join(alice, "tax_square")
        with client.websocket_connect("/ws/world") as bob:
            hello(bob, "bob")
            join(bob, "tax_square")
            assert alice.receive_json()["type"] == "player_joined"
        assert alice.receive_json() == {
            "type": "player_left",
            "room": "tax_square",
            "player_id": "bob",
        }


def test_an_agent_outage_is_an_apology_not_a_crash(client: TestClient, agent: FakeAgent) -> None:
    agent.down = True
    with client.websocket_connect("/ws/world") as ws:
        hello(ws, "p1")
        join(ws, "tax_square")
        ws.send_json({"type": "talk", "npc": "tax_officer", "text": "자동차세 언제 내요?"})
        apology = until(ws, "npc_say")[-1]
        assert apology["text"].startswith("죄송합니다")
        assert apology["handoff"] == {
            "state": "offered",
            "phone": "120",
            "note": None,
            "position": None,
            "expected_wait_s": None,
            "counsellor": None,
        }
        agent.down = False
        ws.send_json({"type": "talk", "npc": "tax_officer", "text": "다시 물어요"})
        assert until(ws, "npc_say")[-1]["text"] == "tax_officer answers: 다시 물어요"


def test_reconnecting_with_the_token_resumes(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as ws:
        welcome = hello(ws, "p1", language="en")
        join(ws, "tax_square")
        ws.send_json({"type": "move", **TAX_OFFICER_NEAR})
        assert kinds(drain(ws)) == ["npc_say", "npc_animation"]
    with client.websocket_connect("/ws/world") as ws:
        resumed = hello(ws, "p1", resume_token=welcome["resume_token"])
        assert resumed["resumed"] is True
        assert resumed["room"] == "tax_square"
        assert resumed["resume_token"] == welcome["resume_token"]
        state = ws.receive_json()
        assert state["type"] == "room_state"
        assert state["name"] == "Tax Square"  # the session's language is kept
        assert state["you"] == {"x": 0.0, "y": 0.0, "z": -2.0}
        assert drain(ws) == []  # already greeted on this visit


def test_reconnecting_while_connected_replaces_the_old_socket(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as old:
        welcome = hello(old, "p1")
        join(old, "tax_square")
        with client.websocket_connect("/ws/world") as new:
            hello(new, "p1", resume_token=welcome["resume_token"])
            assert new.receive_json()["type"] == "room_state"
            assert old.receive_json()["code"] == "replaced"
            with pytest.raises(WebSocketDisconnect) as closed:
                old.receive_json()
            assert closed.value.code == 4001
            new.send_json({"type": "move", "x": 1, "y": 0, "z": 1})
            assert drain(new) == []


def test_the_same_player_id_without_the_token_is_refused(client: TestClient) -> None:
    with client.websocket_connect("/ws/world") as first:
        hello(first, "p1")
        with client.websocket_connect("/ws/world") as second:
            second.send_json({"type": "hello", "protocol": 1, "player_id": "p1", "name": "x"})
            error = second.receive_json()
            assert error["code"] == "session_taken"
            token = {"resume_token": "토큰"}  # not even ASCII
            second.send_json(
                {"type": "hello", "protocol": 1, "player_id": "p1", "name": "x", **token}
            )
            assert second.receive_json()["code"] == "session_taken"
            hello(second, "p2")  # the socket is still usable
