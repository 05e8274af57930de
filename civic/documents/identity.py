"""Proving who a conversation's citizen is, behind one interface.

The offline default (`DemoCodeVerifier`) finds the citizen in the demo resident register by
name and birth date and sends a six-digit one-time code on the citizen's own channel (in demo
mode the code is its own message, labelled 데모/demo). Codes expire, allow a limited number of
wrong tries, then lock the conversation out for a while. Codes are stored only as keyed hashes,
the resident only encrypted. OpenID Connect (civic/documents/oidc.py) ends in the same
`VerifiedIdentity`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from civic.documents.keys import Vault
from civic.documents.models import IdentityCheck
from civic.documents.registries import ResidentRegister
from civic.documents.settings import DocumentSettings

CODE_DIGITS = 6


class IdentityError(Exception):
    """Why identity could not be (or is not) proven: a reason key the conversation explains:
    not_found, locked, expired, wrong_code, no_pending."""

    def __init__(self, reason: str, *, attempts_left: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts_left = attempts_left


@dataclass(frozen=True)
class VerifiedIdentity:
    resident_id: str
    method: str
    verified_at: datetime


@dataclass(frozen=True)
class CodeSent:
    code: str  # delivered on the citizen's own channel; never logged
    expires_at: datetime


class IdentityVerifier(Protocol):
    """What a city deployment's identity service provides."""

    def current(self, *, holder: str) -> VerifiedIdentity | None: ...
    def forget(self, *, holder: str) -> None: ...


class DemoCodeVerifier:
    """One-time codes against the resident register (the demo's synthetic one by default)."""

    method = "demo_code"

    def __init__(
        self,
        sessions: sessionmaker[Session],
        vault: Vault,
        register: ResidentRegister,
        settings: DocumentSettings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._vault = vault
        self._register = register
        self._settings = settings
        self._clock = clock

    def _holder_hash(self, holder: str) -> str:
        return self._vault.fingerprint("holder", holder)

    def _locked(self, session: Session, holder_hash: str, now: datetime) -> bool:
        query = select(IdentityCheck.id).where(
            IdentityCheck.holder_hash == holder_hash, IdentityCheck.locked_until > now
        )
        return session.scalars(query).first() is not None

    def start(self, *, holder: str, name: str, birth_date: date) -> CodeSent:
        """A new code for the resident with this name and birth date; earlier codes lapse."""
        now = self._clock()
        holder_hash = self._holder_hash(holder)
        with self._sessions() as session, session.begin():
            if self._locked(session, holder_hash, now):
                raise IdentityError("locked")
            resident = self._register.find(name=name, birth_date=birth_date)
            if resident is None:
                raise IdentityError("not_found")
            self._expire_pending(session, holder_hash, now)
            code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
            expires = now + timedelta(seconds=self._settings.otp_ttl_seconds)
            session.add(
                IdentityCheck(
                    holder_hash=holder_hash,
                    method=self.method,
                    resident_enc=self._vault.encrypt_text(resident.id, context="identity"),
                    code_hash=self._vault.fingerprint("code", f"{holder}\0{code}"),
                    attempts=0,
                    created_at=now,
                    expires_at=expires,
                )
            )
        return CodeSent(code=code, expires_at=expires)

    @staticmethod
    def _expire_pending(session: Session, holder_hash: str, now: datetime) -> None:
        pending = select(IdentityCheck).where(
            IdentityCheck.holder_hash == holder_hash,
            IdentityCheck.verified_at.is_(None),
            IdentityCheck.expires_at > now,
        )
        for check in session.scalars(pending):
            check.expires_at = now

    def confirm(self, *, holder: str, code: str) -> VerifiedIdentity:
        """Check a code the citizen typed; wrong tries count towards a lockout."""
        now = self._clock()
        holder_hash = self._holder_hash(holder)
        typed = "".join(char for char in code if char.isdigit())
        with self._sessions() as session, session.begin():
            if self._locked(session, holder_hash, now):
                raise IdentityError("locked")
            query = (
                select(IdentityCheck)
                .where(
                    IdentityCheck.holder_hash == holder_hash,
                    IdentityCheck.verified_at.is_(None),
                    IdentityCheck.method == self.method,
                )
                .order_by(IdentityCheck.id.desc())
            )
            check = session.scalars(query).first()
            if check is None:
                raise IdentityError("no_pending")
            if check.expires_at <= now:
                raise IdentityError("expired")
            expected = self._vault.fingerprint("code", f"{holder}\0{typed}")
            failure: IdentityError | None = None
            if check.code_hash is None or not secrets.compare_digest(check.code_hash, expected):
                # Counted in this transaction, which commits: the error is raised after it.
                check.attempts += 1
                left = self._settings.otp_max_attempts - check.attempts
                if left <= 0:
                    check.locked_until = now + timedelta(seconds=self._settings.otp_lockout_seconds)
                    check.expires_at = now
                    failure = IdentityError("locked")
                else:
                    failure = IdentityError("wrong_code", attempts_left=left)
            else:
                check.verified_at = now
                check.code_hash = None
                assert check.resident_enc is not None
                resident_id = self._vault.decrypt_text(check.resident_enc, context="identity")
        if failure is not None:
            raise failure
        return VerifiedIdentity(resident_id=resident_id, method=self.method, verified_at=now)

    def record_external(self, *, holder: str, resident_id: str, method: str) -> VerifiedIdentity:
        """An identity proven elsewhere (OpenID Connect), attached to the conversation."""
        now = self._clock()
        with self._sessions() as session, session.begin():
            session.add(
                IdentityCheck(
                    holder_hash=self._holder_hash(holder),
                    method=method[:20],
                    resident_enc=self._vault.encrypt_text(resident_id, context="identity"),
                    attempts=0,
                    created_at=now,
                    expires_at=now,
                    verified_at=now,
                )
            )
        return VerifiedIdentity(resident_id=resident_id, method=method, verified_at=now)

    def current(self, *, holder: str) -> VerifiedIdentity | None:
        """The identity proven in this conversation within the last identity_ttl_seconds."""
        now = self._clock()
        since = now - timedelta(seconds=self._settings.identity_ttl_seconds)
        with self._sessions() as session:
            query = (
                select(IdentityCheck)
                .where(
                    IdentityCheck.holder_hash == self._holder_hash(holder),
                    IdentityCheck.verified_at > since,
                    IdentityCheck.resident_enc.is_not(None),
                )
                .order_by(IdentityCheck.verified_at.desc())
            )
            check = session.scalars(query).first()
            if check is None or check.verified_at is None or check.resident_enc is None:
                return None
            resident_id = self._vault.decrypt_text(check.resident_enc, context="identity")
            return VerifiedIdentity(
                resident_id=resident_id, method=check.method, verified_at=check.verified_at
            )

    def forget(self, *, holder: str) -> None:
        """The citizen leaves: the conversation is no longer verified."""
        now = self._clock()
        with self._sessions() as session, session.begin():
            query = select(IdentityCheck).where(
                IdentityCheck.holder_hash == self._holder_hash(holder),
                IdentityCheck.verified_at.is_not(None),
            )
            for check in session.scalars(query):
                check.verified_at = now - timedelta(seconds=self._settings.identity_ttl_seconds)


def birth_date_from(text: str) -> date | None:
    """ "1990-01-01", "1990.1.1", "19900101", "1990년 1월 1일", "900101" → a date."""
    import re

    digits = re.findall(r"\d+", text)
    candidates: list[Any] = []
    if len(digits) == 3:
        candidates.append(tuple(int(part) for part in digits))
    elif len(digits) == 1 and len(digits[0]) == 8:
        value = digits[0]
        candidates.append((int(value[:4]), int(value[4:6]), int(value[6:])))
    elif len(digits) == 1 and len(digits[0]) == 6:
        value = digits[0]
        year = int(value[:2])
        candidates.append(
            (1900 + year if year > 30 else 2000 + year, int(value[2:4]), int(value[4:]))
        )
    for year, month, day in candidates:
        if year < 100:
            year += 1900 if year > 30 else 2000
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None
