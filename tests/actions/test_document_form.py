"""The document conversation played against the real actions and a real document office.

Each turn runs `validate_document_form` on a tracker carrying the slots the previous turn set,
as Rasa would; then `action_issue_document` and `action_show_wallet`. The end-to-end version
through Rasa is tests/e2e/test_document_conversations.py.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.document_form import ValidateDocumentForm
from actions.document_issue import ActionIssueDocument, ActionStopDocumentForm
from actions.document_office import document_office
from actions.document_wallet import ActionShowWallet
from civic.documents.settings import get_document_settings

SESSION = "web:s-" + "d" * 32
VERIFIED = {"session_verified": True}


@pytest.fixture(autouse=True)
def _office(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    get_document_settings.cache_clear()
    document_office.cache_clear()
    yield
    get_document_settings.cache_clear()
    document_office.cache_clear()


class Conversation:
    def __init__(self, sender: str = SESSION, metadata: dict[str, Any] | None = None) -> None:
        self.sender = sender
        self.metadata = VERIFIED if metadata is None else metadata
        self.slots: dict[str, Any] = {"language": None, "easy_mode": False}
        self.replies: list[dict[str, Any]] = []
        self.active = False

    def _tracker(self, text: str, intent: str, entities: dict[str, str]) -> Tracker:
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.95},
            "entities": [{"entity": k, "value": v} for k, v in entities.items()],
            "metadata": self.metadata,
        }
        return Tracker(
            sender_id=self.sender,
            slots=dict(self.slots),
            latest_message=latest,
            events=[{"event": "user", "text": text, "parse_data": latest}],
            paused=False,
            followup_action=None,
            active_loop={"name": "document_form"} if self.active else {},
            latest_action_name="action_listen",
        )

    def _run(self, action: Action, tracker: Tracker) -> list[dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        result = action.run(dispatcher, tracker, {})
        events = asyncio.run(result) if asyncio.iscoroutine(result) else result
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.replies = [message["custom"] for message in dispatcher.messages]
        return list(events)

    def say(self, text: str, intent: str = "inform", **entities: str) -> str:
        events = self._run(ValidateDocumentForm(), self._tracker(text, intent, entities))
        self.active = bool(events) and self.slots.get("requested_slot") is not None
        return "\n".join(reply.get("text", "") for reply in self.replies)

    def then(self, action: Action, text: str = "", intent: str = "inform") -> str:
        self._run(action, self._tracker(text, intent, {}))
        return "\n".join(reply.get("text", "") for reply in self.replies)

    def verify_identity(self, name: str = "김해치", birth: str = "1990-01-01") -> str:
        self.say(name)
        text = self.say(birth)
        code = re.search(r"(?:인증번호|code): (\d{6})", text)
        assert code is not None, text
        assert "[데모]" in self.replies[0]["text"] or "[Demo]" in self.replies[0]["text"]
        return self.say(code.group(1))


def test_korean_request_to_issued_resident_copy_in_the_wallet() -> None:
    chat = Conversation()
    asked = chat.say("등본 떼고 싶어요", "request_document", document_type="주민등록등본")
    assert "주민등록표 등본" in asked and "성함" in asked
    assert chat.slots["requested_slot"] == "document_identity"
    assert "생년월일" in chat.say("김해치")
    sent = chat.say("1990-01-01")
    assert chat.slots["document_identity_step"] == "code" and "6자리" in sent
    code = re.search(r"인증번호: (\d{6})", sent)
    assert code is not None
    wrong = "000000" if code.group(1) != "000000" else "111111"
    assert "인증번호가 맞지 않습니다. 4번 더" in chat.say(wrong)
    verified = chat.say(code.group(1))
    assert "본인 확인이 끝났습니다" in verified and "과거 주소 변동 사항" in verified
    buttons = [button["payload"] for button in chat.replies[-1]["buttons"]]
    assert '/inform{"document_choice": "opt:past_addresses=yes"}' in buttons
    chat.say("/inform", document_choice="opt:past_addresses=yes")
    assert chat.slots["document_choices"] == {"past_addresses": "yes"}
    chat.say("가림으로 해 주세요")
    assert chat.slots["document_options"] == {"past_addresses": "yes", "member_numbers": "masked"}
    summary = chat.say("은행에 낼 거예요")
    assert chat.slots["document_purpose"] == "bank"
    assert "이대로 발급할까요?" in summary and "금융기관 제출용" in summary
    chat.say("네", "affirm")
    assert chat.slots["requested_slot"] is None and chat.slots["document_confirmed"] is True

    request_id = chat.slots["document_request_id"]
    issued = chat.then(ActionIssueDocument())
    assert "서울지갑" in issued
    card = chat.replies[-1]["card"]
    credential_id = card["credential_id"]
    assert card["url"].endswith(f"/api/v1/wallet/credentials/{credential_id}/pdf")
    # A retried confirmation (same request) gives the same credential.
    chat.slots.update(
        document_kind="resident_copy",
        document_request_id=request_id,
        document_options={"past_addresses": "yes", "member_numbers": "masked"},
        document_purpose="bank",
    )
    again = chat.then(ActionIssueDocument())
    assert "이미 발급" in again and chat.replies[-1]["card"]["credential_id"] == credential_id
    wallet = chat.then(ActionShowWallet(), "내 서류함 보여줘", "show_wallet")
    assert "주민등록표 등본" in wallet and credential_id[:8] in wallet
    assert [item.id for item in document_office().wallet(SESSION)] == [credential_id]


def test_english_with_a_change_of_document_and_defaults() -> None:
    chat = Conversation(sender="telegram:4242", metadata={})
    asked = chat.say("I'd like to get a document issued", "request_document")
    assert "Which document" in asked and len(chat.replies[-1]["buttons"]) == 8
    chat.say("/inform", document_choice="kind:vaccination")
    verified = chat.verify_identity("Kim Haechi", "1990-01-01")
    assert "You're verified" in verified and "Vaccinations to include" in verified
    switched = chat.say("actually, I need the military service record")
    assert "Switching to the Military service record" in switched
    chat.say("/inform", document_choice="opt:*")
    chat.say("/inform", document_choice="purpose:employer")
    chat.say("no", "deny")
    assert "What would you like to change?" in chat.replies[-1]["text"]
    chat.say("/inform", document_choice="change:purpose")
    summary = chat.say("/inform", document_choice="purpose:government")
    assert "For a public office" in summary
    chat.say("yes", "affirm")
    issued = chat.then(ActionIssueDocument())
    assert "Military service record" in issued and "Seoul Wallet" in issued
    [item] = document_office().wallet("telegram:4242")
    assert item.document_type == "military_service"


def test_who_cannot_get_a_document_is_told_why() -> None:
    anonymous = Conversation(sender="web:chosen-by-client", metadata={})
    assert "웹 채팅" in anonymous.say("등본 떼줘", "request_document", document_type="주민등록등본")
    unverified = Conversation(metadata={"session_verified": False})
    unverified.say("등본 떼줘", "request_document", document_type="주민등록등본")
    assert unverified.slots["document_kind"] == "info"  # answered from the knowledge base
    lee = Conversation(sender="telegram:lee")
    lee.say("병적증명서 떼 주세요", "request_document", document_type="병적증명서")
    lee.verify_identity("이서울", "1991-05-05")
    lee.say("/inform", document_choice="opt:*")
    lee.say("/inform", document_choice="purpose:employer")
    lee.say("네", "affirm")
    assert "병적 기록이 확인되지 않아" in lee.then(ActionIssueDocument())
    assert document_office().wallet("telegram:lee") == []


def test_stop_and_other_documents() -> None:
    chat = Conversation()
    chat.say("초본 떼고 싶어요", "request_document", document_type="주민등록초본")
    assert chat.say("그만", "stop") == "" and chat.slots["requested_slot"] == "document_identity"
    stopped = chat.then(ActionStopDocumentForm(), "그만", "stop")
    assert "취소했습니다" in stopped and chat.slots["document_kind"] is None
    family = Conversation()
    family.say("가족관계증명서 떼려면", "request_document", document_type="가족관계증명서")
    assert family.slots["document_kind"] == "info" and family.slots["requested_slot"] is None


def test_wrong_codes_are_counted_then_locked() -> None:
    chat = Conversation(sender="telegram:guess")
    chat.say("등본", "request_document", document_type="주민등록등본")
    chat.say("김해치")
    text = chat.say("1990-01-01")
    code = re.search(r"인증번호: (\d{6})", text)
    assert code is not None
    wrong = "000000" if code.group(1) != "000000" else "111111"
    assert "4번 더" in chat.say(wrong)
    for _ in range(3):
        chat.say(wrong)
    assert "잠시 멈췄습니다" in chat.say(wrong)
    assert chat.slots["document_kind"] == "end" and chat.slots["requested_slot"] is None


@pytest.mark.parametrize(
    ("sender", "metadata", "holder"),
    [
        (SESSION, VERIFIED, SESSION),
        (SESSION, {"session_verified": False}, None),
        (SESSION, {"client": {"session_verified": True}}, None),
        ("web:chosen-by-client", VERIFIED, None),
        ("telegram:4242", {}, "telegram:4242"),
        ("world:k3y:tax_officer", {}, "world:k3y"),
        ("world:k3y:guide", {}, "world:k3y"),
        ("staff:x", {}, None),
    ],
)
def test_the_wallet_belongs_to_what_the_server_vouches_for(
    sender: str, metadata: dict[str, Any], holder: str | None
) -> None:
    from actions.document_office import wallet_holder

    chat = Conversation(sender=sender, metadata=metadata)
    assert wallet_holder(chat._tracker("hi", "greet", {})) == holder
