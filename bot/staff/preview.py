"""/api/v1/staff/ask: "what would Haechi answer?" — the agent's own search, decision and reply.

The reply is built by the same action code the agent runs (present_entry, the catalog lines),
without recording the question as a miss: staff trying questions are not citizens.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn, intent_payload
from actions.knowledge_answers import present_entry
from actions.texts import line
from bot.staff.identity import CurrentStaff, allowed
from bot.staff.schemas import AskRequest, AskResponse, Candidate
from knowledge.knowledge_base import KnowledgeBase
from knowledge.language import detect_language
from knowledge.search import SearchOutcome, entry_title

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


def citizen_reply(outcome: SearchOutcome, question: str, language: str) -> dict[str, Any]:
    """The message a citizen would get for this search outcome (text, buttons, card)."""
    turn = Turn(language=language, easy_mode=False, text=question, metadata={})
    best = outcome.best
    if outcome.decision == "answer" and best is not None:
        dispatcher = CollectingDispatcher()
        present_entry(dispatcher, turn, best.entry)
        message: dict[str, Any] = dispatcher.messages[0].get("custom") or {}
        return message
    if outcome.decision == "clarify":
        buttons = [
            {
                "title": entry_title(hit.entry, language),
                "payload": intent_payload("faq", entry_id=hit.entry.external_id),
            }
            for hit in outcome.hits
        ]
        buttons.append({"title": line("button.counsellor", language), "payload": "/human_handoff"})
        return {"text": line("clarify", language), "buttons": buttons}
    return {"text": line("not_found", language), "handoff": {"state": "offered"}}


def ask_haechi(knowledge_base: KnowledgeBase, body: AskRequest) -> AskResponse:
    language = body.language or detect_language(body.question) or "ko"
    knowledge_base.sync(force=True)  # a staff member expects what was just published
    outcome = knowledge_base.search(body.question, k=3, language=language)
    return AskResponse(
        decision=outcome.decision,
        confidence=round(outcome.confidence, 4),
        language=language,
        candidates=[
            Candidate(
                id=hit.entry.id,
                external_id=hit.entry.external_id,
                title=entry_title(hit.entry, language),
                score=round(hit.score, 4),
                collection=hit.entry.collection,
                status=hit.entry.status,
            )
            for hit in outcome.hits
        ],
        reply=citizen_reply(outcome, body.question, language),
    )


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, identity: CurrentStaff, request: Request) -> AskResponse:
    """The decision (answer / clarify / handoff), the top candidates with scores, and the
    reply as a citizen sees it. A read: no CSRF token needed, nothing is recorded."""
    allowed(identity, "ask")
    return ask_haechi(request.app.state.knowledge_base, body)
