"""Server-issued conversation secrets: what binds identity to a conversation.

The server makes a session id (128 random bits, prefixed `s-`) and a secret that is an HMAC of
the channel and that id under a server key. The secret proves that its holder is the one the
server gave the session to: a verified citizen, a wallet, a counsellor hand-off attach to a
conversation only through it, never through the session id alone. Being an HMAC, it needs no
table and holds across gateway replicas that share the key.

Client-chosen session ids (anonymous chat from scripts and other city systems) keep working, but
cannot start with `s-`, so they never name a server-issued conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ISSUED_PREFIX = "s-"


@dataclass(frozen=True)
class IssuedSession:
    session_id: str
    secret: str


def is_issued(session_id: str) -> bool:
    """True for ids the server made, whose conversations require their secret."""
    return session_id.startswith(ISSUED_PREFIX)


class SessionSecrets:
    """Issues and checks session secrets for one channel under one key."""

    def __init__(self, key: bytes, *, channel: str = "web") -> None:
        if len(key) < 32:
            raise ValueError("the session key must be at least 32 bytes")
        self._key = key
        self._channel = channel

    def issue(self) -> IssuedSession:
        session_id = ISSUED_PREFIX + secrets.token_hex(16)
        return IssuedSession(session_id=session_id, secret=self.secret_for(session_id))

    def secret_for(self, session_id: str) -> str:
        message = f"{self._channel}:{session_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, session_id: str, secret: str | None) -> bool:
        if not secret or not is_issued(session_id):
            return False
        return hmac.compare_digest(self.secret_for(session_id).encode(), secret.encode())


def load_or_create_key(path: Path) -> bytes:
    """The key in `path`, made (readable by this user only) on first use.

    The new key is written to a private file and linked into place, which fails if another
    process got there first: replicas starting together agree on one key, and no one reads a
    half-written file.
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
