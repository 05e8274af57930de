"""Staff accounts: argon2 passwords, lockout, login sessions and API tokens.

Session secrets and API tokens are random (secrets.token_urlsafe) and stored only as SHA-256
hashes: a copy of the database lets no one log in. The CSRF token of a session is an HMAC of
its secret, so it needs no storage and changes with every login.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.audit import record_audit
from knowledge.staff_models import STAFF_ROLES, ApiToken, StaffAccount, StaffSession

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=10)
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256
_EMAIL = re.compile(r"^[^@\s]{1,100}@[^@\s]{1,100}\.[^@\s]{1,40}$")

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a miss takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


class StaffError(ValueError):
    """Bad input to an account operation; the message is the reason."""


class LoginFailed(Exception):
    """Wrong email or password (deliberately not saying which)."""


class AccountLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"account locked until {until:%H:%M} UTC")
        self.until = until


@dataclass(frozen=True)
class StaffIdentity:
    """Who is acting: the account and how they proved it (a login session or an API token)."""

    account_id: int
    email: str
    role: str
    via: str  # "session" or "token"
    session_secret: str | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token_for(session_secret: str) -> str:
    return hmac.new(session_secret.encode(), b"haechi-staff-csrf", hashlib.sha256).hexdigest()


def csrf_token_matches(session_secret: str, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(csrf_token_for(session_secret), str(token))


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise StaffError(f"{email!r} is not an email address")
    return email


def check_role(role: str) -> str:
    if role not in STAFF_ROLES:
        raise StaffError(f"role {role!r} is not one of {', '.join(STAFF_ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise StaffError(f"the password may have at most {MAX_PASSWORD_CHARS} characters")
    return password


def get_account(session: Session, email: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.email == email.strip().lower()))


def create_account(
    session: Session, *, email: str, role: str, password: str, actor: str
) -> StaffAccount:
    """A new account, or the existing one given a new role and password (audited either way)."""
    email = normalise_email(email)
    check_role(role)
    password_hash = _hasher.hash(check_password(password))
    account = get_account(session, email)
    before = None
    if account is None:
        account = StaffAccount(
            email=email, role=role, password_hash=password_hash, active=True, failed_logins=0
        )
        session.add(account)
        action = "account.create"
    else:
        before = {"role": account.role, "active": account.active}
        account.role = role
        account.password_hash = password_hash
        account.active = True
        account.failed_logins = 0
        account.locked_until = None
        action = "account.update"
    record_audit(
        session,
        actor=actor,
        action=action,
        target_type="staff_account",
        target_id=email,
        before=before,
        after={"role": role, "active": True},
    )
    session.commit()
    return account


def authenticate(session: Session, *, email: str, password: str) -> StaffAccount:
    """The account for a right email and password; counts failures and locks after
    MAX_FAILED_LOGINS in a row for LOCKOUT (even the right password waits it out)."""
    account = get_account(session, email) if len(password) <= MAX_PASSWORD_CHARS else None
    now = _now()
    if account is None or not account.active:
        try:
            _hasher.verify(_DUMMY_HASH, password[:MAX_PASSWORD_CHARS])
        except VerificationError:
            pass
        raise LoginFailed
    if account.locked_until is not None and account.locked_until > now:
        raise AccountLocked(account.locked_until)
    try:
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        account.failed_logins += 1
        locked = account.failed_logins >= MAX_FAILED_LOGINS
        if locked:
            account.locked_until = now + LOCKOUT
            account.failed_logins = 0
        record_audit(
            session,
            actor=account.email,
            action="login.locked" if locked else "login.failed",
            target_type="staff_account",
            target_id=account.email,
        )
        session.commit()
        if locked:
            raise AccountLocked(account.locked_until or now) from None
        raise LoginFailed from None
    account.failed_logins = 0
    account.locked_until = None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    session.commit()
    return account


def open_session(session: Session, account: StaffAccount) -> str:
    """A new login session; returns its secret (for the cookie), which is stored only hashed."""
    secret = secrets.token_urlsafe(32)
    now = _now()
    # Expired sessions of anyone go when someone logs in: no sweeper process needed.
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    session.add(
        StaffSession(
            account_id=account.id,
            secret_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    record_audit(
        session,
        actor=account.email,
        action="login",
        target_type="staff_account",
        target_id=account.email,
    )
    session.commit()
    return secret


def identity_from_session(session: Session, secret: str) -> StaffIdentity | None:
    row = session.execute(
        select(StaffSession, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
        .where(StaffSession.secret_hash == hash_secret(secret))
    ).first()
    if row is None:
        return None
    login, account = row
    if login.expires_at <= _now() or not account.active:
        return None
    return StaffIdentity(account.id, account.email, account.role, "session", secret)


def close_session(session: Session, secret: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.secret_hash == hash_secret(secret)))
    session.commit()


def issue_token(session: Session, *, email: str, name: str, actor: str) -> tuple[ApiToken, str]:
    """A new API token for an account; the token itself is returned once and never stored."""
    account = get_account(session, email)
    if account is None:
        raise StaffError(f"no staff account {email!r}")
    name = name.strip()
    if not name or len(name) > 120:
        raise StaffError("a token needs a name of 1 to 120 characters")
    token = "hst_" + secrets.token_urlsafe(32)
    row = ApiToken(
        account_id=account.id, name=name, token_hash=hash_secret(token), created_at=_now()
    )
    session.add(row)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="token.create",
        target_type="api_token",
        target_id=str(row.id),
        after={"account": account.email, "name": name},
    )
    session.commit()
    return row, token


def identity_from_token(session: Session, token: str) -> StaffIdentity | None:
    row = session.execute(
        select(ApiToken, StaffAccount)
        .join(StaffAccount, StaffAccount.id == ApiToken.account_id)
        .where(ApiToken.token_hash == hash_secret(token))
    ).first()
    if row is None:
        return None
    api_token, account = row
    if api_token.revoked_at is not None or not account.active:
        return None
    api_token.last_used_at = _now()
    session.commit()
    return StaffIdentity(account.id, account.email, account.role, "token")


def list_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    rows = session.execute(
        select(ApiToken, StaffAccount.email)
        .join(StaffAccount, StaffAccount.id == ApiToken.account_id)
        .order_by(ApiToken.id)
    )
    return [(token, email) for token, email in rows]


def revoke_token(session: Session, *, token_id: int, actor: str) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise StaffError(f"no API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = _now()
        record_audit(
            session,
            actor=actor,
            action="token.revoke",
            target_type="api_token",
            target_id=str(token_id),
            before={"revoked": False},
            after={"revoked": True},
        )
        session.commit()
    return token


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.email)))
