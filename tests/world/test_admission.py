"""Who may open a world socket, and whose conversation a player_id can reach."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings
from tests.world.conftest import FakeAgent, hello, join, until


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HAECHI_WORLD_MAX_CONNECTIONS_PER_CLIENT", "2")
    monkeypatch.setenv("HAECHI_WORLD_MAX_CONNECTIONS", "3")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_foreign_browser_origin_is_refused_at_the_handshake(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws/world", headers={"origin": "https://evil.example"}):
            pass
    assert refused.value.code == 1008


def test_the_servers_own_pages_and_native_clients_may_connect(client: TestClient) -> None:
    with client.websocket_connect("/ws/world", headers={"origin": "http://testserver"}) as ws:
        hello(ws, "page")
    with client.websocket_connect("/ws/world") as ws:  # no Origin: not a browser
        hello(ws, "native")


def test_an_allow_list_admits_exactly_its_origins(monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setenv("HAECHI_WORLD_ALLOWED_ORIGINS", '["https://metaverse.seoul.go.kr"]')
    get_settings.cache_clear()
    app = create_app(rasa=RasaClient("http://rasa.test", timeout_seconds=5))
    with TestClient(app) as client:
        ok = {"origin": "https://metaverse.seoul.go.kr"}
        with client.websocket_connect("/ws/world", headers=ok) as ws:
            hello(ws, "guest")
        with pytest.raises(WebSocketDisconnect):
            with client.websocket_connect("/ws/world", headers={"origin": "http://testserver"}):
                pass
    get_settings.cache_clear()


def test_connections_are_capped_per_client_and_in_total(limited: None, agent: FakeAgent) -> None:

    rasa = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(agent))
    app = create_app(rasa=rasa)
    with TestClient(app, client=("203.0.113.1", 1000)) as one:
        with one.websocket_connect("/ws/world"), one.websocket_connect("/ws/world"):
            with pytest.raises(WebSocketDisconnect):
                with one.websocket_connect("/ws/world"):
                    pass
            # Same app and bridge (no second lifespan), another address.
            two = TestClient(app, client=("203.0.113.2", 1000))
            with two.websocket_connect("/ws/world"):  # the third in total
                with pytest.raises(WebSocketDisconnect):
                    with two.websocket_connect("/ws/world"):  # the fourth: full
                        pass
        # Closed sockets give their places back.
        with one.websocket_connect("/ws/world") as ws:
            hello(ws, "again")


def test_a_reused_player_id_never_reaches_the_earlier_players_conversation(
    client: TestClient, agent: FakeAgent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Player ids are chosen by clients and shown to the room; once a session has lapsed,
    whoever takes the same id starts a conversation of their own."""
    with client.websocket_connect("/ws/world") as ws:
        welcome = hello(ws, "minji")
        join(ws, "tax_square")
        ws.send_json({"type": "talk", "npc": "tax_officer", "text": "제 차는 2000cc예요"})
        until(ws, "npc_say")
    bridge = client.app.state.world  # type: ignore[attr-defined]
    # The session lapses (as after world_resume_seconds): forget it everywhere.
    bridge.players.by_player.pop("minji", None)
    monkeypatch.setattr(bridge._backplane, "load_session", _nothing)
    with client.websocket_connect("/ws/world") as ws:
        second = hello(ws, "minji")
        assert second["resume_token"] != welcome["resume_token"]
        join(ws, "tax_square")
        ws.send_json({"type": "talk", "npc": "tax_officer", "text": "제 차 배기량이 뭐였죠?"})
        until(ws, "npc_say")
    first_sender, second_sender = (sent["sender"] for sent in agent.sent)
    assert first_sender != second_sender
    assert "minji" not in first_sender and "minji" not in second_sender


async def _nothing(player_id: str) -> None:
    return None
