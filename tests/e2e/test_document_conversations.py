"""Documents issued in conversation through the real stack (gateway, Rasa, action server),
checked by a verifier written only from the W3C specifications, and the data folder searched
afterwards for the demo residents' registration numbers.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.independent_verifier import verify_credential
from tests.stack import RunningStack

pytestmark = pytest.mark.e2e

# The demo residents' registration numbers (civic/documents/demo_registry.yml), as typed,
# without the hyphen, and in the UTF-16 a PDF string might use.
DEMO_NUMBERS = ("900101-1990017", "910505-2990025", "200303-3990033")


class WebChat:
    """A web conversation the server issued, spoken to with its secret."""

    def __init__(self, stack: RunningStack) -> None:
        self.stack = stack
        created = httpx.post(f"{stack.gateway_url}/api/v1/chat/sessions", timeout=30).json()
        self.session_id: str = created["session_id"]
        self.headers = {"Authorization": f"Bearer {created['session_secret']}"}
        self.last: dict[str, Any] = {}

    def say(self, text: str) -> str:
        response = httpx.post(
            f"{self.stack.gateway_url}/api/v1/chat",
            json={"session_id": self.session_id, "text": text},
            headers=self.headers,
            timeout=90,
        )
        assert response.status_code == 200, response.text
        self.last = response.json()
        assert self.last["messages"], f"no reply to {text!r}"
        return "\n".join(message["text"] for message in self.last["messages"])

    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.last["messages"] for b in (m.get("buttons") or [])]

    def press(self, fragment: str) -> str:
        payload = next(b["payload"] for b in self.buttons() if fragment in b["payload"])
        return self.say(payload)

    def wallet(self, path: str = "") -> httpx.Response:
        return httpx.get(
            f"{self.stack.gateway_url}/api/v1/wallet/credentials{path}",
            params={"session_id": self.session_id},
            headers=self.headers,
            timeout=30,
        )


def _code(text: str) -> str:
    found = re.search(r"(?:인증번호|code): (\d{6})", text)
    assert found is not None, text
    return found.group(1)


def test_korean_resident_copy_issued_in_conversation_and_verified_independently(
    stack: RunningStack,
) -> None:
    chat = WebChat(stack)
    asked = chat.say("등본 떼고 싶어요")
    assert "주민등록표 등본" in asked and "성함" in asked, asked
    assert "생년월일" in chat.say("김해치")
    sent = chat.say("1990-01-01")
    assert "[데모]" in chat.last["messages"][0]["text"], sent
    verified = chat.say(_code(sent))
    assert "본인 확인이 끝났습니다" in verified and "과거 주소" in verified, verified
    # A registration number typed into the chat never reaches Rasa in clear (asked again).
    chat.say("주민번호 900101-1990017 보이게 해 주세요")
    chat.press("past_addresses=yes")
    chat.press("member_numbers=shown")
    assert "어디에 내실" in chat.last["messages"][-1]["text"]
    summary = chat.press("purpose:bank")
    assert "이대로 발급할까요?" in summary, summary
    issued = chat.say("네")
    assert "서울지갑" in issued, issued
    card = chat.last["messages"][-1]["card"]
    credential_id = card["credential_id"]

    listed = chat.wallet()
    assert listed.status_code == 200
    [item] = [entry for entry in listed.json() if entry["id"] == credential_id]
    assert item["format"] == "vc+jwt" and item["document_type"] == "resident_copy"
    pdf = chat.wallet(f"/{credential_id}/pdf").content
    outcome = verify_credential(
        item["credential"], pdf=pdf, scheme="http", client=httpx.Client(timeout=30)
    )
    assert outcome.ok, outcome.problems
    assert "900101-1990017" in json.dumps(outcome.payload, ensure_ascii=False)  # chosen: shown
    assert not verify_credential(
        item["credential"], pdf=pdf + b"\n", scheme="http", client=httpx.Client(timeout=30)
    ).ok
    gateway = httpx.post(
        f"{stack.gateway_url}/api/v1/credentials/verify",
        json={"credential": item["credential"], "pdf": base64.b64encode(pdf).decode()},
        timeout=30,
    ).json()
    assert gateway["verified"] and gateway["checks"][-1]["name"] == "pdf_digest"

    wallet_text = chat.say("내 서류함 보여줘")
    assert "주민등록표 등본" in wallet_text and credential_id[:8] in wallet_text, wallet_text
    # Someone else cannot open it.
    other = WebChat(stack)
    assert other.wallet(f"/{credential_id}").status_code == 404
    stolen = httpx.get(
        f"{stack.gateway_url}/api/v1/wallet/credentials",
        params={"session_id": chat.session_id},
        headers=other.headers,
        timeout=30,
    )
    assert stolen.status_code == 403


def test_english_vaccination_certificate_in_conversation(stack: RunningStack) -> None:
    chat = WebChat(stack)
    asked = chat.say("I need a vaccination certificate")
    assert "Vaccination certificate" in asked and "your name" in asked, asked
    chat.say("Kim Haechi")
    sent = chat.say("1990-01-01")
    assert "[Demo]" in sent, sent
    verified = chat.say(_code(sent))
    assert "You're verified" in verified, verified
    chat.press("opt:*")
    chat.press("purpose:school")
    issued = chat.say("yes")
    assert "Seoul Wallet" in issued, issued
    credential_id = chat.last["messages"][-1]["card"]["credential_id"]
    item = chat.wallet(f"/{credential_id}").json()
    assert item["document_type"] == "vaccination"
    assert verify_credential(item["credential"], scheme="http", client=httpx.Client(timeout=30)).ok
    wallet = chat.say("show my wallet")
    assert "Vaccination certificate" in wallet, wallet


def test_cancel_midway_leaves_nothing_issued(stack: RunningStack) -> None:
    chat = WebChat(stack)
    chat.say("초본 떼고 싶어요")
    stopped = chat.say("그만")
    assert "취소했습니다" in stopped, stopped
    assert chat.wallet().json() == []


def _data_folders(stack: RunningStack) -> list[Path]:
    return [stack.log_path.parent, Path(os.environ["HAECHI_DATA_DIR"])]


def test_no_demo_registration_number_is_in_clear_under_the_data_folder(
    stack: RunningStack,
) -> None:
    """Runs last in this module: everything above has been written by then."""
    needles = []
    for number in DEMO_NUMBERS:
        for form in (number, number.replace("-", "")):
            needles += [form.encode(), form.encode("utf-16-be"), form.encode("utf-16-le")]
    found = []
    for folder in _data_folders(stack):
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                found += [f"{path}: {needle!r}" for needle in needles if needle in data]
    assert found == []
