"""Buttons the conversation offers again and again: the main menu and the counsellor offer."""

from __future__ import annotations

from actions.conversation import intent_payload
from actions.texts import line
from agent.reply import Button


def main_menu(language: str, *, easy: bool = False) -> list[Button]:
    """Every service; in easy mode only the three most asked for, which channels show big."""
    if easy:
        return [
            Button(title=line("button.tax", language), payload=intent_payload("tax_question")),
            Button(
                title=line("button.documents", language),
                payload=intent_payload("request_document"),
            ),
            Button(
                title=line("button.counsellor", language), payload=intent_payload("human_handoff")
            ),
        ]
    return [
        Button(title=line("button.tax", language), payload=intent_payload("tax_question")),
        Button(
            title=line("button.documents", language), payload=intent_payload("request_document")
        ),
        Button(title=line("button.landmarks", language), payload=intent_payload("landmark_info")),
        Button(title=line("button.proposals", language), payload=intent_payload("submit_proposal")),
        Button(title=line("button.bookings", language), payload=intent_payload("book_room")),
        Button(title=line("button.counsellor", language), payload=intent_payload("human_handoff")),
    ]


def counsellor_offer(language: str) -> list[Button]:
    return [
        Button(title=line("button.yes_counsellor", language), payload=intent_payload("affirm")),
        Button(title=line("button.no", language), payload=intent_payload("deny")),
    ]
