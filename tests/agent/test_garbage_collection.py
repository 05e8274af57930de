"""The gateway freezes what start-up loaded and collects the young generation less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from agent.garbage_collection import THRESHOLDS, freeze_start_up_objects


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_start_up_objects_are_frozen_and_later_ones_still_collected(
    restored_collector: None,
) -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    frozen = freeze_start_up_objects()
    # Frozen objects can still be freed (by other threads too), so the count only shrinks.
    assert frozen > 1000 and 0 < gc.get_freeze_count() <= frozen
    assert gc.get_threshold() == THRESHOLDS
    first, second = Node(), Node()  # a cycle made after start-up is still garbage
    first.other, second.other = second, first
    del first, second
    assert gc.collect() >= 2
