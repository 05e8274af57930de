"""nlu/stores/tracker_store.py: the same trackers as Rasa's SQL store, read incrementally, with
no turn-only morphemes stored (run with the Rasa environment's pytest, Python 3.10)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from nlu.stores import tracker_store
from nlu.stores.tracker_store import TunedSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, faq]
slots:
  language:
    type: text
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: "안녕하세요"}]
"""
)
MORPHEMES = {
    "analyser": "kiwipiepy test",
    "text": "자동차세 언제 내요?",
    "tokens": [["자동차세", "NNG", 0, 4], ["언제", "MAG", 5, 2]],
    "spaced": "자동차세 언제 내요?",
}


def stores(folder: Path) -> tuple[TunedSQLTrackerStore, SQLTrackerStore]:
    database = str(folder / "tracker.db")
    ours = TunedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=database)
    rasa = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=database)
    return ours, rasa


def turn(text: str, number: int) -> list[Event]:
    metadata = {"channel": "web", "morphemes": {**MORPHEMES, "text": text}}
    parse_data = {
        "intent": {"name": "faq", "confidence": 0.9},
        "entities": [],
        "text": text,
        "metadata": metadata,
    }
    return [
        UserUttered(text, parse_data=parse_data, metadata=metadata),
        SlotSet("language", "ko"),
        ActionExecuted("action_answer_question"),
        BotUttered(f"답변 {number}", data={"custom": {"text": f"답변 {number}"}}),
        ActionExecuted("action_listen"),
    ]


def states(tracker: DialogueStateTracker | None) -> list[dict[str, Any]]:
    assert tracker is not None
    events = tracker.current_state(EventVerbosity.ALL)["events"]
    return [event for event in events if event is not None]


async def add_turn(store: Any, sender: str, text: str, number: int) -> None:
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
    for new_event in turn(text, number):
        tracker.update(new_event)
    await store.save(tracker)


def test_turns_read_back_as_rasa_reads_them_without_the_morphemes(tmp_path: Path) -> None:
    async def scenario() -> None:
        ours, rasa = stores(tmp_path)
        for number in range(6):
            await add_turn(ours, "web:citizen", f"자동차세 언제 내요? {number}", number)
        mine, theirs = await ours.retrieve("web:citizen"), await rasa.retrieve("web:citizen")
        assert states(mine) == states(theirs)
        assert len(states(mine)) == 30
        assert mine is not None and mine.get_slot("language") == "ko"
        rows = sqlite3.connect(tmp_path / "tracker.db").execute(
            "SELECT data FROM events WHERE type_name = 'user'"
        )
        stored = [json.loads(data) for (data,) in rows]
        assert len(stored) == 6
        for user in stored:
            assert user["metadata"] == {"channel": "web"} or "morphemes" not in user["metadata"]
            assert user["metadata"]["channel"] == "web"
            assert "morphemes" not in user["parse_data"]["metadata"]
            assert user["parse_data"]["intent"]["name"] == "faq"

    asyncio.run(scenario())


def test_what_another_replica_wrote_meanwhile_is_read(tmp_path: Path) -> None:
    async def scenario() -> None:
        first, _ = stores(tmp_path)
        second, rasa = stores(tmp_path)
        await add_turn(first, "web:citizen", "안녕하세요", 0)
        await add_turn(second, "web:citizen", "재산세는요?", 1)  # the other replica's turn
        await add_turn(first, "web:citizen", "고마워요", 2)
        await add_turn(second, "web:citizen", "또 물어볼게요", 3)
        assert states(await first.retrieve("web:citizen")) == states(
            await rasa.retrieve("web:citizen")
        )
        texts = [
            e["text"] for e in states(await first.retrieve("web:citizen")) if e["event"] == "user"
        ]
        assert texts == ["안녕하세요", "재산세는요?", "고마워요", "또 물어볼게요"]

    asyncio.run(scenario())


def test_a_new_session_starts_the_tracker_afresh_as_in_rasa(tmp_path: Path) -> None:
    async def scenario() -> None:
        ours, rasa = stores(tmp_path)
        await add_turn(ours, "web:citizen", "안녕하세요", 0)
        tracker = await ours.retrieve("web:citizen")
        assert tracker is not None
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen"))
        await ours.save(tracker)
        await add_turn(ours, "web:citizen", "새 질문", 1)
        mine = states(await ours.retrieve("web:citizen"))
        assert mine == states(await rasa.retrieve("web:citizen"))
        assert [e["text"] for e in mine if e["event"] == "user"] == ["새 질문"]

    asyncio.run(scenario())


def test_a_caller_changing_its_tracker_does_not_change_the_next_one(tmp_path: Path) -> None:
    async def scenario() -> None:
        ours, _ = stores(tmp_path)
        await add_turn(ours, "web:citizen", "안녕하세요", 0)
        tracker = await ours.retrieve("web:citizen")
        assert tracker is not None
        tracker.latest_message.parse_data["intent"]["name"] = "changed"  # type: ignore[index]
        tracker.update(SlotSet("language", "en"))  # never saved: the turn failed
        again = await ours.retrieve("web:citizen")
        assert again is not None
        assert again.latest_message.intent["name"] == "faq"  # type: ignore[union-attr]
        assert again.get_slot("language") == "ko"

    asyncio.run(scenario())


def test_an_unknown_conversation_is_none_and_memory_stays_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        ours, rasa = stores(tmp_path)
        assert await ours.retrieve("web:nobody") is None
        monkeypatch.setattr(tracker_store, "KNOWN_EVENTS_BYTES", 3000)
        for number in range(12):
            await add_turn(ours, f"web:citizen-{number}", "안녕하세요", number)
            await ours.retrieve(f"web:citizen-{number}")
        assert 0 < ours._known_bytes <= 3000
        assert ours._known_bytes == sum(known.size for known in ours._known.values())
        assert len(ours._known) < 12
        for number in range(12):  # forgotten or not, each reads back whole
            assert states(await ours.retrieve(f"web:citizen-{number}")) == states(
                await rasa.retrieve(f"web:citizen-{number}")
            )

    asyncio.run(scenario())
