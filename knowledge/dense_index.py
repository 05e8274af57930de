"""A FAISS inner-product index over entry vectors, addressable by entry, saved per model.

An entry owns several vectors (its question and phrasings, its answer windows, per language);
each gets a FAISS id, and the index remembers which ids belong to which entry together with the
sha256 of the text behind each, so an upsert of unchanged text is a no-op and a reload can tell
which entries went stale while the process was down.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from knowledge.embeddings import Vectors

_FORMAT = 1


class DenseIndex:
    """Exact inner-product search (IndexIDMap over IndexFlatIP): a few thousand entries are
    searched in about a millisecond, so an approximate index would only cost recall."""

    def __init__(self, dim: int, model_name: str) -> None:
        self.dim = dim
        self.model_name = model_name
        self._index: Any = faiss.IndexIDMap(faiss.IndexFlatIP(dim))
        self._ids: dict[str, list[int]] = {}
        self._keys: dict[str, list[str]] = {}
        self._owner: dict[int, str] = {}
        self._next_id = 0
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def vector_count(self) -> int:
        return int(self._index.ntotal)

    def __contains__(self, external_id: object) -> bool:
        return external_id in self._ids

    def entry_ids(self) -> list[str]:
        with self._lock:
            return list(self._ids)

    def text_keys(self, external_id: str) -> list[str]:
        return list(self._keys.get(external_id, []))

    def upsert(self, external_id: str, vectors: Vectors, text_keys: Sequence[str]) -> None:
        """Replace an entry's vectors (a no-op when the texts behind them are unchanged)."""
        if len(vectors) != len(text_keys):
            raise ValueError("one text key per vector")
        with self._lock:
            if self._keys.get(external_id) == list(text_keys):
                return
            self.remove(external_id)
            if len(vectors) == 0:
                return
            ids = np.arange(self._next_id, self._next_id + len(vectors), dtype=np.int64)
            self._next_id += len(vectors)
            matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
            self._index.add_with_ids(matrix, ids)
            self._ids[external_id] = [int(i) for i in ids]
            self._keys[external_id] = list(text_keys)
            for vector_id in self._ids[external_id]:
                self._owner[vector_id] = external_id

    def remove(self, external_id: str) -> bool:
        with self._lock:
            ids = self._ids.pop(external_id, None)
            self._keys.pop(external_id, None)
            if not ids:
                return False
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))
            for vector_id in ids:
                self._owner.pop(vector_id, None)
            return True

    def search(self, query: Vectors, k: int) -> list[tuple[str, float]]:
        """The best entries for a query vector, each scored by its best-matching vector."""
        with self._lock:
            if self._index.ntotal == 0:
                return []
            # Entries own several vectors: fetch extra so k distinct entries survive the merge.
            fetch = min(int(self._index.ntotal), max(k * 4, k + 16))
            scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), fetch)
            best: dict[str, float] = {}
            for score, vector_id in zip(scores[0], ids[0], strict=True):
                owner = self._owner.get(int(vector_id))
                if owner is not None and owner not in best:
                    best[owner] = float(score)
            return sorted(best.items(), key=lambda item: -item[1])[:k]

    def save(self, folder: Path) -> None:
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / "index.faiss.tmp"
            faiss.write_index(self._index, str(temporary))
            meta = {
                "format": _FORMAT,
                "model": self.model_name,
                "dim": self.dim,
                "next_id": self._next_id,
                "entries": {key: [self._ids[key], self._keys[key]] for key in self._ids},
            }
            (folder / "entries.json.tmp").write_text(json.dumps(meta), encoding="utf-8")
            # Index and its id map are replaced together; a reader never pairs old with new.
            temporary.replace(folder / "index.faiss")
            (folder / "entries.json.tmp").replace(folder / "entries.json")

    @classmethod
    def load(cls, folder: Path, model_name: str) -> DenseIndex | None:
        """The saved index for this model, or None when there is none or it does not fit."""
        try:
            meta = json.loads((folder / "entries.json").read_text(encoding="utf-8"))
            if meta.get("format") != _FORMAT or meta.get("model") != model_name:
                return None
            index = cls(int(meta["dim"]), model_name)
            index._index = faiss.read_index(str(folder / "index.faiss"))
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        index._next_id = int(meta["next_id"])
        for external_id, (ids, keys) in meta["entries"].items():
            index._ids[external_id] = [int(i) for i in ids]
            index._keys[external_id] = list(keys)
            for vector_id in ids:
                index._owner[int(vector_id)] = external_id
        if index._index.ntotal != len(index._owner):
            return None
        return index
