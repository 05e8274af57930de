"""The typed facts of one landmark: hours, closed days, admission, directions, rules, sources.

Every group of facts names its source and the date it was checked, and carries needs_review
when the value could not be confirmed from that source: the agent then says so, and staff see
it in the console. An entry of the knowledge base keeps these facts in its `data`, so staff
edit them like any entry; this module validates what they write.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Suitability = Literal["kids", "free", "night", "rain", "elderly"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """The same thing said in Korean and in English, each written by hand."""

    ko: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_language(self, language: str) -> str:
        return self.ko if language == "ko" else self.en


class Sourced(_Strict):
    """Where a group of facts comes from, when it was checked, and whether staff must check it."""

    source: str = Field(min_length=1, description="id of one of the landmark's sources")
    checked: date
    needs_review: bool = False
    review_note: str | None = None


class Season(_Strict):
    """Opening hours for some months of the year (local time in Seoul)."""

    months: list[int] = Field(min_length=1)
    opens: time
    closes: time
    last_entry: time | None = None

    @field_validator("months")
    @classmethod
    def _months_exist(cls, months: list[int]) -> list[int]:
        if any(not 1 <= month <= 12 for month in months):
            raise ValueError("months run from 1 to 12")
        return months


class Hours(Sourced):
    """Opening hours by season, or open at all hours (parks, squares, streets)."""

    always_open: bool = False
    seasons: list[Season] = Field(default_factory=list)
    note: Text | None = None

    @model_validator(mode="after")
    def _every_month_once(self) -> Hours:
        if self.always_open:
            return self
        months = [month for season in self.seasons for month in season.months]
        if sorted(months) != list(range(1, 13)):
            raise ValueError("seasons must cover each month exactly once")
        return self

    def season_for(self, month: int) -> Season | None:
        return next((season for season in self.seasons if month in season.months), None)


class Closures(Sourced):
    """Regular closed weekdays (0 is Monday) and what changes them."""

    weekdays: list[int] = Field(default_factory=list)
    exceptions: Text | None = None
    # Closed to visitors for now (works, a change of use); `exceptions` says why.
    suspended: bool = False

    @field_validator("weekdays")
    @classmethod
    def _weekdays_exist(cls, weekdays: list[int]) -> list[int]:
        if any(not 0 <= day <= 6 for day in weekdays):
            raise ValueError("weekdays run from 0 (Monday) to 6 (Sunday)")
        return weekdays


class Fee(_Strict):
    group: Text
    price_krw: int = Field(ge=0)


class Admission(Sourced):
    """What entry costs by age group, and who enters free."""

    free_entry: bool = False
    fees: list[Fee] = Field(default_factory=list)
    free_cases: list[Text] = Field(default_factory=list)
    note: Text | None = None


class Station(_Strict):
    line: Text
    name: Text
    exit: str | None = None
    walk_minutes: int | None = Field(default=None, ge=0)


class Directions(Sourced):
    address: Text
    stations: list[Station] = Field(min_length=1)
    note: Text | None = None


class Note(Sourced):
    """A fact best said in a sentence or two: reservations, accessibility, visiting rules."""

    text: Text


class Source(_Strict):
    id: str = Field(min_length=1)
    title: Text
    url: str = Field(pattern=r"^https://")


class Landmark(_Strict):
    """One of the city's landmarks, as the agent answers about it."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    entry_id: str = Field(pattern=r"^landmark-[a-z0-9-]+$")
    name: Text
    aliases: list[str] = Field(default_factory=list)
    description: Note
    hours: Hours
    closures: Closures
    admission: Admission
    directions: Directions
    reservation: Note
    accessibility: Note
    rules: Note | None = None
    suits: list[Suitability] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _sources_named(self) -> Landmark:
        known = {source.id for source in self.sources}
        for group in self.fact_groups():
            if group.source not in known:
                raise ValueError(f"{self.id}: source {group.source!r} is not in sources")
        return self

    def fact_groups(self) -> list[Sourced]:
        groups: list[Sourced | None] = [
            self.description,
            self.hours,
            self.closures,
            self.admission,
            self.directions,
            self.reservation,
            self.accessibility,
            self.rules,
        ]
        return [group for group in groups if group is not None]

    def source(self, source_id: str) -> Source:
        return next(source for source in self.sources if source.id == source_id)

    @property
    def needs_review(self) -> bool:
        return any(group.needs_review for group in self.fact_groups())
