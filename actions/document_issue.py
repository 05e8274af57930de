"""Issuing the confirmed document into the conversation's wallet, and stopping the form.

The issuance reply says where the document is and carries a card with the credential id (the
wallet API's `GET /api/v1/wallet/credentials/{id}`) and the PDF's address. A retried
confirmation issues nothing new: the form's request id makes issuance idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.conversation import Turn, intent_payload
from actions.document_form import ALL_DOCUMENT_SLOTS, END, INFO
from actions.document_office import channel_of, document_office, wallet_holder
from actions.handoff import request_handoff
from actions.knowledge_answers import ActionServiceInfo
from actions.menus import main_menu
from actions.tax_turns import intent_of
from actions.texts import line
from agent.reply import Button, Card
from civic.documents.claims import DocumentRefused
from civic.documents.office import Issued

logger = logging.getLogger(__name__)


def reset_events() -> list[EventType]:
    return [SlotSet(slot, None) for slot in ALL_DOCUMENT_SLOTS]


class ActionIssueDocument(Action):
    def name(self) -> str:
        return "action_issue_document"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = tracker.get_slot("document_kind")
        if kind == INFO:
            events = await ActionServiceInfo().run(dispatcher, tracker, domain)
            return [*events, *reset_events()]
        if kind == END or not kind:
            return reset_events()
        turn = Turn.from_tracker(tracker)
        holder = wallet_holder(tracker)
        if holder is None:
            turn.say(dispatcher, line("doc.unbound", turn.language, easy=turn.easy_mode))
            return [*turn.events, *reset_events()]
        try:
            issued = await asyncio.to_thread(self._issue, tracker, turn, holder, str(kind))
        except DocumentRefused as refused:
            key = f"doc.refused.{refused.reason}"
            turn.say(
                dispatcher,
                line(key, turn.language, easy=turn.easy_mode),
                buttons=main_menu(turn.language),
            )
            return [*turn.events, *reset_events()]
        except (SQLAlchemyError, OSError, RuntimeError) as error:
            logger.error("document issuance failed: %s", type(error).__name__)
            turn.say(dispatcher, line("doc.failed", turn.language, easy=turn.easy_mode))
            return [*turn.events, *reset_events()]
        if issued is None:
            turn.say(dispatcher, line("doc.identity.expired", turn.language, easy=turn.easy_mode))
            return [*turn.events, *reset_events()]
        self._say_issued(dispatcher, turn, issued)
        return [*turn.events, *reset_events()]

    @staticmethod
    def _issue(tracker: Tracker, turn: Turn, holder: str, kind: str) -> Issued | None:
        office = document_office()
        identity = office.identity.current(holder=holder)
        if identity is None:
            return None
        options: dict[str, Any] = tracker.get_slot("document_options") or {}
        return office.issue(
            holder=holder,
            channel=channel_of(holder),
            resident_id=identity.resident_id,
            document_type=kind,
            options={str(key): str(value) for key, value in options.items()},
            purpose=str(tracker.get_slot("document_purpose") or "personal"),
            language=turn.language,
            request_id=str(tracker.get_slot("document_request_id") or tracker.sender_id),
        )

    @staticmethod
    def _say_issued(dispatcher: CollectingDispatcher, turn: Turn, issued: Issued) -> None:
        office = document_office()
        item = issued.item
        document = office.catalog.get(item.document_type)
        language = turn.language
        lines = [] if issued.new else [line("doc.issued.again", language, easy=turn.easy_mode)]
        lines.append(
            line(
                "doc.issued",
                language,
                easy=turn.easy_mode,
                document=document.name(language),
                valid_until=item.valid_until.date().isoformat(),
                verify_url=office.settings.url("/verify"),
            )
        )
        card = Card(
            title=document.name(language),
            body=f"{item.issued_at.date().isoformat()} → {item.valid_until.date().isoformat()}"
            f" · {item.id}",
            url=item.pdf_url,
            source=document.authority.get(language, document.authority["ko"]),
            credential_id=item.id,
        )
        wallet = Button(
            title=line("button.doc.wallet", language), payload=intent_payload("show_wallet")
        )
        turn.say(dispatcher, "\n\n".join(lines), buttons=[wallet], card=card)


class ActionStopDocumentForm(Action):
    def name(self) -> str:
        return "action_stop_document_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """ "그만", "취소": the request is dropped; asking for a person hands over."""
        turn = Turn.from_tracker(tracker)
        reset = [*reset_events(), SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]
        if intent_of(tracker) == "human_handoff":
            return [*request_handoff(dispatcher, turn), *reset]
        turn.say(
            dispatcher,
            line("doc.stopped", turn.language, easy=turn.easy_mode),
            buttons=main_menu(turn.language),
        )
        return [*turn.events, *reset]
