"""Translating with the installed packages, directly or through English.

One Translator per process, over one packages folder. It notices packages installed or
removed by the command line (the folder changes) and loads a package the first time it is
used: argostranslate pulls in stanza and torch, which take seconds to import, so nothing is
loaded until a visitor writes in a language that needs it.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.translation.packages import InstalledPackage, installed_packages, packages_dir

logger = logging.getLogger(__name__)

PIVOT = "en"
MAX_TRANSLATED_CHARS = 4000


class TranslationFailed(RuntimeError):
    """A package was there but could not translate the text."""


class Translator:
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._lock = threading.Lock()
        self._seen_at: float | None = None
        self._packages: dict[tuple[str, str], InstalledPackage] = {}
        self._loaded: dict[Path, Any] = {}

    def _refresh(self) -> None:
        root = packages_dir(self._data_dir)
        stamp = root.stat().st_mtime if root.is_dir() else None
        if stamp == self._seen_at and self._seen_at is not None:
            return
        self._seen_at = stamp
        self._packages = {
            (package.from_code, package.to_code): package
            for package in installed_packages(self._data_dir)
        }
        self._loaded = {path: t for path, t in self._loaded.items() if path.is_dir()}

    def _route(self, source: str, target: str) -> list[InstalledPackage] | None:
        """The packages that take source to target: one, two through English, or None."""
        direct = self._packages.get((source, target))
        if direct is not None:
            return [direct]
        first = self._packages.get((source, PIVOT))
        second = self._packages.get((PIVOT, target))
        if source != PIVOT and target != PIVOT and first and second:
            return [first, second]
        return None

    def can_translate(self, source: str, target: str) -> bool:
        if source == target:
            return True
        with self._lock:
            self._refresh()
            return self._route(source, target) is not None

    def translate(self, text: str, source: str, target: str) -> str:
        """The text in the target language; TranslationFailed when no package can do it."""
        if source == target or not text.strip():
            return text
        with self._lock:
            self._refresh()
            route = self._route(source, target)
            if route is None:
                raise TranslationFailed(f"no package translates {source} to {target}")
            try:
                for package in route:
                    text = self._translation(package).translate(text[:MAX_TRANSLATED_CHARS])
            except Exception as error:  # a broken package must not cost the citizen a reply
                logger.warning("translation %s→%s failed: %s", source, target, error)
                raise TranslationFailed(f"{source}→{target}: {type(error).__name__}") from error
        return text

    def _translation(self, package: InstalledPackage) -> Any:
        loaded = self._loaded.get(package.path)
        if loaded is None:
            _configure_argos()
            from argostranslate.package import Package
            from argostranslate.translate import Language, PackageTranslation

            installed = Package(package.path)
            loaded = PackageTranslation(
                Language(package.from_code, package.from_code),
                Language(package.to_code, package.to_code),
                installed,
            )
            self._loaded[package.path] = loaded
        return loaded


def _configure_argos() -> None:
    """Settings argostranslate reads once at import: CPU, one thread, no remote index."""
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    os.environ.setdefault("ARGOS_INTER_THREADS", "1")
    os.environ.setdefault("ARGOS_INTRA_THREADS", "1")


@lru_cache(maxsize=4)
def translator_for(data_dir: Path) -> Translator:
    """The process's translator over a data folder."""
    return Translator(data_dir)
