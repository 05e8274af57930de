"""What each document says: its claims, read from the registries, shaped by the chosen options.

Minimal by default: registration numbers are masked (######-#******) unless the citizen chose
to show them; nothing the document does not need is copied.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from civic.documents.catalog import Document
from civic.documents.registries import Registries, Resident


class DocumentRefused(Exception):
    """This resident cannot get this document; `reason` is a key the conversation explains."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def masked_number(number: str) -> str:
    """ "900101-1990017" → "900101-1******": birth date and the sex digit stay."""
    digits = "".join(char for char in number if char.isdigit())
    return f"{digits[:6]}-{digits[6]}******"


def _number(resident: Resident, shown: bool) -> str:
    return resident.registration_number if shown else masked_number(resident.registration_number)


def _text(value: Any, language: str) -> Any:
    if isinstance(value, dict) and "ko" in value:
        return value.get(language) or value["ko"]
    return value


def _person(resident: Resident, language: str, *, shown: bool) -> dict[str, Any]:
    return {
        "name": resident.name(language),
        "birthDate": resident.birth_date.isoformat(),
        "registrationNumber": _number(resident, shown),
    }


def document_claims(
    document: Document,
    resident: Resident,
    registries: Registries,
    options: dict[str, str],
    *,
    language: str,
    today: date,
) -> dict[str, Any]:
    """The claims of `document` for `resident` (raises DocumentRefused when there are none)."""
    builder = _BUILDERS[document.type]
    return builder(resident, registries, options, language, today)


def _resident_copy(
    resident: Resident, registries: Registries, options: dict[str, str], language: str, today: date
) -> dict[str, Any]:
    register = registries.resident_register
    shown = options["member_numbers"] == "shown"
    members = register.household(resident.id)
    if not any(member.resident.id == resident.id for member in members):
        raise DocumentRefused("not_in_household")
    claims: dict[str, Any] = {
        "address": _text(resident.address, language),
        "household": [
            {
                **_person(member.resident, language, shown=shown),
                "relation": _text(member.relation, language),
            }
            for member in members
        ],
    }
    if options["past_addresses"] == "yes":
        claims["addressHistory"] = [
            {"movedIn": item["moved_in"], "address": _text(item["address"], language)}
            for item in register.address_history(resident.id)
        ]
    return claims


def _resident_abstract(
    resident: Resident, registries: Registries, options: dict[str, str], language: str, today: date
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        **_person(resident, language, shown=options["own_number"] == "shown"),
        "address": _text(resident.address, language),
    }
    history = registries.resident_register.address_history(resident.id)
    if options["address_history"] == "recent_5y":
        since = today.replace(year=today.year - 5).isoformat()
        # The address held at the start of the window counts too.
        earlier = [item for item in history if item["moved_in"] < since]
        history = earlier[-1:] + [item for item in history if item["moved_in"] >= since]
    if options["address_history"] != "none":
        claims["addressHistory"] = [
            {"movedIn": item["moved_in"], "address": _text(item["address"], language)}
            for item in history
        ]
    return claims


def _premium_months(today: date, period: str) -> tuple[date, date]:
    if period == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    end = today.replace(day=1) - timedelta(days=1)  # the last day of last month
    months_back = end.year * 12 + end.month - 1 - 11
    return date(months_back // 12, months_back % 12 + 1, 1), end


def _health_insurance_payment(
    resident: Resident, registries: Registries, options: dict[str, str], language: str, today: date
) -> dict[str, Any]:
    insurance = registries.health_insurance
    premium = insurance.monthly_premium_krw(resident.id)
    if not insurance.memberships(resident.id):
        raise DocumentRefused("no_record")
    start, end = _premium_months(today, options["period"])
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return {
        **_person(resident, language, shown=options["own_number"] == "shown"),
        "periodStart": start.isoformat(),
        "periodEnd": end.isoformat(),
        "monthsPaid": months if premium else 0,
        "totalPaidKrw": premium * months,
        "arrearsKrw": 0,
    }


def _health_insurance_eligibility(
    resident: Resident, registries: Registries, options: dict[str, str], language: str, today: date
) -> dict[str, Any]:
    memberships = registries.health_insurance.memberships(resident.id)
    if not memberships:
        raise DocumentRefused("no_record")
    if options["scope"] == "current":
        memberships = [item for item in memberships if item.get("until") is None]
    return {
        **_person(resident, language, shown=options["own_number"] == "shown"),
        "memberships": [
            {
                "kind": item["kind"],
                "from": item["from"],
                "until": item.get("until"),
                **({"employer": _text(item["employer"], language)} if item.get("employer") else {}),
            }
            for item in memberships
        ],
    }


def _vaccination(
    resident: Resident, registries: Registries, options: dict[str, str], language: str, today: date
) -> dict[str, Any]:
    records = registries.immunisation.immunisations(resident.id)
    if options["vaccines"] == "covid19":
        records = [item for item in records if item.get("covid19")]
    if not records:
        raise DocumentRefused("no_record")
    certificate_language = options["language"]
    return {
        "name": resident.name(certificate_language),
        "birthDate": resident.birth_date.isoformat(),
        "vaccinations": [
            {
                "vaccine": _text(item["vaccine"], certificate_language),
                "dose": item["dose"],
                "date": item["date"],
            }
            for item in records
        ],
    }


def _immigration_record(
    resident: Resident, registries: Registries, options: dict[str, str], language: str, today: date
) -> dict[str, Any]:
    movements = registries.immigration.movements(resident.id)
    start = (
        today.replace(year=today.year - 5).isoformat() if options["period"] == "recent_5y" else None
    )
    if start is not None:
        movements = [item for item in movements if item["returned"] >= start]
    return {
        **_person(resident, language, shown=options["own_number"] == "shown"),
        "periodStart": start or resident.birth_date.isoformat(),
        "periodEnd": today.isoformat(),
        "movements": [
            {
                "departed": item["departed"],
                "returned": item["returned"],
                "country": _text(item["country"], language),
            }
            for item in movements
        ],
    }


def _military_service(
    resident: Resident, registries: Registries, options: dict[str, str], language: str, today: date
) -> dict[str, Any]:
    record = registries.military_service.record(resident.id)
    if record is None:
        raise DocumentRefused("no_military_record")
    claims: dict[str, Any] = {
        **_person(resident, language, shown=False),
        "enlisted": record["enlisted"],
        "discharged": record["discharged"],
        "discharge": _text(record["discharge"], language),
    }
    if options["detail"] == "full":
        claims.update(
            branch=_text(record["branch"], language),
            rank=_text(record["rank"], language),
            specialty=_text(record["specialty"], language),
        )
    return claims


_BUILDERS = {
    "resident_copy": _resident_copy,
    "resident_abstract": _resident_abstract,
    "health_insurance_payment": _health_insurance_payment,
    "health_insurance_eligibility": _health_insurance_eligibility,
    "vaccination": _vaccination,
    "immigration_record": _immigration_record,
    "military_service": _military_service,
}
