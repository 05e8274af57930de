"""No long pause in a service to re-examine objects that live as long as it does.

CPython's full collection (generation 2) walks every tracked object. A gateway with 2,000
players in the 3D world holds about 440,000 of them (each WebSocket's coroutines, tasks and
queues) besides the 260,000 its imports, settings and models left at start-up. With the default
thresholds, a tick's frames waiting in outboxes were promoted to the old generation quickly
enough to start a full collection every few seconds, each 150 to 600 ms, in which no frame went
out (measured with a gc callback under bench/world_load.py: 18 in a minute, 6.3 s in all).

At the end of start-up, `gc.freeze()` moves what exists to a permanent generation that
collections skip, and a young generation of 50,000 objects (the default is 700) lets a tick's
short-lived objects die young instead of being promoted. Everything is still collected.
"""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)

# (young, middle, old): see the module's docstring. Collections of the young generation then
# take up to ~20 ms and happen about every 2 s at 2,000 players, instead of ~35 times a second.
THRESHOLDS = (50_000, 20, 20)


def freeze_start_up_objects() -> int:
    """Collect once, exempt every surviving object from later collections, collect less
    often; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    frozen = gc.get_freeze_count()
    logger.info("garbage collection: %d start-up objects frozen, thresholds %s", frozen, THRESHOLDS)
    return frozen
