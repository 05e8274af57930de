"""Secrets at rest: key files under the data folder, AES-GCM for personal data, keyed hashes.

Personal data (registration numbers, names, the signed credentials and their PDFs) is stored
only encrypted with AES-256-GCM (cryptography); lookups go through keyed hashes (HMAC-SHA256
under a key derived from the same secret), so a holder or resident can be found without their
identifier being stored in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "v1:"


def load_or_create_secret(path: Path) -> bytes:
    """The 32-byte key in `path` (hex), made readable by this user only on first use.

    Written to a private draft and linked into place: two processes starting together agree
    on one key and no one reads a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


class DecryptionFailed(Exception):
    """Stored data could not be decrypted (wrong key or altered)."""


class Vault:
    """Encrypts and decrypts personal data; `fingerprint` gives stable keyed hashes."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the documents key must be 32 bytes (64 hex characters)")
        self._aead = AESGCM(hashlib.sha256(b"haechi-documents-aead" + key).digest())
        self._hash_key = hashlib.sha256(b"haechi-documents-hmac" + key).digest()

    def encrypt(self, data: bytes, *, context: str) -> str:
        """Ciphertext as text; `context` (what the data is for) is bound in as associated data."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, data, context.encode())
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str, *, context: str) -> bytes:
        if not token.startswith(_PREFIX):
            raise DecryptionFailed("unknown format")
        raw = base64.urlsafe_b64decode(token.removeprefix(_PREFIX))
        try:
            return self._aead.decrypt(raw[:12], raw[12:], context.encode())
        except Exception as error:  # noqa: BLE001 - InvalidTag and malformed input alike
            raise DecryptionFailed("cannot decrypt") from error

    def encrypt_text(self, text: str, *, context: str) -> str:
        return self.encrypt(text.encode(), context=context)

    def decrypt_text(self, token: str, *, context: str) -> str:
        return self.decrypt(token, context=context).decode()

    def fingerprint(self, purpose: str, value: str) -> str:
        """A keyed hash of `value` (64 hex characters), different per purpose."""
        return hmac.new(self._hash_key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()
