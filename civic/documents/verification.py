"""Checking a credential or a presentation, each step a named check with its reason.

Checks, in order: format (a vc+jwt of a VC 2.0 credential), issuer (this city's did:web and one
of its keys), signature, validity (validFrom/validUntil), status (the Bitstring Status List
bit), pdf_digest (when a PDF is given: its SHA-256 against relatedResource.digestSRI). For a
presentation also: presentation_format, presentation_signature (the holder's own key),
presentation_validity, challenge, domain, and holder (each credential was issued to the
presenter). A check that cannot run because an earlier one failed is not reported as passed.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from joserfc.jwk import OKPKey

from civic.documents.signing import (
    ALGORITHM,
    BadSignature,
    key_from_did_jwk,
    unverified_parts,
    verify_compact,
)
from civic.documents.wallet import ENVELOPE_PREFIX, VC_CONTEXT


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    reason: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    credential_id: str | None = None
    document_type: str | None = None
    valid_until: str | None = None

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, reason: str) -> bool:
        self.checks.append(Check(name=name, ok=ok, reason=reason))
        return ok

    def failed(self) -> list[str]:
        return [check.name for check in self.checks if not check.ok]


def _has_type(document: dict[str, Any], name: str) -> bool:
    types = document.get("type")
    return isinstance(types, list) and name in types


def sri_sha256(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


@dataclass(frozen=True)
class Trust:
    """What the verifier trusts: the issuer's DID, its keys, and its status lists."""

    issuer_did: str
    public_key: Callable[[str], OKPKey | None]
    # (status list credential URL, index) → revoked? None when the list is not this issuer's.
    is_revoked: Callable[[str, int], bool | None]


def verify_credential(
    token: str, trust: Trust, *, pdf: bytes | None = None, now: datetime | None = None
) -> Verification:
    result = Verification()
    moment = now or datetime.now(UTC)
    try:
        header, claimed = unverified_parts(token)
    except ValueError as error:
        result.add("format", False, str(error))
        return result
    problems = []
    if header.get("typ") != "vc+jwt":
        problems.append("typ is not vc+jwt")
    if header.get("alg") != ALGORITHM:
        problems.append(f"alg is not {ALGORITHM}")
    contexts = claimed.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_CONTEXT:
        problems.append("@context does not start with the VC 2.0 context")
    if not _has_type(claimed, "VerifiableCredential"):
        problems.append("type lacks VerifiableCredential")
    if not result.add("format", not problems, "; ".join(problems) or "a VC 2.0 vc+jwt"):
        return result
    result.credential_id = str(claimed.get("id") or "") or None

    issuer = claimed.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    kid = str(header.get("kid") or "")
    key = trust.public_key(kid) if kid.startswith(trust.issuer_did + "#") else None
    if issuer_id != trust.issuer_did:
        result.add("issuer", False, f"issuer {issuer_id!r} is not {trust.issuer_did}")
        return result
    if key is None:
        result.add("issuer", False, f"kid {kid!r} is not a key of {trust.issuer_did}")
        return result
    result.add("issuer", True, f"{trust.issuer_did}, key {kid.split('#')[-1]}")

    try:
        _, payload = verify_compact(token, key)
    except BadSignature as error:
        result.add("signature", False, f"the signature does not match: {error}")
        return result
    result.add("signature", True, "Ed25519 signature matches the issuer's key")
    subject = payload.get("credentialSubject") or {}
    result.document_type = subject.get("documentType") if isinstance(subject, dict) else None
    result.valid_until = payload.get("validUntil")

    valid_from = _instant(payload.get("validFrom"))
    valid_until = _instant(payload.get("validUntil"))
    if valid_from is None:
        result.add("validity", False, "validFrom is missing or not a date-time")
    elif moment < valid_from:
        result.add("validity", False, f"not valid before {payload['validFrom']}")
    elif valid_until is not None and moment > valid_until:
        result.add("validity", False, f"expired on {payload['validUntil']}")
    else:
        result.add("validity", True, f"valid until {payload.get('validUntil', 'no end')}")

    result.add("status", *_status(payload, trust))
    if pdf is not None:
        result.add("pdf_digest", *_pdf_digest(payload, pdf))
    return result


def _status(payload: dict[str, Any], trust: Trust) -> tuple[bool, str]:
    entry = payload.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return False, "no BitstringStatusListEntry"
    try:
        index = int(entry["statusListIndex"])
        url = str(entry["statusListCredential"])
    except (KeyError, TypeError, ValueError):
        return False, "statusListIndex or statusListCredential missing"
    try:
        revoked = trust.is_revoked(url, index)
    except ValueError as error:
        return False, f"status entry not readable: {error}"
    if revoked is None:
        return False, f"unknown status list {url}"
    return (False, "revoked by the issuer") if revoked else (True, "not revoked")


def _pdf_digest(payload: dict[str, Any], pdf: bytes) -> tuple[bool, str]:
    resources = payload.get("relatedResource") or []
    digests = [
        item.get("digestSRI")
        for item in resources
        if isinstance(item, dict) and item.get("mediaType") == "application/pdf"
    ]
    if not digests:
        return False, "the credential names no PDF digest"
    if sri_sha256(pdf) in digests:
        return True, "the PDF is the one issued (SHA-256 matches)"
    return False, "the PDF was changed: its SHA-256 differs from the signed digest"


def verify_presentation(
    token: str, trust: Trust, *, challenge: str, domain: str, now: datetime | None = None
) -> Verification:
    """A vp+jwt: signed by its holder, for this challenge and domain, of credentials issued to
    that holder, each verified as above."""
    result = Verification()
    moment = now or datetime.now(UTC)
    try:
        header, claimed = unverified_parts(token)
    except ValueError as error:
        result.add("presentation_format", False, str(error))
        return result
    holder = str(claimed.get("holder") or "")
    ok = (
        header.get("typ") == "vp+jwt"
        and header.get("alg") == ALGORITHM
        and _has_type(claimed, "VerifiablePresentation")
        and holder.startswith("did:jwk:")
    )
    if not result.add(
        "presentation_format",
        ok,
        "a VC 2.0 vp+jwt from a did:jwk holder"
        if ok
        else "not a vp+jwt VerifiablePresentation from a did:jwk holder",
    ):
        return result
    try:
        if str(header.get("kid") or "").split("#")[0] != holder:
            raise BadSignature("kid is not the holder's key")
        _, payload = verify_compact(token, key_from_did_jwk(holder))
    except (BadSignature, ValueError) as error:
        result.add("presentation_signature", False, f"not signed by the holder: {error}")
        return result
    result.add("presentation_signature", True, "signed by the holder's key")

    expires = payload.get("exp")
    if not isinstance(expires, int) or moment.timestamp() > expires:
        result.add("presentation_validity", False, "the presentation has expired")
    else:
        result.add("presentation_validity", True, "within its lifetime")
    if payload.get("nonce") == challenge:
        result.add("challenge", True, "made for this challenge")
    else:
        result.add("challenge", False, "made for another challenge (a replay?)")
    audience = payload.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    result.add(
        "domain",
        domain in audiences,
        "made for this domain" if domain in audiences else "made for another domain",
    )

    envelopes = payload.get("verifiableCredential") or []
    if not isinstance(envelopes, list) or not envelopes:
        result.add("holder", False, "the presentation carries no credential")
        return result
    for envelope in envelopes:
        url = envelope.get("id", "") if isinstance(envelope, dict) else ""
        if not isinstance(url, str) or not url.startswith(ENVELOPE_PREFIX):
            result.add("format", False, "a credential is not an enveloped vc+jwt")
            continue
        inner = verify_credential(url.removeprefix(ENVELOPE_PREFIX), trust, now=moment)
        result.checks.extend(inner.checks)
        result.credential_id = result.credential_id or inner.credential_id
        result.document_type = result.document_type or inner.document_type
        if "format" in inner.failed():
            continue
        _, credential = unverified_parts(url.removeprefix(ENVELOPE_PREFIX))
        subject = credential.get("credentialSubject") or {}
        subject_id = subject.get("id") if isinstance(subject, dict) else None
        result.add(
            "holder",
            subject_id == holder,
            "issued to the presenter"
            if subject_id == holder
            else "issued to someone else than the presenter",
        )
    return result
