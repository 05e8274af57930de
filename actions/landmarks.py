"""Landmark questions answered from the landmarks' typed facts, with today's date in Seoul.

"경복궁 입장료 얼마예요?" gets the fee table, "오늘 덕수궁 열어요?" and "Is Gyeongbokgung open on
Tuesday?" get open or closed on that day with the hours, "How do I get to N Seoul Tower?" the
stations and exits, "아이랑 갈 만한 곳" / "무료로 볼 수 있는 곳" a short list. The facts are the
knowledge base's (staff edit them there); the clock is injectable (`set_clock`, or
HAECHI_TODAY for a whole process) so a conversation can be tested on a chosen day.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import Turn, intent_payload, latest_entity
from actions.knowledge_answers import LANDMARK_ENTRIES, _answer_entry_or_search, knowledge_base
from actions.landmark_texts import landmark_line
from agent.reply import Button, Card
from knowledge.landmarks import bundled_landmarks
from knowledge.landmarks.answers import (
    day_answer,
    directions_answer,
    fee_answer,
    format_day,
    hours_answer,
    note_answer,
    short_line,
)
from knowledge.landmarks.facts import Landmark, Sourced
from knowledge.landmarks.questions import ASPECTS, Aspect, aspect_of, day_in, find_landmark, need_of
from knowledge.landmarks.schedule import SEOUL, Clock, day_status, seoul_today, system_clock
from knowledge.landmarks.store import landmark_of

logger = logging.getLogger(__name__)

_MAX_SUGGESTIONS = 5


class _ClockSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAECHI_", extra="ignore")

    # A fixed "today" (YYYY-MM-DD) for demonstrations and end-to-end tests; empty is the real date.
    today: date | None = None


@lru_cache(maxsize=1)
def _settings_clock() -> Clock:
    fixed = _ClockSettings().today
    if fixed is None:
        return system_clock
    return lambda: datetime.combine(fixed, time(12, 0), tzinfo=SEOUL)


_clock: Clock | None = None


def set_clock(clock: Clock | None) -> None:
    """Use this clock for "today" (None: the settings' or the real one)."""
    global _clock
    _clock = clock


def today() -> date:
    return seoul_today(_clock or _settings_clock())


def current_landmarks() -> tuple[Landmark, ...]:
    """The landmarks as the knowledge base has them now: staff edits count, archived ones go."""
    landmarks: list[Landmark] = []
    base = knowledge_base()
    for bundled in bundled_landmarks():
        entry = base.get(bundled.entry_id)
        if entry is None:
            continue  # archived or unpublished by staff
        landmarks.append(landmark_of(entry) or bundled)
    return tuple(landmarks)


def _card(landmark: Landmark, group: Sourced, language: str) -> Card:
    source = landmark.source(group.source)
    return Card(
        title=landmark.name.in_language(language),
        url=source.url,
        source=f"{source.title.in_language(language)} ({group.checked.isoformat()})",
        needs_review=group.needs_review,
    )


def _follow_up_buttons(landmark: Landmark, turn: Turn, asked: Aspect) -> list[Button]:
    options: list[tuple[Aspect, str]] = [
        ("fee", "button.landmark.fee"),
        ("day", "button.landmark.today"),
        ("directions", "button.landmark.directions"),
    ]
    return [
        Button(
            title=landmark_line(key, turn.language, easy=turn.easy_mode),
            payload=intent_payload("landmark_info", landmark=landmark.id, landmark_aspect=aspect),
        )
        for aspect, key in options
        if aspect != asked
    ]


def answer_landmark(
    dispatcher: CollectingDispatcher, turn: Turn, landmark: Landmark, aspect: Aspect
) -> None:
    language = turn.language
    current = today()
    group: Sourced
    if aspect == "fee":
        text, group = fee_answer(landmark, language), landmark.admission
    elif aspect in ("day", "hours"):
        day = day_in(turn.text, today=current)
        if aspect == "hours" and day is None:
            text, group = hours_answer(landmark, language), landmark.hours
        else:
            text = day_answer(landmark, day or current, language, today=current)
            group = landmark.hours if landmark.hours.needs_review else landmark.closures
    elif aspect == "directions":
        text, group = directions_answer(landmark, language), landmark.directions
    elif aspect in ("reservation", "accessibility", "rules"):
        note = getattr(landmark, aspect) or landmark.description
        text, group = note_answer(landmark, note, language) or "", note
    else:
        description = landmark.description.text.in_language(language)
        status = day_answer(landmark, current, language, today=current).split("\n")[0]
        text, group = f"{description}\n\n{status}", landmark.description
    turn.say(
        dispatcher,
        text,
        card=_card(landmark, group, language),
        buttons=_follow_up_buttons(landmark, turn, aspect),
    )


def recommend(
    dispatcher: CollectingDispatcher, turn: Turn, landmarks: tuple[Landmark, ...]
) -> None:
    need = need_of(turn.text)
    current = today()
    open_today = tuple(landmark for landmark in landmarks if day_status(landmark, current).open)
    chosen = [landmark for landmark in open_today if need is None or need in landmark.suits]
    if need == "free":
        chosen = [landmark for landmark in open_today if landmark.admission.free_entry] + [
            landmark
            for landmark in open_today
            if not landmark.admission.free_entry and landmark.admission.free_cases
        ]
    chosen = chosen[:_MAX_SUGGESTIONS] if need else list(open_today)
    language = turn.language
    lines = [landmark_line(f"landmark.recommend.{need or 'any'}", language, easy=turn.easy_mode)]
    lines += [short_line(landmark, language) for landmark in chosen]
    if need == "free":
        for landmark in chosen:
            if not landmark.admission.free_entry:
                cases = ", ".join(
                    case.in_language(language) for case in landmark.admission.free_cases
                )
                lines.append(f"  ({landmark.name.in_language(language)}: {cases})")
    if len(open_today) < len(landmarks):
        lines.append(
            landmark_line(
                "landmark.closed_today_hint",
                language,
                easy=turn.easy_mode,
                day=format_day(current, language),
            )
        )
    buttons = [
        Button(
            title=landmark.name.in_language(language)[:60],
            payload=intent_payload("landmark_info", landmark=landmark.id),
        )
        for landmark in chosen[:_MAX_SUGGESTIONS]
    ]
    turn.say(dispatcher, "\n".join(lines), buttons=buttons)


class ActionLandmarkInfo(Action):
    def name(self) -> str:
        return "action_landmark_info"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        intent = str((tracker.latest_message or {}).get("intent", {}).get("name") or "")
        landmarks = current_landmarks()
        entity = latest_entity(tracker, "landmark")
        landmark = find_landmark(landmarks, entity=entity, text=turn.text)
        if landmark is None and entity in LANDMARK_ENTRIES:
            # Landmarks without typed facts yet (창덕궁, 서울광장, 청계천) keep their entry.
            return _answer_entry_or_search(dispatcher, turn, LANDMARK_ENTRIES[entity])
        if landmark is None or intent == "landmark_recommend":
            recommend(dispatcher, turn, landmarks)
            return [*turn.events, SlotSet("pending_offer", None)]
        asked = latest_entity(tracker, "landmark_aspect")
        aspect = next((known for known in ASPECTS if known == asked), aspect_of(turn.text))
        answer_landmark(dispatcher, turn, landmark, aspect)
        return [*turn.events, SlotSet("pending_offer", None)]
