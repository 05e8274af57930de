"""The source registries behind the documents, as interfaces, and the offline demo adapter.

A city deployment implements these five interfaces against the real systems (resident register,
National Health Insurance, immunisation registry, immigration, military manpower). The demo
adapter reads invented residents from demo_registry.yml (clearly labelled, structurally invalid
registration numbers); it is the default so that everything runs offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

DEMO_REGISTRY_FILE = Path(__file__).with_name("demo_registry.yml")
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


@dataclass(frozen=True)
class Resident:
    id: str
    names: dict[str, str]
    birth_date: date
    sex: str
    registration_number: str
    address: dict[str, str]
    demo: bool = False

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["ko"]


@dataclass(frozen=True)
class HouseholdMember:
    resident: Resident
    relation: dict[str, str]


class ResidentRegister(Protocol):
    def find(self, *, name: str, birth_date: date) -> Resident | None: ...
    def get(self, resident_id: str) -> Resident | None: ...
    def household(self, resident_id: str) -> list[HouseholdMember]: ...
    def address_history(self, resident_id: str) -> list[dict[str, Any]]: ...


class HealthInsuranceRegistry(Protocol):
    def memberships(self, resident_id: str) -> list[dict[str, Any]]: ...
    def monthly_premium_krw(self, resident_id: str) -> int: ...


class ImmunisationRegistry(Protocol):
    def immunisations(self, resident_id: str) -> list[dict[str, Any]]: ...


class ImmigrationRegistry(Protocol):
    def movements(self, resident_id: str) -> list[dict[str, Any]]: ...


class MilitaryServiceRegistry(Protocol):
    def record(self, resident_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Registries:
    """The five sources one issuance office reads."""

    resident_register: ResidentRegister
    health_insurance: HealthInsuranceRegistry
    immunisation: ImmunisationRegistry
    immigration: ImmigrationRegistry
    military_service: MilitaryServiceRegistry


def registration_number_is_valid(number: str) -> bool:
    """The check digit of a registration number (######-#######) is right."""
    digits = [int(char) for char in number if char.isdigit()]
    if len(digits) != 13:
        return False
    total = sum(digit * weight for digit, weight in zip(digits, _WEIGHTS, strict=False))
    return (11 - total % 11) % 10 == digits[12]


def normalise_name(name: str) -> str:
    return "".join(name.split()).casefold()


class DemoRegistry:
    """All five registries over the synthetic residents of one YAML file (DEMO ONLY)."""

    def __init__(self, path: Path = DEMO_REGISTRY_FILE) -> None:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._raw: dict[str, dict[str, Any]] = {item["id"]: item for item in raw["residents"]}
        self._residents = {key: self._resident(item) for key, item in self._raw.items()}

    @staticmethod
    def _resident(item: dict[str, Any]) -> Resident:
        number = str(item["registration_number"])
        if registration_number_is_valid(number):
            raise ValueError(f"demo resident {item['id']} must have an invalid number on purpose")
        return Resident(
            id=str(item["id"]),
            names=dict(item["name"]),
            birth_date=date.fromisoformat(str(item["birth_date"])),
            sex=str(item["sex"]),
            registration_number=number,
            address=dict(item["address"]),
            demo=True,
        )

    def residents(self) -> list[Resident]:
        return list(self._residents.values())

    # Resident register
    def find(self, *, name: str, birth_date: date) -> Resident | None:
        wanted = normalise_name(name)
        for resident in self._residents.values():
            names = {normalise_name(value) for value in resident.names.values()}
            if wanted in names and resident.birth_date == birth_date:
                return resident
        return None

    def get(self, resident_id: str) -> Resident | None:
        return self._residents.get(resident_id)

    def household(self, resident_id: str) -> list[HouseholdMember]:
        members = []
        for item in self._raw.get(resident_id, {}).get("household") or []:
            member = self._residents.get(item["id"])
            if member is not None:
                members.append(HouseholdMember(resident=member, relation=dict(item["relation"])))
        return members

    def address_history(self, resident_id: str) -> list[dict[str, Any]]:
        return list(self._raw.get(resident_id, {}).get("address_history") or [])

    # Health insurance
    def memberships(self, resident_id: str) -> list[dict[str, Any]]:
        insurance = self._raw.get(resident_id, {}).get("health_insurance") or {}
        return list(insurance.get("memberships") or [])

    def monthly_premium_krw(self, resident_id: str) -> int:
        insurance = self._raw.get(resident_id, {}).get("health_insurance") or {}
        return int(insurance.get("monthly_premium_krw") or 0)

    # Immunisation
    def immunisations(self, resident_id: str) -> list[dict[str, Any]]:
        return list(self._raw.get(resident_id, {}).get("immunisations") or [])

    # Immigration
    def movements(self, resident_id: str) -> list[dict[str, Any]]:
        return list(self._raw.get(resident_id, {}).get("immigration") or [])

    # Military service
    def record(self, resident_id: str) -> dict[str, Any] | None:
        record = self._raw.get(resident_id, {}).get("military_service")
        return dict(record) if record else None


@lru_cache(maxsize=1)
def demo_registry() -> DemoRegistry:
    return DemoRegistry()


def demo_registries() -> Registries:
    registry = demo_registry()
    return Registries(
        resident_register=registry,
        health_insurance=registry,
        immunisation=registry,
        immigration=registry,
        military_service=registry,
    )
