"""The catalog of the seven documents (catalog.yml), read once and checked field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_FILE = Path(__file__).with_name("catalog.yml")
REGISTRIES = frozenset(
    {"resident_register", "health_insurance", "immunisation", "immigration", "military_service"}
)
LANGUAGES = ("ko", "en")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the document and field."""


@dataclass(frozen=True)
class Choice:
    value: str
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["ko"]


@dataclass(frozen=True)
class Option:
    key: str
    labels: dict[str, str]
    default: str
    choices: tuple[Choice, ...]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["ko"]

    def choice(self, value: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.value == value), None)


@dataclass(frozen=True)
class Purpose:
    value: str
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["ko"]


@dataclass(frozen=True)
class Document:
    type: str
    credential_type: str
    names: dict[str, str]
    short_names: dict[str, str]
    aliases: tuple[str, ...]
    registry: str
    requesters: dict[str, str]
    authority: dict[str, str]
    fee_online_krw: int
    fee_in_person_krw: int
    validity_days: int
    validity_note: dict[str, str]
    source: str
    needs_review: bool
    options: tuple[Option, ...]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["ko"]

    def short(self, language: str) -> str:
        return self.short_names.get(language) or self.short_names["ko"]

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)

    def default_options(self) -> dict[str, str]:
        return {option.key: option.default for option in self.options}

    def check_options(self, chosen: dict[str, str]) -> dict[str, str]:
        """The full set of options: defaults for what was not chosen; unknown keys or values
        are a ValueError naming them."""
        options = self.default_options()
        for key, value in chosen.items():
            option = self.option(key)
            if option is None:
                raise ValueError(f"{self.type} has no option {key!r}")
            if option.choice(value) is None:
                raise ValueError(f"{self.type} option {key!r} has no choice {value!r}")
            options[key] = value
        return options


@dataclass(frozen=True)
class Catalog:
    documents: tuple[Document, ...]
    purposes: tuple[Purpose, ...]
    checked: str

    def get(self, document_type: str) -> Document:
        for document in self.documents:
            if document.type == document_type:
                return document
        raise KeyError(document_type)

    def purpose(self, value: str) -> Purpose | None:
        return next((purpose for purpose in self.purposes if purpose.value == value), None)

    def find(self, text: str) -> Document | None:
        """The document a phrase names ("등본 떼고 싶어요", "my vaccination certificate"):
        the longest alias found wins, so "주민등록표 초본" is never read as another document."""
        squeezed = _squeeze(text)
        best: tuple[int, Document] | None = None
        for document in self.documents:
            for alias in (*document.aliases, document.type):
                key = _squeeze(alias)
                if key and key in squeezed and (best is None or len(key) > best[0]):
                    best = (len(key), document)
        return best[1] if best else None


def _squeeze(text: str) -> str:
    return re.sub(r"[\s_·]+", "", text).lower()


def _labels(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(lang), str) for lang in LANGUAGES):
        raise CatalogError(f"{where}: needs text in {' and '.join(LANGUAGES)}")
    return {lang: str(raw[lang]) for lang in LANGUAGES}


def _option(raw: dict[str, Any], where: str) -> Option:
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise CatalogError(f"{where}: option without a key")
    choices = tuple(
        Choice(value=str(item["value"]), labels=_labels(item, f"{where}.{key}.{item.get('value')}"))
        for item in raw.get("choices") or []
    )
    if len(choices) < 2:
        raise CatalogError(f"{where}.{key}: an option needs at least two choices")
    default = str(raw.get("default"))
    if default not in {choice.value for choice in choices}:
        raise CatalogError(f"{where}.{key}: default {default!r} is not one of its choices")
    return Option(
        key=key,
        labels=_labels(raw.get("label"), f"{where}.{key}.label"),
        default=default,
        choices=choices,
    )


def _document(raw: dict[str, Any]) -> Document:
    kind = raw.get("type")
    if not isinstance(kind, str) or not re.fullmatch(r"[a-z_]+", kind):
        raise CatalogError(f"document type {kind!r} must be lower_snake_case")
    registry = raw.get("registry")
    if registry not in REGISTRIES:
        raise CatalogError(f"{kind}.registry: {registry!r} is not one of {sorted(REGISTRIES)}")
    fee = raw.get("fee") or {}
    validity = raw.get("validity_days")
    if not isinstance(validity, int) or not 1 <= validity <= 3650:
        raise CatalogError(f"{kind}.validity_days must be a whole number of days (1-3650)")
    source = raw.get("source")
    if not isinstance(source, str) or not source.startswith("https://"):
        raise CatalogError(f"{kind}.source must be an https address")
    options = tuple(_option(item, kind) for item in raw.get("options") or [])
    if len({option.key for option in options}) != len(options):
        raise CatalogError(f"{kind}: two options share a key")
    return Document(
        type=kind,
        credential_type=str(raw["credential_type"]),
        names=_labels(raw.get("name"), f"{kind}.name"),
        short_names=_labels(raw.get("short"), f"{kind}.short"),
        aliases=tuple(str(alias) for alias in raw.get("aliases") or []),
        registry=str(registry),
        requesters=_labels(raw.get("requesters"), f"{kind}.requesters"),
        authority=_labels(raw.get("authority"), f"{kind}.authority"),
        fee_online_krw=int(fee.get("online_krw", -1)),
        fee_in_person_krw=int(fee.get("in_person_krw", -1)),
        validity_days=validity,
        validity_note=_labels(raw.get("validity_note"), f"{kind}.validity_note"),
        source=source,
        needs_review=bool(raw.get("needs_review", True)),
        options=options,
    )


def read_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Read and check a catalog file; a CatalogError names what is wrong."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise CatalogError("the catalog must be a mapping")
    documents = tuple(_document(item) for item in raw.get("documents") or [])
    if len({document.type for document in documents}) != len(documents):
        raise CatalogError("two documents share a type")
    for document in documents:
        if document.fee_online_krw != 0:
            raise CatalogError(f"{document.type}: online issuance is free (fee.online_krw: 0)")
    purposes = tuple(
        Purpose(value=str(item["value"]), labels=_labels(item, f"purpose {item.get('value')}"))
        for item in raw.get("purposes") or []
    )
    if not purposes:
        raise CatalogError("the catalog lists no purposes")
    return Catalog(documents=documents, purposes=purposes, checked=str(raw.get("checked", "")))


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The catalog shipped with the code."""
    return read_catalog()
