"""The document office: issues the seven documents as credentials, keeps the wallet, revokes,
publishes the status list and the DID document, and verifies. The conversation (actions/) and
the HTTP API (bot/routes/) both use this one service.

Issuance is idempotent: the holder and the conversation's request id make a key, so a retried
confirmation returns the credential already issued. Every issuance, presentation, verification
and revocation leaves an audit record (knowledge/audit.py) in the same transaction, naming the
holder only by a keyed hash.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from civic.documents.catalog import Catalog, catalog
from civic.documents.claims import document_claims
from civic.documents.credential import credential_payload, status_list_payload
from civic.documents.identity import DemoCodeVerifier
from civic.documents.keys import Vault, load_or_create_secret
from civic.documents.models import IssuedCredential
from civic.documents.registries import Registries, demo_registries
from civic.documents.rendering import credential_id_in_pdf, render_pdf
from civic.documents.settings import DocumentSettings, get_document_settings
from civic.documents.signing import IssuerKeys
from civic.documents.status_list import (
    LIST_SIZE,
    bit_is_set,
    decode_list,
    encode_list,
    random_free_index,
)
from civic.documents.verification import (
    Trust,
    Verification,
    sri_sha256,
    verify_credential,
    verify_presentation,
)
from civic.documents.wallet import HolderKeys, make_presentation
from knowledge.audit import record_audit
from knowledge.database import make_session_factory, migrate


class UnknownDocument(ValueError):
    pass


@dataclass(frozen=True)
class WalletItem:
    id: str
    document_type: str
    credential: str
    pdf_url: str
    issued_at: datetime
    valid_until: datetime
    revoked: bool
    format: str = "vc+jwt"


@dataclass(frozen=True)
class Issued:
    item: WalletItem
    new: bool


class DocumentOffice:
    def __init__(
        self,
        engine: Engine,
        settings: DocumentSettings | None = None,
        *,
        registries: Registries | None = None,
        documents: Catalog | None = None,
    ) -> None:
        self.settings = settings or get_document_settings()
        self.engine = engine
        migrate(engine)
        self._sessions = make_session_factory(engine)
        key = (
            bytes.fromhex(self.settings.documents_key.get_secret_value())
            if self.settings.documents_key is not None
            else load_or_create_secret(self.settings.data_dir / "secrets" / "documents.key")
        )
        self.vault = Vault(key)
        self.keys = IssuerKeys(self.settings)
        self.registries = registries or demo_registries()
        self.catalog = documents or catalog()
        self.identity = DemoCodeVerifier(
            self._sessions, self.vault, self.registries.resident_register, self.settings
        )
        self.holders = HolderKeys(self._sessions, self.vault)

    # Addresses -------------------------------------------------------------------------
    def status_list_url(self, number: int) -> str:
        return self.settings.url(f"/credentials/status/{number}")

    def pdf_url(self, credential_id: str) -> str:
        return self.settings.url(f"/api/v1/wallet/credentials/{credential_id}/pdf")

    def verify_url(self, credential_id: str) -> str:
        return self.settings.url(f"/verify?id={credential_id}")

    def holder_hash(self, holder: str) -> str:
        return self.vault.fingerprint("holder", holder)

    def subject_hash(self, resident_id: str) -> str:
        return self.vault.fingerprint("subject", resident_id)

    # Issuance --------------------------------------------------------------------------
    def issue(
        self,
        *,
        holder: str,
        channel: str,
        resident_id: str,
        document_type: str,
        options: dict[str, str],
        purpose: str,
        language: str,
        request_id: str,
        now: datetime | None = None,
    ) -> Issued:
        """Issue (or, for a request already served, return) a document to a holder's wallet.

        Raises UnknownDocument, ValueError for bad options or purpose, and DocumentRefused
        (civic/documents/claims.py) when the registries hold nothing for this resident.
        """
        try:
            document = self.catalog.get(document_type)
        except KeyError:
            raise UnknownDocument(document_type) from None
        chosen = document.check_options(options)
        if self.catalog.purpose(purpose) is None:
            raise ValueError(f"unknown purpose {purpose!r}")
        holder_hash = self.holder_hash(holder)
        request_key = self.vault.fingerprint("request", f"{holder}\0{request_id}")
        existing = self._by_request(request_key)
        if existing is not None:
            return Issued(item=self._item(existing), new=False)
        resident = self.registries.resident_register.get(resident_id)
        if resident is None:
            raise ValueError("unknown resident")
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        claims = document_claims(
            document, resident, self.registries, chosen, language=language, today=moment.date()
        )
        holder_did, _ = self.holders.key_for(holder)
        credential_id = str(uuid.uuid4())
        valid_until = moment + timedelta(days=document.validity_days)
        pdf = render_pdf(
            credential_id=f"urn:uuid:{credential_id}",
            title=document.name(language),
            authority=document.authority[language]
            if language in document.authority
            else document.authority["ko"],
            claims=claims,
            issued_at=moment,
            valid_until=valid_until,
            verify_url=self.verify_url(credential_id),
            language=language,
            demo=resident.demo,
        )
        for _attempt in range(5):
            with self._sessions() as session:
                number, index = self._free_status_slot(session)
                payload = credential_payload(
                    credential_id=credential_id,
                    document=document,
                    issuer=self.keys.did,
                    language=language,
                    valid_from=moment,
                    valid_until=valid_until,
                    subject={
                        "id": holder_did,
                        "documentType": document.type,
                        "purpose": purpose,
                        "options": chosen,
                        **({"demo": True} if resident.demo else {}),
                        **claims,
                    },
                    status_url=self.status_list_url(number),
                    status_index=index,
                    pdf_url=self.pdf_url(credential_id),
                    pdf_digest=sri_sha256(pdf),
                )
                token = self.keys.sign(payload, typ="vc+jwt", cty="vc")
                row = IssuedCredential(
                    id=credential_id,
                    document_type=document.type,
                    channel=channel[:40],
                    holder_hash=holder_hash,
                    subject_hash=self.subject_hash(resident.id),
                    request_key=request_key,
                    status_list=number,
                    status_index=index,
                    key_id=self.keys.kid(self.keys.active),
                    credential_enc=self.vault.encrypt_text(token, context="credential"),
                    pdf_enc=self.vault.encrypt(pdf, context="pdf"),
                    pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                    issued_at=moment,
                    valid_until=valid_until,
                )
                session.add(row)
                record_audit(
                    session,
                    actor=f"citizen:{holder_hash[:16]}",
                    action="credential.issue",
                    target_type="credential",
                    target_id=credential_id,
                    after={"document_type": document.type, "channel": channel, "purpose": purpose},
                )
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    existing = self._by_request(request_key)
                    if existing is not None:  # the same confirmation, served meanwhile
                        return Issued(item=self._item(existing), new=False)
                    continue  # another credential took the status index: pick again
                return Issued(item=self._item(row), new=True)
        raise RuntimeError("could not allocate a status list entry")

    def _by_request(self, request_key: str) -> IssuedCredential | None:
        with self._sessions() as session:
            query = select(IssuedCredential).where(IssuedCredential.request_key == request_key)
            found: IssuedCredential | None = session.scalars(query).first()
            return found

    @staticmethod
    def _free_status_slot(session: Session) -> tuple[int, int]:
        number = session.scalar(select(func.max(IssuedCredential.status_list))) or 1
        used = set(
            session.scalars(
                select(IssuedCredential.status_index).where(IssuedCredential.status_list == number)
            )
        )
        if len(used) >= LIST_SIZE:
            number, used = number + 1, set()
        return number, random_free_index(used)

    def _item(self, row: IssuedCredential) -> WalletItem:
        return WalletItem(
            id=row.id,
            document_type=row.document_type,
            credential=self.vault.decrypt_text(row.credential_enc, context="credential"),
            pdf_url=self.pdf_url(row.id),
            issued_at=row.issued_at,
            valid_until=row.valid_until,
            revoked=row.revoked_at is not None,
        )

    # The wallet ------------------------------------------------------------------------
    def wallet(self, holder: str) -> list[WalletItem]:
        with self._sessions() as session:
            query = (
                select(IssuedCredential)
                .where(IssuedCredential.holder_hash == self.holder_hash(holder))
                .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id)
            )
            return [self._item(row) for row in session.scalars(query)]

    def wallet_of_subject(self, resident_id: str) -> list[WalletItem]:
        """Every credential issued to this resident (an OpenID bearer's view of the wallet)."""
        with self._sessions() as session:
            query = (
                select(IssuedCredential)
                .where(IssuedCredential.subject_hash == self.subject_hash(resident_id))
                .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id)
            )
            return [self._item(row) for row in session.scalars(query)]

    def _owned(
        self, session: Session, holder_hashes: set[str], credential_id: str
    ) -> IssuedCredential | None:
        row = session.get(IssuedCredential, credential_id)
        if row is None or (
            row.holder_hash not in holder_hashes and row.subject_hash not in holder_hashes
        ):
            return None  # someone else's is as absent as a missing one
        return row

    def wallet_item(self, holder: str, credential_id: str) -> WalletItem | None:
        with self._sessions() as session:
            row = self._owned(session, {self.holder_hash(holder)}, credential_id)
            return self._item(row) if row else None

    def subject_item(self, resident_id: str, credential_id: str) -> WalletItem | None:
        with self._sessions() as session:
            row = self._owned(session, {self.subject_hash(resident_id)}, credential_id)
            return self._item(row) if row else None

    def pdf(self, holder_hashes: set[str], credential_id: str) -> bytes | None:
        with self._sessions() as session:
            row = self._owned(session, holder_hashes, credential_id)
            return self.vault.decrypt(row.pdf_enc, context="pdf") if row else None

    def present(
        self, holder: str, credential_id: str, *, challenge: str, domain: str
    ) -> str | None:
        """A presentation of one of the holder's credentials to a verifier, or None."""
        item = self.wallet_item(holder, credential_id)
        if item is None:
            return None
        did, key = self.holders.key_for(holder)
        token = make_presentation(
            holder_did=did,
            key=key,
            credentials=[item.credential],
            challenge=challenge,
            domain=domain,
        )
        with self._sessions() as session, session.begin():
            record_audit(
                session,
                actor=f"citizen:{self.holder_hash(holder)[:16]}",
                action="credential.present",
                target_type="credential",
                target_id=credential_id,
                after={"domain": domain[:200]},
            )
        return token

    # Revocation and status -------------------------------------------------------------
    def revoke(self, credential_id: str, *, by: str, reason: str | None = None) -> bool | None:
        """Revoke; None if there is no such credential, False if it was revoked already."""
        with self._sessions() as session, session.begin():
            row = session.get(IssuedCredential, credential_id)
            if row is None:
                return None
            if row.revoked_at is not None:
                return False
            row.revoked_at = datetime.now(UTC)
            row.revoked_by = by[:200]
            row.revocation_reason = (reason or "")[:300] or None
            record_audit(
                session,
                actor=by,
                action="credential.revoke",
                target_type="credential",
                target_id=credential_id,
                before={"revoked": False},
                after={"revoked": True, "reason": row.revocation_reason},
            )
            return True

    def revoked_indexes(self, number: int) -> set[int]:
        with self._sessions() as session:
            query = select(IssuedCredential.status_index).where(
                IssuedCredential.status_list == number, IssuedCredential.revoked_at.is_not(None)
            )
            return set(session.scalars(query))

    def status_list_payload(self, number: int) -> dict[str, Any]:
        return status_list_payload(
            url=self.status_list_url(number),
            issuer=self.keys.did,
            encoded=encode_list(self.revoked_indexes(number)),
            now=datetime.now(UTC),
        )

    def status_list_credential(self, number: int) -> str:
        return self.keys.sign(self.status_list_payload(number), typ="vc+jwt", cty="vc")

    def status_lists(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.max(IssuedCredential.status_list))) or 1

    # Verification ----------------------------------------------------------------------
    def trust(self) -> Trust:
        def is_revoked(url: str, index: int) -> bool | None:
            prefix = self.settings.url("/credentials/status/")
            number = url.removeprefix(prefix)
            if not url.startswith(prefix) or not number.isdigit():
                return None
            encoded = self.status_list_payload(int(number))["credentialSubject"]["encodedList"]
            return bit_is_set(decode_list(encoded), index)

        return Trust(
            issuer_did=self.keys.did, public_key=self.keys.public_key, is_revoked=is_revoked
        )

    def stored_credential(self, credential_id: str) -> tuple[str, str] | None:
        """(id, JWS) of a credential this office issued, by id or urn:uuid: id."""
        key = credential_id.removeprefix("urn:uuid:")
        with self._sessions() as session:
            row = session.get(IssuedCredential, key)
            if row is None:
                return None
            return row.id, self.vault.decrypt_text(row.credential_enc, context="credential")

    def verify(
        self,
        *,
        credential: str | None = None,
        credential_id: str | None = None,
        pdf: bytes | None = None,
        now: datetime | None = None,
    ) -> Verification:
        """Verify a pasted credential, the one a QR code names, or the one a PDF belongs to."""
        token = credential
        if token is None:
            if credential_id is None and pdf is not None:
                credential_id = self._credential_for_pdf(pdf)
            stored = self.stored_credential(credential_id) if credential_id else None
            if stored is None:
                result = Verification()
                result.add("format", False, "no credential of this issuer matches")
                self._audit_verification(result)
                return result
            token = stored[1]
        result = verify_credential(token, self.trust(), pdf=pdf, now=now)
        self._audit_verification(result)
        return result

    def _credential_for_pdf(self, pdf: bytes) -> str | None:
        digest = hashlib.sha256(pdf).hexdigest()
        with self._sessions() as session:
            query = select(IssuedCredential.id).where(IssuedCredential.pdf_sha256 == digest)
            found = session.scalars(query).first()
        return found or credential_id_in_pdf(pdf)

    def verify_presentation(
        self, token: str, *, challenge: str, domain: str, now: datetime | None = None
    ) -> Verification:
        result = verify_presentation(
            token, self.trust(), challenge=challenge, domain=domain, now=now
        )
        self._audit_verification(result, presentation=True)
        return result

    def _audit_verification(self, result: Verification, *, presentation: bool = False) -> None:
        with self._sessions() as session, session.begin():
            record_audit(
                session,
                actor="verifier",
                action="presentation.verify" if presentation else "credential.verify",
                target_type="credential",
                target_id=(result.credential_id or "").removeprefix("urn:uuid:") or None,
                after={"verified": result.verified, "failed": result.failed()},
            )
