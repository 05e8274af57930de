"""Actions run against a saved-style tracker, a CollectingDispatcher and the real seed KB."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker

import actions.knowledge_answers
from knowledge.knowledge_base import KnowledgeBase

TrackerFactory = Callable[..., Tracker]


@pytest.fixture(autouse=True)
def _knowledge_base(monkeypatch: pytest.MonkeyPatch, seeded_knowledge_base: KnowledgeBase) -> None:
    monkeypatch.setattr(actions.knowledge_answers, "knowledge_base", lambda: seeded_knowledge_base)


@pytest.fixture
def make_tracker() -> TrackerFactory:
    def make(
        text: str,
        intent: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        slots: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Tracker:
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.95},
            "entities": entities or [],
            "metadata": metadata or {},
        }
        return Tracker(
            sender_id="web:test",
            slots={"language": None, "easy_mode": False, "pending_offer": None, **(slots or {})},
            latest_message=latest,
            events=[{"event": "user", "text": text, "parse_data": latest}],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return make


def run_action(
    action: Any, dispatcher: Any, tracker: Tracker, domain: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run an action the way rasa-sdk's executor does: awaiting it when `run` is async."""
    result = action.run(dispatcher, tracker, domain or {})
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    return list(result)
