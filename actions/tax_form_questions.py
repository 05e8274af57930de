"""A knowledge question asked in the middle of a calculator: answered, then the form goes on.

The rules in nlu/data/rules/tax.yml run this action when a form rejects a question
(actions/tax_turns.py), then the form again, which asks its question once more. The answer
comes from the same search the FAQ uses; a question that names no tax is searched with the
open calculator's tax ("연납 기한이 언제예요?" in the 자동차세 form is about 자동차세).
When the search finds nothing, a counsellor is offered with a button only: the counsellor
offer's yes/no buttons would answer the calculator's own question.
"""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import knowledge_answers
from actions.conversation import Turn, intent_payload, latest_entity
from actions.knowledge_answers import ActionAnswerQuestion, answer_outcome
from actions.tax_turns import names_a_tax
from actions.texts import line
from agent.reply import Button
from knowledge.curation import CurationError

logger = logging.getLogger(__name__)


def question_in_context(text: str, form: str | None, language: str) -> str:
    """The question with the open calculator's tax added when it names none."""
    if form is None or names_a_tax(text):
        return text
    return f"{line(f'tax.name.{form}', language)} {text}"


def answer_in_form(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Answer a question asked during a calculator; blocking (search), so run off the loop."""
    turn = Turn.from_tracker(tracker)
    form = (tracker.active_loop or {}).get("name")
    query = question_in_context(turn.text, str(form) if form else None, turn.language)
    # Through the module, so the FAQ's one knowledge base (and a test's) is the one searched.
    outcome = knowledge_answers.knowledge_base().search(query, k=3, language=turn.language)
    if outcome.decision != "handoff":
        return answer_outcome(dispatcher, turn, query, outcome)
    _record_miss(turn, query, outcome.best.entry.external_id if outcome.best else None)
    counsellor = Button(
        title=line("button.counsellor", turn.language), payload=intent_payload("human_handoff")
    )
    turn.say(dispatcher, line("tax.form_not_found", turn.language), buttons=[counsellor])
    return turn.events


class ActionAnswerInTaxForm(Action):
    def name(self) -> str:
        return "action_answer_in_tax_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer the question from the knowledge base; the form asks its question next."""
        if tracker.latest_message.get("text", "").startswith("/") or latest_entity(
            tracker, "entry_id"
        ):
            # A picked entry or a menu button: answered exactly as outside a calculator.
            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        # Search (Kiwi, embeddings, FAISS) and the database block: off the event loop.
        return await asyncio.to_thread(answer_in_form, dispatcher, tracker)


def _record_miss(turn: Turn, query: str, top_external_id: str | None) -> None:
    """Misses go to staff as unanswered questions; a failure here must not cost the reply."""
    try:
        knowledge_answers.knowledge_base().record_unanswered(
            query,
            language=turn.language,
            channel=str(turn.metadata.get("channel") or "unknown")[:40],
            decision="handoff",
            top_external_id=top_external_id,
        )
    except (SQLAlchemyError, CurationError) as error:
        logger.warning("could not record an unanswered question: %s", type(error).__name__)
