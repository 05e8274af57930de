"""Documents as credentials over HTTP: the issuer's DID document and status lists, public
verification, the citizen's wallet, and staff revocation (all over civic/documents/office.py).

The wallet answers only the holder: a web conversation's `session_id` with its server-issued
secret (`Authorization: Bearer <session_secret>` or the chat's cookie), or, when the city runs
OpenID Connect, an ID token from its provider. Someone else's credential is a 404, as if absent.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from agent.session_secrets import SessionSecrets, is_issued
from bot.authorization import bearer_token
from bot.rate_limits import rate_limit
from bot.routes.chat import presented_secret
from bot.schemas import REFUSALS
from bot.staff.identity import StaffWriter
from civic.documents.office import DocumentOffice, WalletItem
from civic.documents.oidc import OidcError, oidc_provider
from civic.documents.settings import get_document_settings

logger = logging.getLogger(__name__)

router = APIRouter(tags=["documents"], responses=REFUSALS)

MAX_CREDENTIAL_CHARS = 100_000
MAX_PDF_BYTES = 2_000_000
# Staff roles that may revoke an issued document.
REVOKERS = frozenset({"counsellor", "reviewer", "admin"})


def document_office(request: Request) -> DocumentOffice:
    """The gateway's office, opened on first use (it migrates and loads keys), and again when
    the app's database changed (a new lifespan)."""
    office: DocumentOffice | None = getattr(request.app.state, "documents", None)
    if office is None or office.engine is not request.app.state.database:
        office = DocumentOffice(request.app.state.database, get_document_settings())
        request.app.state.documents = office
    return office


OfficeDep = Annotated[DocumentOffice, Depends(document_office)]


class CheckOut(BaseModel):
    name: str
    ok: bool
    reason: str


class VerifyRequest(BaseModel):
    """One of: a pasted credential (compact JWS), a credential id (the QR code's link), a PDF
    (base64), or a presentation with the challenge and domain the verifier expects."""

    model_config = ConfigDict(extra="forbid")

    credential: str | None = Field(default=None, max_length=MAX_CREDENTIAL_CHARS)
    credential_id: str | None = Field(default=None, max_length=64)
    pdf: str | None = Field(default=None, max_length=MAX_PDF_BYTES * 4 // 3 + 8)
    presentation: str | None = Field(default=None, max_length=MAX_CREDENTIAL_CHARS)
    challenge: str | None = Field(default=None, max_length=200)
    domain: str | None = Field(default=None, max_length=200)


class VerifyResponse(BaseModel):
    verified: bool
    checks: list[CheckOut]
    credential_id: str | None = None
    document_type: str | None = None
    valid_until: str | None = None


class WalletCredential(BaseModel):
    id: str
    document_type: str
    format: str = "vc+jwt"
    credential: str
    pdf_url: str
    issued_at: str
    valid_until: str
    revoked: bool


class PresentationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential_id: str = Field(min_length=1, max_length=64)
    challenge: str = Field(min_length=8, max_length=200)
    domain: str = Field(min_length=1, max_length=200)


class PresentationOut(BaseModel):
    presentation: str
    format: str = "vp+jwt"


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=300)


class RevokeOut(BaseModel):
    id: str
    revoked: bool


# The issuer in public -------------------------------------------------------------------
@router.get("/.well-known/did.json", include_in_schema=False)
async def did_document(office: OfficeDep) -> Response:
    """The issuer's did:web document: every key it signs or signed with."""
    return Response(content=_json(office.keys.did_document()), media_type="application/did+json")


@router.get("/credentials/status/{number}", include_in_schema=False)
async def status_list(number: int, office: OfficeDep) -> Response:
    """The Bitstring Status List credential (vc+jwt), signed afresh for a day."""
    if not 1 <= number <= office.status_lists():
        raise HTTPException(status_code=404, detail="no such status list / 상태 목록이 없습니다")
    return Response(
        content=office.status_list_credential(number),
        media_type="application/vc+jwt",
        headers={"Cache-Control": "max-age=300"},
    )


@router.post(
    "/api/v1/credentials/verify",
    response_model=VerifyResponse,
    response_model_exclude_none=True,
    dependencies=[Depends(rate_limit("search"))],
)
async def verify(body: VerifyRequest, office: OfficeDep) -> VerifyResponse:
    """Is it genuine, unchanged, in date and not revoked? Each check with its reason."""
    pdf = _pdf_bytes(body.pdf) if body.pdf else None
    if body.presentation:
        if not body.challenge or not body.domain:
            raise HTTPException(
                status_code=422,
                detail="a presentation is checked against the challenge and domain you expect"
                " / challenge와 domain이 필요합니다",
            )
        result = office.verify_presentation(
            body.presentation.strip(), challenge=body.challenge, domain=body.domain
        )
    elif body.credential or body.credential_id or pdf is not None:
        result = office.verify(
            credential=body.credential.strip() if body.credential else None,
            credential_id=body.credential_id,
            pdf=pdf,
        )
    else:
        raise HTTPException(
            status_code=422,
            detail="send a credential, a credential_id, a pdf or a presentation / "
            "확인할 증명서를 보내 주세요",
        )
    return VerifyResponse(
        verified=result.verified,
        checks=[CheckOut(name=c.name, ok=c.ok, reason=c.reason) for c in result.checks],
        credential_id=result.credential_id,
        document_type=result.document_type,
        valid_until=result.valid_until,
    )


def _pdf_bytes(encoded: str) -> bytes:
    try:
        data = base64.b64decode(encoded.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(
            status_code=422, detail="pdf must be base64 / PDF 형식이 아닙니다"
        ) from None
    if not data.startswith(b"%PDF") or len(data) > MAX_PDF_BYTES:
        raise HTTPException(status_code=422, detail="pdf is not a PDF file / PDF 파일이 아닙니다")
    return data


# The wallet -----------------------------------------------------------------------------
class Holder(BaseModel):
    """Who is asking: a web conversation (holder) or an OpenID-verified resident."""

    holder: str | None = None
    resident_id: str | None = None

    def hashes(self, office: DocumentOffice) -> set[str]:
        if self.holder is not None:
            return {office.holder_hash(self.holder)}
        assert self.resident_id is not None
        return {office.subject_hash(self.resident_id)}


def wallet_holder(
    request: Request,
    office: OfficeDep,
    session_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Holder:
    secrets: SessionSecrets = request.app.state.session_secrets
    presented = presented_secret(request)
    if session_id is not None and is_issued(session_id):
        if secrets.verify(session_id, presented):
            return Holder(holder=f"web:{session_id}")
        raise HTTPException(
            status_code=403,
            detail="this wallet needs its conversation's secret / 서류함을 열 권한이 없습니다",
        )
    token = bearer_token(request.headers.get("Authorization"))
    provider = oidc_provider(office.settings)
    if token is not None and provider is not None:
        try:
            claims = provider.verify_id_token(token)
        except OidcError as error:
            logger.info("wallet bearer refused: %s", error)
            raise HTTPException(
                status_code=401, detail="invalid token / 인증 정보가 올바르지 않습니다"
            ) from None
        resident = provider.resident_for(claims, office.registries.resident_register)
        if resident is None:
            raise HTTPException(
                status_code=403, detail="no resident for this login / 확인되는 주민이 없습니다"
            )
        return Holder(resident_id=resident.id)
    raise HTTPException(
        status_code=401,
        detail="send session_id with its session secret, or a login token / 인증이 필요합니다",
        headers={"WWW-Authenticate": "Bearer"},
    )


HolderDep = Annotated[Holder, Depends(wallet_holder)]


def _out(item: WalletItem) -> WalletCredential:
    return WalletCredential(
        id=item.id,
        document_type=item.document_type,
        credential=item.credential,
        pdf_url=item.pdf_url,
        issued_at=item.issued_at.isoformat(),
        valid_until=item.valid_until.isoformat(),
        revoked=item.revoked,
    )


@router.get("/api/v1/wallet/credentials", response_model=list[WalletCredential])
async def list_credentials(holder: HolderDep, office: OfficeDep) -> list[WalletCredential]:
    """The credentials in this wallet, newest first."""
    items = (
        office.wallet(holder.holder)
        if holder.holder is not None
        else office.wallet_of_subject(str(holder.resident_id))
    )
    return [_out(item) for item in items]


def _item(holder: Holder, office: DocumentOffice, credential_id: str) -> WalletItem:
    item = (
        office.wallet_item(holder.holder, credential_id)
        if holder.holder is not None
        else office.subject_item(str(holder.resident_id), credential_id)
    )
    if item is None:
        raise HTTPException(status_code=404, detail="no such credential / 서류를 찾을 수 없습니다")
    return item


@router.get("/api/v1/wallet/credentials/{credential_id}", response_model=WalletCredential)
async def get_credential(
    credential_id: str, holder: HolderDep, office: OfficeDep
) -> WalletCredential:
    return _out(_item(holder, office, credential_id))


@router.get("/api/v1/wallet/credentials/{credential_id}/pdf", include_in_schema=False)
async def get_pdf(credential_id: str, holder: HolderDep, office: OfficeDep) -> Response:
    pdf = office.pdf(holder.hashes(office), credential_id)
    if pdf is None:
        raise HTTPException(status_code=404, detail="no such credential / 서류를 찾을 수 없습니다")
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{credential_id}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/api/v1/wallet/presentations", response_model=PresentationOut)
async def present(
    body: PresentationRequest, holder: HolderDep, office: OfficeDep
) -> PresentationOut:
    """A presentation of one credential to a verifier, bound to its challenge and domain."""
    if holder.holder is None:
        raise HTTPException(
            status_code=403,
            detail="presentations are signed by a conversation's wallet / 대화의 서류함에서만 "
            "제출할 수 있습니다",
        )
    token = office.present(
        holder.holder, body.credential_id, challenge=body.challenge, domain=body.domain
    )
    if token is None:
        raise HTTPException(status_code=404, detail="no such credential / 서류를 찾을 수 없습니다")
    return PresentationOut(presentation=token)


# Staff ----------------------------------------------------------------------------------
@router.post("/api/v1/staff/credentials/{credential_id}/revoke", response_model=RevokeOut)
async def revoke(
    credential_id: str,
    staff: StaffWriter,
    office: OfficeDep,
    body: RevokeRequest | None = None,
) -> RevokeOut:
    """Revoke an issued document (its status list bit is set); revoking twice is harmless."""
    if staff.role not in REVOKERS:
        raise HTTPException(
            status_code=403,
            detail="revoking needs a counsellor, reviewer or admin role / "
            "서류를 취소할 권한이 없습니다",
        )
    result = office.revoke(
        credential_id.removeprefix("urn:uuid:"),
        by=staff.email,
        reason=body.reason if body else None,
    )
    if result is None:
        raise HTTPException(status_code=404, detail="no such credential / 서류를 찾을 수 없습니다")
    return RevokeOut(id=credential_id, revoked=True)


def _json(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2)
