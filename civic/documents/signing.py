"""The issuer's Ed25519 keys, its did:web document, and compact JWS signing (joserfc).

Keys come from settings (HAECHI_ISSUER_KEYS) or a key file under the data folder made on first
run, never from the repository. Rotation adds a key and makes it the one that signs; retired
keys stay in the DID document, so credentials they signed keep verifying.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from joserfc import jws
from joserfc.jwk import OKPKey

from civic.documents.settings import DocumentSettings

ALGORITHM = "Ed25519"  # the fully specified JOSE name (RFC 9864), not the older "EdDSA"


@dataclass(frozen=True)
class IssuerKey:
    fragment: str
    key: OKPKey
    created: str
    active: bool


def _new_key_record(active: bool) -> dict[str, Any]:
    key = OKPKey.generate_key("Ed25519")
    return {
        "id": key.thumbprint(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "active": active,
        "jwk": key.as_dict(private=True),
    }


def _write_private(path: Path, data: dict[str, Any], *, replace: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(data, file)
    if replace:
        os.replace(draft, path)
        return
    try:
        os.link(draft, path)  # fails if another process made the file first: use theirs
    except FileExistsError:
        pass
    finally:
        draft.unlink()


class IssuerKeys:
    """The issuer's keys: one active (signs), any number retired (still verify)."""

    def __init__(self, settings: DocumentSettings) -> None:
        self.did = settings.issuer_did
        self._path: Path | None = None
        if settings.issuer_keys is not None:
            raw = json.loads(settings.issuer_keys.get_secret_value())
        else:
            self._path = settings.data_dir / "secrets" / "issuer-keys.json"
            if not self._path.exists():
                _write_private(self._path, {"keys": [_new_key_record(True)]}, replace=False)
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        self._mtime = self._path.stat().st_mtime_ns if self._path else 0
        self._use(raw)

    def _use(self, raw: dict[str, Any]) -> None:
        records = list(raw["keys"])
        keys = [self._load(record) for record in records]
        if sum(key.active for key in keys) != 1:
            raise ValueError("exactly one issuer key must be active")
        self._records, self._keys = records, keys

    def _refresh(self) -> None:
        """Follow a rotation made by another process (`python -m civic.documents rotate-key`)."""
        if self._path is None:
            return
        mtime = self._path.stat().st_mtime_ns
        if mtime != self._mtime:
            self._mtime = mtime
            self._use(json.loads(self._path.read_text(encoding="utf-8")))

    @staticmethod
    def _load(record: dict[str, Any]) -> IssuerKey:
        key = OKPKey.import_key(record["jwk"])
        return IssuerKey(
            fragment=str(record["id"]),
            key=key,
            created=str(record["created"]),
            active=bool(record["active"]),
        )

    @property
    def active(self) -> IssuerKey:
        self._refresh()
        return next(key for key in self._keys if key.active)

    def kid(self, key: IssuerKey) -> str:
        return f"{self.did}#{key.fragment}"

    def public_key(self, kid: str) -> OKPKey | None:
        self._refresh()
        for key in self._keys:
            if self.kid(key) == kid:
                return OKPKey.import_key(key.key.as_dict(private=False))
        return None

    def rotate(self) -> str:
        """Make a new key the signing one; the old ones stay listed. Returns the new kid."""
        if self._path is None:
            raise RuntimeError("keys from HAECHI_ISSUER_KEYS are rotated where they are kept")
        for record in self._records:
            record["active"] = False
        self._records.append(_new_key_record(True))
        _write_private(self._path, {"keys": self._records}, replace=True)
        self._refresh()
        return self.kid(self.active)

    def did_document(self) -> dict[str, Any]:
        """The did:web document served at /.well-known/did.json."""
        self._refresh()
        methods = []
        for key in self._keys:
            public = key.key.as_dict(private=False)
            methods.append(
                {
                    "id": self.kid(key),
                    "type": "JsonWebKey",
                    "controller": self.did,
                    "publicKeyJwk": {
                        "kty": public["kty"],
                        "crv": public["crv"],
                        "x": public["x"],
                        "alg": ALGORITHM,
                    },
                }
            )
        ids = [method["id"] for method in methods]
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
            "id": self.did,
            "verificationMethod": methods,
            "assertionMethod": ids,
        }

    def sign(self, payload: dict[str, Any], *, typ: str, cty: str) -> str:
        key = self.active
        return sign_compact(payload, key=key.key, kid=self.kid(key), typ=typ, cty=cty)


def sign_compact(
    payload: dict[str, Any], *, key: OKPKey, kid: str, typ: str, cty: str | None = None
) -> str:
    header: dict[str, Any] = {"alg": ALGORITHM, "kid": kid, "typ": typ}
    if cty:
        header["cty"] = cty
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, body, key, algorithms=[ALGORITHM])


class BadSignature(Exception):
    pass


def verify_compact(token: str, key: OKPKey) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) of a compact JWS signed by `key`; BadSignature otherwise."""
    try:
        result = jws.deserialize_compact(token, key, algorithms=[ALGORITHM])
    except Exception as error:  # noqa: BLE001 - joserfc raises several error types
        raise BadSignature(str(error) or type(error).__name__) from error
    try:
        payload = json.loads(result.payload)
    except ValueError as error:
        raise BadSignature("the payload is not JSON") from error
    if not isinstance(payload, dict):
        raise BadSignature("the payload is not a JSON object")
    return dict(result.protected), payload


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload read without checking anything (to find the key); ValueError if
    the token is not a compact JWS of JSON objects."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS (three dot-separated parts)")
    try:
        header = json.loads(_b64decode(parts[0]))
        payload = json.loads(_b64decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("the JWS parts are not base64url JSON") from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("the JWS header and payload must be JSON objects")
    return header, payload


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def did_jwk(key: OKPKey) -> str:
    """did:jwk for a public key (the wallet holder's identifier)."""
    public = key.as_dict(private=False)
    jwk = {"crv": public["crv"], "kty": public["kty"], "x": public["x"]}
    encoded = base64.urlsafe_b64encode(json.dumps(jwk, separators=(",", ":")).encode())
    return "did:jwk:" + encoded.decode().rstrip("=")


def key_from_did_jwk(did: str) -> OKPKey:
    """The public key a did:jwk names; ValueError if it is not an Ed25519 did:jwk."""
    if not did.startswith("did:jwk:"):
        raise ValueError("not a did:jwk")
    try:
        jwk = json.loads(_b64decode(did.removeprefix("did:jwk:").split("#")[0]))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("the did:jwk does not hold a JSON key") from error
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("only Ed25519 holder keys are accepted")
    if not isinstance(jwk.get("x"), str):
        raise ValueError("the key has no x")
    try:
        return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]})
    except Exception as error:  # noqa: BLE001 - a malformed key of any kind
        raise ValueError("the key is not a valid Ed25519 key") from error
