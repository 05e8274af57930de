"""The gateway API with a stand-in for the Rasa server (an httpx transport, no sockets)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from agent.rasa_client import WEBHOOK_PATH, RasaClient
from bot.app import create_app
from bot.settings import get_settings
from tests.stack import free_port

RasaHandler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    # Nothing listens there: the health check must report the action server as down.
    monkeypatch.setenv("HAECHI_ACTION_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def client_with(handler: RasaHandler) -> TestClient:
    rasa = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(handler))
    return TestClient(create_app(rasa=rasa))


def test_chat_passes_channel_session_and_language_and_returns_the_reply() -> None:
    seen: dict[str, Any] = {}

    def rasa(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        reply = {
            "text": "안녕하세요, 해치입니다.",
            "language": "ko",
            "buttons": [{"title": "상담사 연결", "payload": "/human_handoff"}],
            "npc": {"emote": "happy"},
        }
        return httpx.Response(200, json=[{"recipient_id": "web:abc", "custom": reply}])

    with client_with(rasa) as client:
        response = client.post(
            "/api/v1/chat",
            json={"session_id": "abc", "text": "안녕하세요", "metadata": {"easy_mode": True}},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["session_id"] == "abc"
    assert body["language"] == "ko"
    assert body["messages"][0]["text"] == "안녕하세요, 해치입니다."
    assert body["messages"][0]["buttons"] == [{"title": "상담사 연결", "payload": "/human_handoff"}]
    assert seen["sender"] == "web:abc"
    assert seen["message"] == "안녕하세요"
    morphemes = seen["metadata"].pop("morphemes")
    assert seen["metadata"] == {"easy_mode": True, "channel": "web", "session_verified": False}
    # Analysed once here for Rasa's tokenizer and the action server (knowledge/morphemes.py).
    assert morphemes["text"] == "안녕하세요" and morphemes["tokens"][0][:2] == ["안녕", "NNG"]


def test_plain_rasa_text_and_buttons_are_rendered_in_the_schema() -> None:
    def rasa(request: httpx.Request) -> httpx.Response:
        plain = {"text": "Hello", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
        return httpx.Response(200, json=[{"recipient_id": "x", **plain}])

    with client_with(rasa) as client:
        body = client.post(
            "/api/v1/chat", json={"session_id": "s1", "text": "hello there", "language": "en"}
        ).json()
    assert body["language"] == "en"
    assert body["messages"] == [
        {"text": "Hello", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"session_id": "a", "text": ""}, "text"),
        ({"session_id": "a", "text": "   "}, "text"),
        ({"session_id": "", "text": "안녕"}, "session_id"),
        ({"session_id": "a b/../c", "text": "안녕"}, "session_id"),
        ({"text": "안녕"}, "session_id"),
        ({"session_id": "a", "text": "안녕", "unknown": 1}, "unknown"),
        ({"session_id": "a", "text": "안녕", "metadata": [1, 2]}, "metadata"),
    ],
)
def test_bad_requests_get_422_naming_the_field(payload: dict[str, Any], field: str) -> None:
    with client_with(lambda request: httpx.Response(500)) as client:
        response = client.post("/api/v1/chat", json=payload)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


def test_text_over_the_limit_is_refused_with_a_reason() -> None:
    with client_with(lambda request: httpx.Response(500)) as client:
        response = client.post("/api/v1/chat", json={"session_id": "a", "text": "가" * 2001})
    assert response.status_code == 422
    assert "2000" in response.json()["detail"]


def test_malformed_json_is_a_422_not_a_500() -> None:
    with client_with(lambda request: httpx.Response(500)) as client:
        response = client.post(
            "/api/v1/chat", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 422


def test_rasa_down_is_a_503_with_a_reason() -> None:
    def rasa(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with client_with(rasa) as client:
        response = client.post("/api/v1/chat", json={"session_id": "a", "text": "안녕하세요"})
    assert response.status_code == 503
    assert "상담 도우미" in response.json()["detail"]


def test_an_empty_rasa_reply_still_answers_politely_with_a_counsellor_offer() -> None:
    with client_with(lambda request: httpx.Response(200, json=[])) as client:
        body = client.post(
            "/api/v1/chat", json={"session_id": "a", "text": "What can you do for me?"}
        ).json()
    assert body["language"] == "en"
    assert body["messages"][0]["handoff"]["state"] == "offered"
    assert "120" in body["messages"][0]["text"]


def test_nlu_parse_returns_intent_entities_and_ranking() -> None:
    def rasa(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/model/parse"
        return httpx.Response(
            200,
            json={
                "text": "초본 발급",
                "intent": {"name": "request_document", "confidence": 0.97},
                "entities": [{"entity": "document_type", "value": "주민등록초본"}],
                "intent_ranking": [
                    {"name": "request_document", "confidence": 0.97},
                    {"name": "faq", "confidence": 0.02},
                ],
            },
        )

    with client_with(rasa) as client:
        body = client.post("/api/v1/nlu/parse", json={"text": "초본 발급"}).json()
    assert body["intent"] == {"name": "request_document", "confidence": 0.97}
    assert body["entities"][0]["value"] == "주민등록초본"
    assert [item["name"] for item in body["intent_ranking"]] == ["request_document", "faq"]


def test_healthz_reports_each_dependency_and_the_model() -> None:
    paths: list[str] = []
    warm_ups: list[dict[str, Any]] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path == WEBHOOK_PATH:
            warm_ups.append(json.loads(request.content))
            return httpx.Response(200, json=[])
        return httpx.Response(200, json={"model_file": "haechi-abc.tar.gz", "model_id": "m1"})

    with client_with(rasa) as client:
        response = client.get("/healthz")
        client.get("/healthz")
    # Healthy means warm: Rasa's first (slow) prediction is made once, by the health check,
    # with the message's morphemes (so Rasa never loads Kiwi) and in no citizen's channel.
    [warm_up] = warm_ups
    assert "/model/parse" not in paths
    assert warm_up["sender"] == "health:warm-up"
    assert warm_up["metadata"]["morphemes"]["text"] == warm_up["message"]
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["dependencies"]["rasa"]["ok"] is True
    assert body["dependencies"]["database"]["ok"] is True
    assert body["dependencies"]["action_server"]["ok"] is False
    assert body["model"]["file"] == "haechi-abc.tar.gz"


def test_web_chat_page_is_served_in_korean() -> None:
    with client_with(lambda request: httpx.Response(500)) as client:
        page = client.get("/")
        script = client.get("/static/chat.js")
    assert page.status_code == 200
    assert '<html lang="ko"' in page.text
    assert script.status_code == 200


def test_knowledge_search_over_http_reports_the_decision_and_ranked_results() -> None:
    with client_with(lambda request: httpx.Response(500)) as client:
        response = client.post(
            "/api/v1/knowledge/search", json={"query": "자동차세 언제 내요?", "k": 3}
        )
        english = client.post(
            "/api/v1/knowledge/search",
            json={"query": "When is the car tax due?", "collection": "tax"},
        )
        bad = client.post("/api/v1/knowledge/search", json={"query": "", "k": 0})
    body = response.json()
    assert body["decision"] == "answer"
    assert body["results"][0]["external_id"] == "tax-vehicle-due-dates"
    assert set(body["results"][0]) == {"id", "external_id", "title", "score", "collection"}
    assert len(body["results"]) <= 3
    assert english.json()["results"][0]["title"].startswith("When")
    assert {r["collection"] for r in english.json()["results"]} == {"tax"}
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"query", "k"}


def test_the_served_gateway_freezes_its_start_up_objects_and_tests_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen: list[str] = []
    monkeypatch.setattr("bot.app.freeze_start_up_objects", lambda: frozen.append("frozen") or 1)
    with client_with(lambda request: httpx.Response(500)):
        assert frozen == []
    rasa = RasaClient(
        "http://rasa.test",
        timeout_seconds=5,
        transport=httpx.MockTransport(lambda request: httpx.Response(500)),
    )
    with TestClient(create_app(rasa=rasa, freeze_start_up=True)) as client:
        assert frozen == ["frozen"]  # once started, before the first request
        assert client.get("/healthz").status_code == 503  # Rasa is down here, and it says so
