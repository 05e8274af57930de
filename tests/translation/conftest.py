"""Tiny real translation packages, built once per test session (a minute on a busy machine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.translation.tiny_package import build_package, relabel


@pytest.fixture(scope="session")
def tiny_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """.argosmodel files by pair: ja_en is built from nothing, the others share its model."""
    folder = tmp_path_factory.mktemp("argos")
    built = build_package(folder, from_code="ja", to_code="en")
    packages = {"ja_en": built}
    for pair in ("en_ja", "ko_en", "en_ko"):
        source, target = pair.split("_")
        packages[pair] = relabel(built, folder, from_code=source, to_code=target)
    return packages
