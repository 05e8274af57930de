"""The JSON of a document credential and of a status list credential (W3C VC 2.0).

A document: `credentialSubject` holds the claims (its `id` the holder's did:jwk),
`credentialStatus` a Bitstring Status List entry, `relatedResource` the PDF with its SHA-256 as
`digestSRI`. Custom terms are left to the VC 2.0 context's `@vocab` (issuer-dependent terms).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from civic.documents.catalog import Document
from civic.documents.wallet import VC_CONTEXT

ISSUER_NAME = {
    "ko": "서울특별시 (해치 데모 발급기관)",
    "en": "Seoul Metropolitan Government (Haechi demo issuer)",
}
STATUS_LIST_LIFETIME = timedelta(days=1)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_payload(
    *,
    credential_id: str,
    document: Document,
    issuer: str,
    language: str,
    valid_from: datetime,
    valid_until: datetime,
    subject: dict[str, Any],
    status_url: str,
    status_index: int,
    pdf_url: str,
    pdf_digest: str,
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", document.credential_type],
        "issuer": {"id": issuer, "name": ISSUER_NAME.get(language, ISSUER_NAME["ko"])},
        "name": document.name(language),
        "validFrom": iso(valid_from),
        "validUntil": iso(valid_until),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url,
        },
        "relatedResource": [
            {"id": pdf_url, "mediaType": "application/pdf", "digestSRI": pdf_digest}
        ],
    }


def status_list_payload(*, url: str, issuer: str, encoded: str, now: datetime) -> dict[str, Any]:
    moment = now.replace(microsecond=0)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": iso(moment),
        "validUntil": iso(moment + STATUS_LIST_LIFETIME),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
