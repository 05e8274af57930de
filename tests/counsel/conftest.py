"""A gateway on a fresh database with counsellor accounts, and a Rasa stand-in that answers
like Haechi's actions (a question, a hand-off request) and records tracker events."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from agent.rasa_client import RasaClient
from bot.app import create_app
from bot.settings import get_settings
from knowledge.database import make_engine, make_session_factory, migrate
from knowledge.embeddings import get_embedding_settings
from knowledge.staff_accounts import create_account, issue_token
from tests.conftest import share_embedding_cache

PASSWORD = "해치-counsel-password-1"
ACCOUNTS = {
    "kim@seoul.go.kr": "counsellor",
    "lee@seoul.go.kr": "counsellor",
    "editor@seoul.go.kr": "editor",
}
HANDOFF_ASKS = ("상담사 연결해 주세요", "/human_handoff", "I need a counsellor please")
ANSWER = {
    "ko": "자동차세는 6월과 12월에 냅니다.",
    "en": "Vehicle tax is due in June and December.",
}


@dataclass
class FakeRasa:
    """The REST channel and the tracker API, in memory."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    appended: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tracker_reads: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/webhooks/gateway/webhook":
            body = json.loads(request.content)
            self.sent.append(body)
            return httpx.Response(200, json=self._reply(body["sender"], body["message"]))
        if path.endswith("/tracker/events"):
            conversation = path.split("/")[2]
            self.appended.append((conversation, json.loads(request.content)))
            return httpx.Response(200, json={})
        if path.endswith("/tracker"):
            conversation = path.split("/")[2]
            self.tracker_reads.append(conversation)
            return httpx.Response(200, json={"events": self.trackers.get(conversation, [])})
        return httpx.Response(404)

    def _reply(self, sender: str, message: str) -> list[dict[str, Any]]:
        language = "en" if message.isascii() and not message.startswith("/") else "ko"
        events = self.trackers.setdefault(sender, [])
        events.append({"event": "user", "text": message})
        if message in HANDOFF_ASKS:
            said = "Call 120." if language == "en" else "120번으로 전화해 주세요."
            custom = {
                "text": said,
                "handoff": {"state": "requested", "phone": "120"},
                "language": language,
            }
        else:
            custom = {"text": ANSWER[language], "language": language}
        events.append({"event": "bot", "text": custom["text"], "data": {"custom": custom}})
        return [{"recipient_id": sender, "custom": custom}]

    def webhook_texts(self) -> list[str]:
        return [body["message"] for body in self.sent]


@dataclass
class CounselApp:
    client: TestClient
    rasa: FakeRasa
    tokens: dict[str, str]
    data_dir: Path

    def bearer(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[email]}"}

    def new_citizen(self) -> tuple[str, dict[str, str]]:
        """A web conversation and the header carrying its secret."""
        issued = self.client.post("/api/v1/chat/sessions").json()
        self.client.cookies.clear()  # each citizen proves itself by its own secret
        return issued["session_id"], {"Authorization": f"Bearer {issued['session_secret']}"}

    def say(self, session_id: str, auth: dict[str, str], text: str) -> dict[str, Any]:
        response = self.client.post(
            "/api/v1/chat", json={"session_id": session_id, "text": text}, headers=auth
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="session")
def counsel_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A migrated database with the accounts, made once (argon2 is slow on purpose)."""
    folder = tmp_path_factory.mktemp("counsel-template")
    url = f"sqlite:///{folder / 'haechi.db'}"
    migrate(url)
    engine = make_engine(url)
    tokens: dict[str, str] = {}
    with make_session_factory(engine)() as session:
        for email, role in ACCOUNTS.items():
            create_account(session, email=email, role=role, password=PASSWORD, actor="test")
            tokens[email] = issue_token(session, email=email, name="test", actor="test")[1]
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return folder / "haechi.db", tokens


def open_counsel_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pytestconfig: pytest.Config,
    template: tuple[Path, dict[str, str]],
    **env: str,
) -> Iterator[CounselApp]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HAECHI_DATABASE_URL", raising=False)
    monkeypatch.setenv("HAECHI_COUNSEL_POLL_SECONDS", "0.2")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_embedding_settings.cache_clear()
    share_embedding_cache(tmp_path, pytestconfig)
    database, tokens = template
    shutil.copyfile(database, tmp_path / "haechi.db")
    fake = FakeRasa()
    rasa = RasaClient("http://rasa.test", timeout_seconds=5, transport=httpx.MockTransport(fake))
    with TestClient(create_app(rasa=rasa)) as client:
        yield CounselApp(client=client, rasa=fake, tokens=tokens, data_dir=tmp_path)
    get_settings.cache_clear()
    get_embedding_settings.cache_clear()


@pytest.fixture
def counsel_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pytestconfig: pytest.Config,
    counsel_template: tuple[Path, dict[str, str]],
) -> Iterator[CounselApp]:
    yield from open_counsel_app(monkeypatch, tmp_path, pytestconfig, counsel_template)
