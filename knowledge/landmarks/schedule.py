"""Whether a landmark is open on a day, in Seoul's time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from knowledge.landmarks.facts import Landmark, Season

SEOUL = ZoneInfo("Asia/Seoul")

# Anything that says what time it is now; tests pass a fixed one.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(SEOUL)


def seoul_today(clock: Clock = system_clock) -> date:
    return clock().astimezone(SEOUL).date()


@dataclass(frozen=True)
class DayStatus:
    day: date
    open: bool
    # Why it is closed: its regular closed weekday, or visits suspended for now.
    closed_because: Literal["weekday", "suspended"] | None = None
    season: Season | None = None
    always_open: bool = False


def day_status(landmark: Landmark, day: date) -> DayStatus:
    if landmark.closures.suspended:
        return DayStatus(day=day, open=False, closed_because="suspended")
    if day.weekday() in landmark.closures.weekdays:
        return DayStatus(day=day, open=False, closed_because="weekday")
    if landmark.hours.always_open:
        return DayStatus(day=day, open=True, always_open=True)
    return DayStatus(day=day, open=True, season=landmark.hours.season_for(day.month))
