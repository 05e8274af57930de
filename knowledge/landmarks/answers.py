"""What the agent says about a landmark, in Korean or English, from its typed facts.

Pure functions over facts.Landmark: the action server and the knowledge base (an entry's
searchable text) say the same thing. Anything marked needs_review is said with a line that
sends the visitor to the official source.
"""

from __future__ import annotations

from datetime import date, time

from knowledge.landmarks.facts import Landmark, Note, Sourced
from knowledge.landmarks.schedule import DayStatus, day_status

_WEEKDAYS = {
    "ko": ("월", "화", "수", "목", "금", "토", "일"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


def _lang(language: str) -> str:
    return "ko" if language == "ko" else "en"


def format_day(day: date, language: str) -> str:
    """ "12월 1일(화)" or "Tuesday 1 December"."""
    if _lang(language) == "ko":
        return f"{day.month}월 {day.day}일({_WEEKDAYS['ko'][day.weekday()]})"
    return f"{_WEEKDAYS['en'][day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]}"


def topic(name: str) -> str:
    """The name with 은 or 는, as its last Hangul syllable asks ("경복궁은", "DDP는")."""
    bare = name.split("(")[0].strip() or name
    last = bare[-1]
    if "가" <= last <= "힣":
        return f"{name}{'은' if (ord(last) - ord('가')) % 28 else '는'}"
    return f"{name}은(는)"


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _won(amount: int, language: str) -> str:
    return f"{amount:,}원" if _lang(language) == "ko" else f"{amount:,} won"


def review_line(landmark: Landmark, group: Sourced, language: str) -> str | None:
    """One line sending the visitor to the source when staff have yet to confirm a fact."""
    if not group.needs_review:
        return None
    source = landmark.source(group.source)
    if _lang(language) == "ko":
        return (
            f"이 정보는 바뀌었을 수 있어 담당자가 확인하고 있습니다. 방문 전 "
            f"{source.title.ko}({source.url})에서 꼭 확인해 주세요."
        )
    return (
        f"This may have changed and is being checked by our staff; please confirm on the "
        f"{source.title.en} ({source.url}) before you go."
    )


def _with_review(landmark: Landmark, lines: list[str], groups: list[Sourced], language: str) -> str:
    notes = {line for group in groups if (line := review_line(landmark, group, language))}
    return "\n".join([*lines, *sorted(notes)])


def fee_answer(landmark: Landmark, language: str) -> str:
    lang = _lang(language)
    name = landmark.name.in_language(lang)
    admission = landmark.admission
    lines: list[str] = []
    if admission.free_entry:
        lines.append(f"{topic(name)} 입장료가 없습니다." if lang == "ko" else f"{name} is free.")
    elif admission.fees:
        head = f"{name} 입장료입니다." if lang == "ko" else f"Admission to {name}:"
        lines.append(head)
        lines += [
            f"• {fee.group.in_language(lang)}: {_won(fee.price_krw, lang)}"
            for fee in admission.fees
        ]
    free = [case.in_language(lang) for case in admission.free_cases]
    if free and not admission.free_entry:
        lines.append(("무료: " if lang == "ko" else "Free: ") + ", ".join(free))
    if admission.note:
        lines.append(admission.note.in_language(lang))
    return _with_review(landmark, lines, [admission], lang)


def _open_hours(status: DayStatus, language: str) -> str:
    lang = _lang(language)
    season = status.season
    if status.always_open or season is None:
        return "하루 종일 열려 있습니다" if lang == "ko" else "open at all hours"
    hours = f"{_clock(season.opens)}~{_clock(season.closes)}"
    if lang == "ko":
        last = f"(입장 마감 {_clock(season.last_entry)})" if season.last_entry else ""
        return f"{hours}에 엽니다{last}"
    last = f" (last entry {_clock(season.last_entry)})" if season.last_entry else ""
    return f"open {_clock(season.opens)} to {_clock(season.closes)}{last}"


def day_answer(landmark: Landmark, day: date, language: str, *, today: date) -> str:
    """Open or closed on a day, with the hours or the reason, and the day named in full."""
    lang = _lang(language)
    name = landmark.name.in_language(lang)
    status = day_status(landmark, day)
    when_ko = "오늘" if day == today else ("내일" if (day - today).days == 1 else "")
    when_en = "today" if day == today else ("tomorrow" if (day - today).days == 1 else "on")
    day_text = format_day(day, lang)
    groups: list[Sourced] = [landmark.hours, landmark.closures]
    lines: list[str] = []
    if lang == "ko":
        prefix = f"{when_ko} {day_text}" if when_ko else day_text
        if status.open:
            lines.append(f"{prefix} {topic(name)} {_open_hours(status, lang)}.")
        elif status.closed_because == "suspended":
            lines.append(f"{prefix} {topic(name)} 지금 관람이 중단되어 있습니다.")
        else:
            weekday = _WEEKDAYS["ko"][day.weekday()]
            lines.append(f"{prefix} {topic(name)} 쉽니다. 매주 {weekday}요일에 쉽니다.")
    else:
        prefix = f"{when_en}, {day_text}" if when_en != "on" else f"on {day_text}"
        if status.open:
            lines.append(f"{name} is open {prefix}: {_open_hours(status, lang)}.")
        elif status.closed_because == "suspended":
            lines.append(f"{name} is closed to visitors for now ({prefix}).")
        else:
            weekday = _WEEKDAYS["en"][day.weekday()]
            lines.append(f"{name} is closed {prefix}: it closes every {weekday}.")
    exceptions = landmark.closures.exceptions
    if exceptions and not status.open:
        # The landmark's own words say the closed day and its exceptions better than ours.
        lines[-1] = lines[-1].split(". ")[0].split(": ")[0].rstrip(".") + "."
        lines.append(exceptions.in_language(lang))
    if landmark.hours.note:
        lines.append(landmark.hours.note.in_language(lang))
    return _with_review(landmark, lines, groups, lang)


def hours_answer(landmark: Landmark, language: str) -> str:
    """Hours across the year and the regular closed days."""
    lang = _lang(language)
    name = landmark.name.in_language(lang)
    hours = landmark.hours
    lines: list[str] = []
    if hours.always_open:
        lines.append(
            f"{topic(name)} 늘 열려 있습니다." if lang == "ko" else f"{name} is always open."
        )
    else:
        lines.append(f"{name} 관람 시간입니다." if lang == "ko" else f"{name} opening hours:")
        for season in hours.seasons:
            months = ", ".join(
                f"{month}월" if lang == "ko" else _MONTHS_EN[month - 1][:3]
                for month in sorted(season.months)
            )
            last = ""
            if season.last_entry:
                last = (
                    f" (입장 마감 {_clock(season.last_entry)})"
                    if lang == "ko"
                    else f" (last entry {_clock(season.last_entry)})"
                )
            lines.append(f"• {months}: {_clock(season.opens)}~{_clock(season.closes)}{last}")
    closures = landmark.closures
    if closures.exceptions:
        lines.append(closures.exceptions.in_language(lang))
    if hours.note:
        lines.append(hours.note.in_language(lang))
    return _with_review(landmark, lines, [hours, closures], lang)


def directions_answer(landmark: Landmark, language: str) -> str:
    lang = _lang(language)
    directions = landmark.directions
    name = landmark.name.in_language(lang)
    lines = [
        f"{name} 주소: {directions.address.ko}"
        if lang == "ko"
        else f"{name}: {directions.address.en}"
    ]
    for station in directions.stations:
        if lang == "ko":
            exit_text = f" {station.exit}번 출구" if station.exit else ""
            walk = f", 걸어서 약 {station.walk_minutes}분" if station.walk_minutes else ""
            lines.append(f"• {station.line.ko} {station.name.ko}{exit_text}{walk}")
        else:
            exit_text = f", Exit {station.exit}" if station.exit else ""
            walk = f", about {station.walk_minutes} min on foot" if station.walk_minutes else ""
            lines.append(f"• {station.line.en}, {station.name.en}{exit_text}{walk}")
    if directions.note:
        lines.append(directions.note.in_language(lang))
    return _with_review(landmark, lines, [directions], lang)


def note_answer(landmark: Landmark, note: Note | None, language: str) -> str | None:
    if note is None:
        return None
    return _with_review(landmark, [note.text.in_language(language)], [note], _lang(language))


def overview_answer(landmark: Landmark, language: str) -> str:
    """What it is, when it opens, what it costs, how to get there: the entry's answer text."""
    lang = _lang(language)
    parts = [
        landmark.description.text.in_language(lang),
        hours_answer(landmark, lang),
        fee_answer(landmark, lang),
        directions_answer(landmark, lang),
    ]
    if landmark.rules:
        parts.append(landmark.rules.text.in_language(lang))
    return "\n\n".join(parts)


def short_line(landmark: Landmark, language: str) -> str:
    """One line for a list of suggestions: the name and what it is."""
    lang = _lang(language)
    description = landmark.description.text.in_language(lang)
    first = description.split(". ")[0].rstrip(".")
    return f"• {landmark.name.in_language(lang)}: {first}."
