"""The rooms file, the published JSON Schema, and the client's routes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from world_bridge import schema
from world_bridge.config import WorldConfig, default_world, load_world
from world_bridge.protocol import ProtocolError, parse_client_message


def test_the_seven_rooms_and_their_npcs() -> None:
    world = default_world()
    npcs = {room.id: [npc.id for npc in room.npcs] for room in world.rooms}
    assert npcs == {
        "city_hall_lobby": ["haechi_guide", "booking_clerk"],
        "mayors_office": ["proposal_box"],
        "counselling_booth": ["counsellor_120"],
        "tax_square": ["tax_officer"],
        "fintech_lab": ["interpreter"],
        "business_support": ["business_advisor"],
        "seoul_plaza": ["landmark_guide", "ebook_librarian"],
    }
    for room in world.rooms:
        for npc in room.npcs:
            assert abs(npc.position.x) <= room.half_size
            assert abs(npc.position.z) <= room.half_size
            # Nobody is greeted just for walking in.
            assert room.spawn.ground_distance(npc.position) > npc.radius


def test_every_redirect_leads_to_the_npc_that_handles_the_topic() -> None:
    world = default_world()
    for topic_id, topic in world.topics.items():
        room = world.room(topic.home_room)
        assert room is not None
        home = room.npc(topic.home_npc)
        assert home is not None
        assert topic_id in home.handles
        assert topic_id not in home.redirects
    assert world.topic_of_intent("calc_vehicle_tax") == "tax"
    assert world.topic_of_intent("greet") is None


def test_a_broken_rooms_file_fails_with_the_reason(tmp_path: Path) -> None:
    text = Path("world_bridge/rooms.yml").read_text(encoding="utf-8")
    broken = tmp_path / "rooms.yml"
    broken.write_text(text.replace("home: tax_square/tax_officer", "home: tax_square/nobody"))
    with pytest.raises(ValueError, match="no NPC at tax_square/nobody"):
        load_world(broken)
    assert isinstance(load_world(Path("world_bridge/rooms.yml")), WorldConfig)


def test_the_published_schema_is_up_to_date() -> None:
    assert schema.main(["--check"]) == 0, "run: .venv/bin/python -m world_bridge.schema"


def test_the_schema_names_every_message() -> None:
    definitions = schema.json_schema()["$defs"]
    client = {ref["$ref"].rsplit("/", 1)[1] for ref in definitions["ClientMessage"]["oneOf"]}
    server = {ref["$ref"].rsplit("/", 1)[1] for ref in definitions["ServerMessage"]["oneOf"]}
    assert client == {
        "Hello",
        "Join",
        "Move",
        "Talk",
        "ButtonPress",
        "Leave",
        "Settings",
        "Ping",
        "Say",
    }
    assert {"Welcome", "RoomState", "PlayerJoined", "PlayerLeft", "PlayerMoved", "NpcSay"} < server
    assert "RoomChat" in server
    assert {"NpcTyping", "NpcAnimation", "Error", "Pong"} < server


def test_error_reasons_never_echo_the_input() -> None:
    with pytest.raises(ProtocolError) as refused:
        parse_client_message('{"type": "talk", "npc": "tax_officer", "text": 12345678}')
    assert refused.value.code == "invalid_message"
    assert "12345678" not in refused.value.reason


def test_the_world_page_and_its_assets(client: TestClient) -> None:
    page = client.get("/world")
    if page.status_code == 503:
        pytest.fail("the 3D client is not built: run `make world-client`")
    assert page.status_code == 200
    assert 'src="/world/assets/world.js"' in page.text
    script = client.get("/world/assets/world.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "cdn" not in page.text.lower()
    for bad in ("..%2Fbridge.py", "index.html", "nope.js", "%2E%2E%2F%2E%2E%2Fpyproject.toml"):
        assert client.get(f"/world/assets/{bad}").status_code == 404
