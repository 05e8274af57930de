"""“내 서류함 보여줘”: the credentials issued to this conversation's wallet."""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import Turn
from actions.document_office import document_office, wallet_holder
from actions.texts import line
from civic.documents.office import WalletItem


class ActionShowWallet(Action):
    def name(self) -> str:
        return "action_show_wallet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        holder = wallet_holder(tracker)
        if holder is None:
            turn.say(dispatcher, line("doc.unbound", turn.language, easy=turn.easy_mode))
            return turn.events
        items = await asyncio.to_thread(document_office().wallet, holder)
        if not items:
            turn.say(dispatcher, line("doc.wallet.empty", turn.language, easy=turn.easy_mode))
            return turn.events
        rows = "\n".join(describe(item, turn.language) for item in items)
        turn.say(
            dispatcher, line("doc.wallet.list", turn.language, easy=turn.easy_mode, items=rows)
        )
        return turn.events


def describe(item: WalletItem, language: str) -> str:
    document = document_office().catalog.get(item.document_type)
    until = line("doc.field.until", language)
    text = f"• {document.name(language)} ({item.issued_at.date().isoformat()}, "
    text += f"{item.valid_until.date().isoformat()} {until}) · {item.id[:8]}"
    if item.revoked:
        text += f" — {line('doc.field.revoked', language)}"
    return text
