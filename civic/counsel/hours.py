"""Counselling hours (settings): when a counsellor can take a conversation, in Seoul time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class BadHours(ValueError):
    """The hours setting cannot be read; the message says how to write it."""


@dataclass(frozen=True)
class CounselHours:
    opens: time
    # None means midnight at the end of the day ("24:00").
    closes: time | None
    days: frozenset[int]

    @classmethod
    def parse(cls, span: str, days: str) -> CounselHours:
        """`span` like "09:00-18:00" ("00:00-24:00" all day); `days` like "mon,tue,wed"."""
        match = _SPAN.match(span)
        if match is None:
            raise BadHours(f"counsel hours {span!r}: write HH:MM-HH:MM, e.g. 09:00-18:00")
        open_h, open_m, close_h, close_m = (int(part) for part in match.groups())
        if open_h > 23 or open_m > 59 or close_m > 59 or close_h > 24:
            raise BadHours(f"counsel hours {span!r}: not a time of day")
        closes = None if (close_h, close_m) == (24, 0) else time(close_h % 24, close_m)
        names = [name.strip().lower()[:3] for name in days.split(",") if name.strip()]
        unknown = [name for name in names if name not in DAY_NAMES]
        if unknown or not names:
            raise BadHours(f"counsel days {days!r}: list days as mon,tue,wed,thu,fri,sat,sun")
        return cls(
            opens=time(open_h, open_m),
            closes=closes,
            days=frozenset(DAY_NAMES.index(name) for name in names),
        )

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(SEOUL)
        if local.weekday() not in self.days:
            return False
        moment = local.time().replace(tzinfo=None)
        if moment < self.opens:
            return False
        return self.closes is None or moment < self.closes

    def describe(self, language: str) -> str:
        """ "평일 09:00–18:00" / "weekdays 09:00–18:00", for the leave-a-message notice."""
        closes = "24:00" if self.closes is None else self.closes.strftime("%H:%M")
        span = f"{self.opens.strftime('%H:%M')}–{closes}"
        if self.days == frozenset(range(7)):
            days = {"ko": "매일", "en": "every day"}
        elif self.days == frozenset(range(5)):
            days = {"ko": "평일", "en": "weekdays"}
        else:
            ko = "·".join("월화수목금토일"[day] for day in sorted(self.days))
            en = ", ".join(DAY_NAMES[day].capitalize() for day in sorted(self.days))
            days = {"ko": ko, "en": en}
        return f"{days['ko'] if language == 'ko' else days['en']} {span}"
