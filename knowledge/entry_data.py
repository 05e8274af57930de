"""Typed facts an entry may carry beside its text, validated by its collection's schema.

Only collections listed here take data; a landmark's is knowledge.landmarks.facts.Landmark.
Staff edit these facts like any other field, and a bad value is refused with the reason.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class EntryDataError(ValueError):
    """Data that does not fit its collection's schema; the message says where."""


def validate_entry_data(collection: str, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The data as stored (normalised JSON), or EntryDataError; None stays None."""
    if data is None:
        return None
    if collection != "landmark":
        raise EntryDataError(f"collection {collection!r} keeps no structured data")
    # Imported here: the landmark schema is only needed when landmark data is written.
    from knowledge.landmarks.facts import Landmark

    try:
        landmark = Landmark.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise EntryDataError(f"data.{where}: {first['msg']}") from error
    return landmark.model_dump(mode="json")
