"""Issuing each of the seven documents, and every way a credential must be refused.

Service level (civic/documents/office.py) on a real SQLite file with real keys; each refusal
names the check that failed.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from civic.documents.catalog import catalog
from civic.documents.claims import DocumentRefused
from civic.documents.office import DocumentOffice, Issued
from civic.documents.signing import unverified_parts
from civic.documents.status_list import LIST_SIZE
from civic.documents.verification import Verification
from tests.civic.documents.conftest import LEE, make_office, verified

HOLDER = "web:s-" + "a" * 32
OTHER = "telegram:777"
KIM_NUMBER = "900101-1990017"


def _issue(
    office: DocumentOffice, document_type: str, *, holder: str = HOLDER, **kw: object
) -> Issued:
    resident = verified(office, holder) if "resident_id" not in kw else kw.pop("resident_id")
    arguments = {
        "holder": holder,
        "channel": holder.split(":")[0],
        "resident_id": resident,
        "document_type": document_type,
        "options": {},
        "purpose": "employer",
        "language": "ko",
        "request_id": f"{document_type}-{kw.get('request_id', 'r1')}",
    }
    arguments.update(kw)
    return office.issue(**arguments)  # type: ignore[arg-type]


def _payload(token: str) -> dict[str, Any]:
    return unverified_parts(token)[1]


def _failed(result: Verification) -> list[str]:
    return [check.name for check in result.checks if not check.ok]


@pytest.mark.parametrize("document", [document.type for document in catalog().documents])
def test_each_document_is_issued_signed_and_verified(office: DocumentOffice, document: str) -> None:
    issued = _issue(office, document)
    assert issued.new
    item = issued.item
    header, payload = unverified_parts(item.credential)
    assert header["alg"] == "Ed25519" and header["typ"] == "vc+jwt"
    assert header["kid"].startswith(office.keys.did + "#")
    assert payload["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert payload["issuer"]["id"] == office.keys.did == "did:web:127.0.0.1%3A8000"
    subject = payload["credentialSubject"]
    assert subject["documentType"] == document and subject["id"].startswith("did:jwk:")
    assert subject["demo"] is True
    # Minimal by default: the registration number is masked wherever it appears.
    assert KIM_NUMBER not in json.dumps(payload, ensure_ascii=False)
    status = payload["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert 0 <= int(status["statusListIndex"]) < LIST_SIZE
    pdf = office.pdf({office.holder_hash(HOLDER)}, item.id)
    assert pdf is not None and pdf.startswith(b"%PDF")
    digest = "sha256-" + base64.b64encode(hashlib.sha256(pdf).digest()).decode()
    assert payload["relatedResource"][0]["digestSRI"] == digest
    result = office.verify(credential=item.credential, pdf=pdf)
    assert result.verified, result.checks
    assert [check.name for check in result.checks] == [
        "format",
        "issuer",
        "signature",
        "validity",
        "status",
        "pdf_digest",
    ]
    # The QR code's link (the id alone) and the PDF alone verify too.
    assert office.verify(credential_id=item.id).verified
    assert office.verify(pdf=pdf).verified
    assert [listed.id for listed in office.wallet(HOLDER)].count(item.id) == 1


def test_claims_follow_the_chosen_options(office: DocumentOffice) -> None:
    shown = _issue(
        office,
        "resident_copy",
        options={"past_addresses": "yes", "member_numbers": "shown"},
        request_id="shown",
    )
    subject = _payload(shown.item.credential)["credentialSubject"]
    assert KIM_NUMBER in [member["registrationNumber"] for member in subject["household"]]
    assert len(subject["addressHistory"]) == 3
    masked = _issue(office, "resident_copy", request_id="masked")
    subject = _payload(masked.item.credential)["credentialSubject"]
    assert {member["registrationNumber"] for member in subject["household"]} >= {"900101-1******"}
    assert "addressHistory" not in subject
    covid = _issue(
        office,
        "vaccination",
        options={"vaccines": "covid19", "language": "en"},
        request_id="covid",
        language="en",
    )
    subject = _payload(covid.item.credential)["credentialSubject"]
    assert subject["name"] == "Kim Haechi"
    assert [item["dose"] for item in subject["vaccinations"]] == [1, 2]


def test_a_retried_confirmation_returns_the_same_credential(office: DocumentOffice) -> None:
    first = _issue(office, "resident_abstract", request_id="retry")
    again = _issue(office, "resident_abstract", request_id="retry")
    assert not again.new and again.item.id == first.item.id
    assert again.item.credential == first.item.credential


def test_no_record_means_no_document(office: DocumentOffice) -> None:
    lee = verified(office, "telegram:lee", LEE)
    with pytest.raises(DocumentRefused) as refused:
        _issue(office, "military_service", holder="telegram:lee", resident_id=lee)
    assert refused.value.reason == "no_military_record"
    with pytest.raises(ValueError, match="purpose"):
        _issue(office, "resident_copy", purpose="lottery", request_id="bad-purpose")


def test_a_tampered_claim_fails_the_signature(office: DocumentOffice) -> None:
    token = _issue(office, "health_insurance_payment", request_id="tamper").item.credential
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["totalPaidKrw"] = 1
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    result = office.verify(credential=f"{header}.{forged}.{signature}")
    assert not result.verified and _failed(result) == ["signature"]


def test_a_tampered_pdf_fails_the_digest(office: DocumentOffice) -> None:
    item = _issue(office, "immigration_record", request_id="pdf").item
    pdf = office.pdf({office.holder_hash(HOLDER)}, item.id)
    assert pdf is not None
    altered = pdf.replace(b"/Title", b"/Title ", 1)
    result = office.verify(credential=item.credential, pdf=altered)
    assert _failed(result) == ["pdf_digest"]
    # Uploaded alone, the altered PDF still names its credential, and fails the same check.
    assert _failed(office.verify(pdf=altered)) == ["pdf_digest"]


def test_an_expired_credential_fails_validity(office: DocumentOffice) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=400)
    item = _issue(office, "military_service", request_id="old", now=long_ago).item
    result = office.verify(credential=item.credential)
    assert _failed(result) == ["validity"]
    assert "expired" in next(c.reason for c in result.checks if c.name == "validity")


def test_a_revoked_credential_fails_status_and_the_status_list_says_so(
    office: DocumentOffice,
) -> None:
    item = _issue(office, "health_insurance_eligibility", request_id="revoke").item
    assert office.verify(credential=item.credential).verified
    assert office.revoke(item.id, by="staff@seoul.go.kr", reason="issued by mistake") is True
    assert office.revoke(item.id, by="staff@seoul.go.kr") is False
    assert office.revoke("no-such-id", by="staff@seoul.go.kr") is None
    assert _failed(office.verify(credential=item.credential)) == ["status"]
    index = int(_payload(item.credential)["credentialStatus"]["statusListIndex"])
    status = _payload(office.status_list_credential(1))
    encoded = status["credentialSubject"]["encodedList"]
    assert encoded.startswith("u") and status["credentialSubject"]["statusPurpose"] == "revocation"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == LIST_SIZE
    assert bits[index // 8] & (0x80 >> (index % 8))


def test_presentations_are_bound_to_challenge_domain_and_holder(office: DocumentOffice) -> None:
    item = _issue(office, "vaccination", request_id="present").item
    token = office.present(HOLDER, item.id, challenge="challenge-123", domain="bank.example")
    assert token is not None
    good = office.verify_presentation(token, challenge="challenge-123", domain="bank.example")
    assert good.verified, good.checks
    replay = office.verify_presentation(token, challenge="challenge-456", domain="bank.example")
    assert _failed(replay) == ["challenge"]
    elsewhere = office.verify_presentation(token, challenge="challenge-123", domain="evil.example")
    assert _failed(elsewhere) == ["domain"]
    # Someone else cannot present it: it is not in their wallet...
    assert office.present(OTHER, item.id, challenge="c-12345678", domain="bank.example") is None
    # ...and wrapping it in their own signed presentation fails the holder check.
    from civic.documents.wallet import make_presentation

    did, key = office.holders.key_for(OTHER)
    stolen = make_presentation(
        holder_did=did,
        key=key,
        credentials=[item.credential],
        challenge="challenge-123",
        domain="bank.example",
    )
    result = office.verify_presentation(stolen, challenge="challenge-123", domain="bank.example")
    assert _failed(result) == ["holder"]


def test_the_wallet_belongs_to_its_holder(office: DocumentOffice) -> None:
    item = _issue(office, "resident_abstract", request_id="mine").item
    assert office.wallet_item(HOLDER, item.id) is not None
    assert office.wallet_item(OTHER, item.id) is None
    assert office.pdf({office.holder_hash(OTHER)}, item.id) is None
    assert item.id not in [listed.id for listed in office.wallet(OTHER)]


def test_rotated_keys_keep_old_credentials_verifiable(tmp_path: Path) -> None:
    office = make_office(tmp_path)
    running = make_office(tmp_path)  # another process, already running
    old = _issue(office, "resident_abstract", request_id="before").item
    new_kid = office.keys.rotate()
    assert running.keys.kid(running.keys.active) == new_kid  # it follows the key file
    reopened = make_office(tmp_path)  # another process reads the rotated key file
    assert reopened.keys.kid(reopened.keys.active) == new_kid
    assert len(reopened.keys.did_document()["assertionMethod"]) == 2
    assert reopened.verify(credential=old.credential).verified
    newer = _issue(reopened, "resident_abstract", request_id="after").item
    assert unverified_parts(newer.credential)[0]["kid"] == new_kid
    assert reopened.verify(credential=newer.credential).verified


def test_personal_data_is_encrypted_at_rest(office: DocumentOffice, tmp_path: Path) -> None:
    _issue(office, "resident_copy", options={"member_numbers": "shown"}, request_id="rest")
    engine = office.engine
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM document_credentials")).fetchall()
        checks = connection.execute(text("SELECT * FROM document_identity_checks")).fetchall()
    dump = repr(rows) + repr(checks)
    for secret in (KIM_NUMBER, "9900101", "김해치", "demo-kim-haechi"):
        assert secret not in dump
    audit = (
        engine.connect()
        .execute(text("SELECT action FROM staff_audit_log WHERE target_type = 'credential'"))
        .scalars()
        .all()
    )
    assert {
        "credential.issue",
        "credential.verify",
        "credential.present",
        "credential.revoke",
    } <= set(audit)
