"""A verifier written only from the W3C specifications, with no Haechi code.

Sources: Verifiable Credentials Data Model v2.0 (validFrom/validUntil, relatedResource with
digestSRI), Securing Verifiable Credentials using JOSE and COSE (vc+jwt: a compact JWS whose
payload is the credential, `kid` a DID URL of the issuer), did:web Method Specification
(did:web:<host, port %3A-encoded> → https://<host>/.well-known/did.json; http here because the
server under test listens on loopback), Controlled Identifiers v1.0 (JsonWebKey verification
methods, assertionMethod), Bitstring Status List v1.0 (encodedList: multibase base64url of the
GZIP of the bitstring; index 0 is the left-most bit), RFC 8037 / RFC 9864 (Ed25519 JWS).
Only the standard library, httpx and cryptography.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def did_web_url(did: str, *, scheme: str) -> str:
    parts = did.split(":")
    if parts[:2] != ["did", "web"] or len(parts) < 3:
        raise ValueError(f"not a did:web: {did}")
    host = unquote(parts[2])
    path = "/".join(parts[3:])
    return (
        f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"
    )


def verify_jws(
    token: str, client: httpx.Client, *, scheme: str
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """(header, payload, problem) of a compact JWS signed by a key of its issuer's did:web."""
    encoded_header, encoded_payload, encoded_signature = token.split(".")
    header = json.loads(b64url_decode(encoded_header))
    payload = json.loads(b64url_decode(encoded_payload))
    kid = header.get("kid", "")
    did = kid.split("#")[0]
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if did != issuer_id:
        return header, payload, "kid is not a key of the issuer"
    document = client.get(did_web_url(did, scheme=scheme)).json()
    if document.get("id") != did:
        return header, payload, "the DID document is for another DID"
    method = next((m for m in document["verificationMethod"] if m["id"] == kid), None)
    if method is None or kid not in document.get("assertionMethod", []):
        return header, payload, "the key is not an assertion method of the issuer"
    jwk = method["publicKeyJwk"]
    if header.get("alg") not in ("Ed25519", "EdDSA") or jwk.get("crv") != "Ed25519":
        return header, payload, "not an Ed25519 signature"
    key = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    try:
        key.verify(b64url_decode(encoded_signature), f"{encoded_header}.{encoded_payload}".encode())
    except InvalidSignature:
        return header, payload, "bad signature"
    return header, payload, None


def in_date(payload: dict[str, Any], now: datetime) -> bool:
    start = datetime.fromisoformat(payload["validFrom"].replace("Z", "+00:00"))
    end = payload.get("validUntil")
    return start <= now and (
        end is None or now <= datetime.fromisoformat(end.replace("Z", "+00:00"))
    )


def verify_credential(
    token: str,
    *,
    pdf: bytes | None = None,
    scheme: str = "https",
    client: httpx.Client | None = None,
) -> Outcome:
    outcome = Outcome()
    http = client or httpx.Client(timeout=10)
    now = datetime.now(UTC)
    header, payload, problem = verify_jws(token, http, scheme=scheme)
    outcome.payload = payload
    if header.get("typ") != "vc+jwt":
        outcome.problems.append("typ is not vc+jwt")
    if payload.get("@context", [None])[0] != "https://www.w3.org/ns/credentials/v2":
        outcome.problems.append("not a VC 2.0 credential")
    if "VerifiableCredential" not in payload.get("type", []):
        outcome.problems.append("type lacks VerifiableCredential")
    if problem:
        outcome.problems.append(problem)
        return outcome
    if not in_date(payload, now):
        outcome.problems.append("out of date")
    status = payload.get("credentialStatus")
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        outcome.problems.append("no status entry")
    else:
        list_token = http.get(status["statusListCredential"]).text
        list_header, list_payload, list_problem = verify_jws(list_token, http, scheme=scheme)
        subject = list_payload.get("credentialSubject", {})
        if list_problem or "BitstringStatusListCredential" not in list_payload.get("type", []):
            outcome.problems.append("status list is not genuine")
        elif (
            not in_date(list_payload, now)
            or subject.get("statusPurpose") != status["statusPurpose"]
        ):
            outcome.problems.append("status list out of date or for another purpose")
        else:
            encoded = subject["encodedList"]
            assert encoded.startswith("u"), "multibase base64url"
            bits = gzip.decompress(b64url_decode(encoded[1:]))
            if len(bits) * 8 < 131072:
                outcome.problems.append("status list shorter than 131,072 entries")
            index = int(status["statusListIndex"])
            if bits[index // 8] & (0x80 >> (index % 8)):
                outcome.problems.append("revoked")
    if pdf is not None:
        digest = "sha256-" + base64.b64encode(hashlib.sha256(pdf).digest()).decode()
        listed = [r.get("digestSRI") for r in payload.get("relatedResource", [])]
        if digest not in listed:
            outcome.problems.append("the PDF is not the one the credential names")
    return outcome
