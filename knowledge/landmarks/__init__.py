"""The city's landmarks as typed facts (facts.py), read from landmarks.yml and kept in the
knowledge base as entries of the "landmark" collection, where staff edit them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import TypeAdapter

from knowledge.landmarks.facts import Landmark

LANDMARKS_FILE = Path(__file__).parent / "landmarks.yml"

_LANDMARKS = TypeAdapter(list[Landmark])


def read_landmarks(path: Path = LANDMARKS_FILE) -> list[Landmark]:
    """Every landmark in the file, validated; a bad file raises pydantic's ValidationError."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    landmarks = _LANDMARKS.validate_python(raw)
    ids = [landmark.id for landmark in landmarks]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: a landmark id is used twice")
    return landmarks


@lru_cache(maxsize=1)
def bundled_landmarks() -> tuple[Landmark, ...]:
    """The landmarks as shipped (the knowledge base's copy wins where staff changed it)."""
    return tuple(read_landmarks())
