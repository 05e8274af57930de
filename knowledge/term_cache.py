"""Search terms of indexed text, kept on disk so an index loads without re-reading every entry.

Kiwi takes tens of milliseconds an entry on a busy core; a one-off staff search or a restarted
server would otherwise analyse the whole knowledge base again before answering. Keys carry a
fingerprint of the term rules and Kiwi's version, so a change to either recomputes the terms
instead of serving stale ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def terms_fingerprint() -> str:
    from knowledge import morphemes

    rules = repr(
        (
            morphemes.CONTENT_TAGS,
            sorted(morphemes.ENGLISH_STOPWORDS),
            sorted(morphemes.KOREAN_GENERIC_STEMS),
            sorted(morphemes.QUESTION_WORDS),
            metadata.version("kiwipiepy"),
            metadata.version("kiwipiepy_model"),
            morphemes.KIWI_OPTIONS,
        )
    )
    return hashlib.sha256(rules.encode("utf-8")).hexdigest()[:16]


def _key(text: str) -> str:
    return hashlib.sha256(f"{terms_fingerprint()}\n{text}".encode()).hexdigest()


class TermCache:
    """One SQLite file under the data folder; shared safely by the gateway and action server."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS terms (sha256 TEXT PRIMARY KEY, terms TEXT NOT NULL)"
        )
        self._connection.commit()

    def terms_for(
        self, texts: Sequence[str], analyse: Callable[[str], list[str]]
    ) -> list[list[str]]:
        """The terms of each text: stored ones read, the rest analysed and stored."""
        keys = [_key(text) for text in texts]
        found: dict[str, list[str]] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    f"SELECT sha256, terms FROM terms WHERE sha256 IN ({marks})", chunk
                )
                found.update((key, json.loads(value)) for key, value in rows)
        computed: dict[str, list[str]] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in computed:
                computed[key] = analyse(text)
        if computed:
            try:
                with self._lock:
                    self._connection.executemany(
                        "INSERT OR REPLACE INTO terms (sha256, terms) VALUES (?, ?)",
                        [(key, json.dumps(terms)) for key, terms in computed.items()],
                    )
                    self._connection.commit()
            except sqlite3.Error:
                # A read-only or busy data folder costs a slower next start, not a failed search.
                logger.warning("could not store search terms in %s", self.path)
            found.update(computed)
        return [found[key] for key in keys]

    def close(self) -> None:
        with self._lock:
            self._connection.close()
