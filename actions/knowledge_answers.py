"""Answers from the knowledge base: civic and tax questions, and the services built later.

Documents, proposals, bookings and landmarks get their own flows in later work; until then
their intents answer from the knowledge base what the service is and where to use it today.
"""

from __future__ import annotations

import asyncio
import logging
import re
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.conversation import Turn, intent_payload, latest_entity
from actions.handoff import offer_handoff
from actions.settings import get_settings
from actions.texts import line
from agent.reply import Button, Card
from knowledge.curation import CurationError
from knowledge.knowledge_base import KnowledgeBase
from knowledge.models import KnowledgeEntry
from knowledge.search import SearchOutcome

DOCUMENT_ENTRIES = {
    "주민등록등본": "document-resident-registration-copy",
    "주민등록초본": "document-resident-registration-abstract",
    "가족관계증명서": "document-family-relations",
    "건축물대장": "document-building-register",
    "토지대장": "document-land-register",
    "지방세 납세증명서": "document-local-tax-payment-certificate",
    "지방세 세목별 과세증명서": "document-local-tax-assessment-certificate",
}

LANDMARK_ENTRIES = {
    "경복궁": "landmark-gyeongbokgung",
    "창덕궁": "landmark-changdeokgung",
    "덕수궁": "landmark-deoksugung",
    "N서울타워": "landmark-n-seoul-tower",
    "광화문광장": "landmark-gwanghwamun-square",
    "서울광장": "landmark-seoul-plaza",
    "청계천": "landmark-cheonggyecheon",
    "동대문디자인플라자": "landmark-ddp",
    "북촌한옥마을": "landmark-bukchon",
    "여의도한강공원": "landmark-yeouido-hangang-park",
}

# What a bare button press (no typed question) about a topic shows.
INTENT_ENTRIES = {
    "faq": "service-capabilities",
    "tax_question": "tax-how-to-pay",
    "request_document": "service-documents",
    "landmark_info": "service-landmarks",
    "submit_proposal": "service-proposals",
    "book_room": "service-room-booking",
}

logger = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    # Messages arrive with the gateway's morphemes (actions/conversation.py): Kiwi is loaded
    # here only to index entries, then dropped (~200 MB).
    return KnowledgeBase.open(get_settings().effective_database_url, keep_analyser=False)


def _easy(answer: str) -> str:
    """Easy mode keeps the first two sentences: the answer and the next step."""
    return " ".join(_SENTENCE_END.split(answer.strip())[:2])


def present_entry(
    dispatcher: CollectingDispatcher,
    turn: Turn,
    entry: KnowledgeEntry,
    *,
    extra: str | None = None,
) -> list[EventType]:
    localized = entry.text_for(turn.language)
    paragraphs: list[str] = []
    if localized is None:
        localized = entry.text_for("ko") or {"question": entry.external_id, "answer": ""}
        note = line("answer.only_korean", turn.language, easy=turn.easy_mode)
        if note:
            paragraphs.append(note)
    answer = str(localized["answer"])
    paragraphs.append(_easy(answer) if turn.easy_mode else answer)
    if extra:
        paragraphs.append(extra)
    if entry.needs_review:
        paragraphs.append(line("answer.needs_review", turn.language, easy=turn.easy_mode))
    card = Card(
        title=str(localized.get("question") or entry.external_id),
        url=entry.source_url,
        source=entry.department,
        needs_review=entry.needs_review,
    )
    turn.say(dispatcher, "\n\n".join(paragraphs), card=card)
    return [*turn.events, SlotSet("pending_offer", None)]


def _entry_title(entry: KnowledgeEntry, language: str) -> str:
    localized = entry.text_for(language) or entry.text_for("ko") or {}
    title = str(localized.get("question") or entry.external_id)
    return title if len(title) <= 60 else title[:59] + "…"


def answer_from_search(
    dispatcher: CollectingDispatcher,
    turn: Turn,
    query: str,
    *,
    collection: str | None = None,
    not_found_key: str = "not_found",
    extra: str | None = None,
) -> list[EventType]:
    """Answer, offer the closest entries, or offer a counsellor, as the search decides."""
    outcome = knowledge_base().search(query, k=3, collection=collection, language=turn.language)
    return answer_outcome(
        dispatcher, turn, query, outcome, not_found_key=not_found_key, extra=extra
    )


def answer_outcome(
    dispatcher: CollectingDispatcher,
    turn: Turn,
    query: str,
    outcome: SearchOutcome,
    *,
    not_found_key: str = "not_found",
    extra: str | None = None,
) -> list[EventType]:
    """Reply as a search for `query` decided: the entry, up to three to pick, or a counsellor."""
    best = outcome.best
    count_event(turn, "decision", outcome.decision)
    if outcome.decision == "answer" and best is not None:
        return present_entry(dispatcher, turn, best.entry, extra=extra)
    _record_miss(turn, query, outcome.decision, best.entry.external_id if best else None)
    if outcome.decision == "clarify":
        buttons = [
            Button(
                title=_entry_title(hit.entry, turn.language),
                payload=intent_payload("faq", entry_id=hit.entry.external_id),
            )
            for hit in outcome.hits
        ]
        buttons.append(
            Button(title=line("button.counsellor", turn.language), payload="/human_handoff")
        )
        turn.say(dispatcher, line("clarify", turn.language, easy=turn.easy_mode), buttons=buttons)
        return turn.events
    return offer_handoff(dispatcher, turn, not_found_key)


def count_event(turn: Turn, kind: str, detail: str) -> None:
    """An analytics event for staff (no text, no ids); never costs the reply."""
    channel = str(turn.metadata.get("channel") or "unknown")[:40]
    knowledge_base().record_event(kind=kind, channel=channel, detail=detail or "none")


def _record_miss(turn: Turn, query: str, decision: str, top_external_id: str | None) -> None:
    """Misses go to staff as unanswered questions; a failure here must not cost the reply."""
    if query.startswith("/"):
        return
    try:
        knowledge_base().record_unanswered(
            query,
            language=turn.language,
            channel=str(turn.metadata.get("channel") or "unknown")[:40],
            decision=decision,
            top_external_id=top_external_id,
        )
    except (SQLAlchemyError, CurationError) as error:
        logger.warning("could not record an unanswered question: %s", type(error).__name__)


def _answer_entry_or_search(
    dispatcher: CollectingDispatcher,
    turn: Turn,
    external_id: str,
    *,
    extra: str | None = None,
) -> list[EventType]:
    entry = knowledge_base().get(external_id)
    if entry is None:
        # Staff archived the entry: the search may still find something close.
        return answer_from_search(dispatcher, turn, turn.text, extra=extra)
    return present_entry(dispatcher, turn, entry, extra=extra)


def _intent(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("intent", {}).get("name") or "")


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # Search (Kiwi, embeddings, FAISS) and the database block: off the event loop.
        return await asyncio.to_thread(self._answer, dispatcher, tracker, domain)

    def _answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Answer a civic or tax question; a picked button names its entry directly."""
        turn = Turn.from_tracker(tracker)
        count_event(turn, "intent", _intent(tracker))
        entry_id = latest_entity(tracker, "entry_id")
        if entry_id:
            return _answer_entry_or_search(dispatcher, turn, entry_id)
        if turn.text.startswith("/"):
            return _answer_entry_or_search(
                dispatcher, turn, INTENT_ENTRIES.get(_intent(tracker), "service-capabilities")
            )
        return answer_from_search(dispatcher, turn, turn.text)


class ActionServiceInfo(Action):
    def name(self) -> str:
        return "action_service_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # Search (Kiwi, embeddings, FAISS) and the database block: off the event loop.
        return await asyncio.to_thread(self._answer, dispatcher, tracker, domain)

    def _answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Documents, landmarks, proposals, bookings: what it is, where to go."""
        turn = Turn.from_tracker(tracker)
        intent = _intent(tracker)
        count_event(turn, "intent", intent)
        if intent == "request_document":
            document = latest_entity(tracker, "document_type")
            if document in DOCUMENT_ENTRIES:
                return _answer_entry_or_search(dispatcher, turn, DOCUMENT_ENTRIES[document])
        if intent == "landmark_info":
            landmark = latest_entity(tracker, "landmark")
            if landmark in LANDMARK_ENTRIES:
                return _answer_entry_or_search(dispatcher, turn, LANDMARK_ENTRIES[landmark])
        if intent == "book_room" and not turn.text.startswith("/"):
            # "빌리다" is booking a room to the NLU but also renting a 따릉이 or borrowing a
            # library book: a confident search answer outranks the intent's default entry.
            outcome = knowledge_base().search(turn.text, k=3, language=turn.language)
            best = outcome.best
            if best is not None and outcome.decision != "handoff":
                if best.entry.external_id.endswith("-booking"):
                    return present_entry(dispatcher, turn, best.entry)
                return answer_outcome(dispatcher, turn, turn.text, outcome)
        return _answer_entry_or_search(
            dispatcher, turn, INTENT_ENTRIES.get(intent, "service-capabilities")
        )
