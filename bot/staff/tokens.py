"""/api/v1/staff/tokens and /audit (admin): API tokens for other systems, and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Query

from bot.staff.errors import domain_errors
from bot.staff.identity import CurrentStaff, DbSession, StaffWriter, allowed
from bot.staff.schemas import (
    AuditList,
    AuditPublic,
    TokenCreate,
    TokenIssued,
    TokenList,
    TokenPublic,
)
from knowledge.audit import list_audit
from knowledge.staff_accounts import issue_token, list_tokens, revoke_token

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


@router.get("/tokens", response_model=TokenList)
def tokens(identity: CurrentStaff, session: DbSession) -> TokenList:
    allowed(identity, "tokens.manage")
    return TokenList(
        tokens=[
            TokenPublic(
                id=token.id,
                email=email,
                name=token.name,
                created_at=token.created_at,
                last_used_at=token.last_used_at,
                revoked_at=token.revoked_at,
            )
            for token, email in list_tokens(session)
        ]
    )


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def create_token(body: TokenCreate, identity: StaffWriter, session: DbSession) -> TokenIssued:
    """A new bearer token acting as the given account; the token is in this answer only."""
    allowed(identity, "tokens.manage")
    with domain_errors():
        row, secret = issue_token(session, email=body.email, name=body.name, actor=identity.email)
    return TokenIssued(
        id=row.id,
        email=body.email.strip().lower(),
        name=row.name,
        created_at=row.created_at,
        last_used_at=None,
        revoked_at=None,
        token=secret,
    )


@router.delete("/tokens/{token_id}", status_code=204)
def revoke(token_id: int, identity: StaffWriter, session: DbSession) -> None:
    """Revoke a token: the next request with it is 401."""
    allowed(identity, "tokens.manage")
    with domain_errors():
        revoke_token(session, token_id=token_id, actor=identity.email)


@router.get("/audit", response_model=AuditList)
def audit(
    identity: CurrentStaff,
    session: DbSession,
    target_id: str | None = Query(default=None, max_length=200),
    target_type: str | None = Query(default=None, max_length=40),
    actor: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=200, ge=1, le=1000),
) -> AuditList:
    allowed(identity, "audit.read")
    records = list_audit(
        session, target_id=target_id, target_type=target_type, actor=actor, limit=limit
    )
    return AuditList(
        records=[
            AuditPublic(
                id=record.id,
                actor=record.actor,
                action=record.action,
                target_type=record.target_type,
                target_id=record.target_id,
                before=record.before,
                after=record.after,
                at=record.at,
            )
            for record in records
        ]
    )
