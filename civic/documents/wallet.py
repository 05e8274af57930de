"""The wallet's side (the Seoul Wallet's role): each holder's own key, and presentations.

A holder is a conversation the server vouches for (`web:<issued session>`, `telegram:<chat>`,
`world:<server key>`). Its key pair is made on first issuance, kept encrypted; its did:jwk is
the `credentialSubject.id` of every credential issued to it. A presentation is a `vp+jwt` the
holder key signs over the verifier's challenge (`nonce`) and domain (`aud`), enveloping the
credentials as `data:application/vc+jwt,` URLs (VC-JOSE-COSE).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc.jwk import OKPKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from civic.documents.keys import Vault
from civic.documents.models import WalletHolder
from civic.documents.signing import did_jwk, sign_compact

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENVELOPE_PREFIX = "data:application/vc+jwt,"
PRESENTATION_LIFETIME = timedelta(minutes=10)


class HolderKeys:
    def __init__(self, sessions: sessionmaker[Session], vault: Vault) -> None:
        self._sessions = sessions
        self._vault = vault

    def key_for(self, holder: str) -> tuple[str, OKPKey]:
        """(did, private key) of this holder, made on first use."""
        holder_hash = self._vault.fingerprint("holder", holder)
        with self._sessions() as session:
            row = session.get(WalletHolder, holder_hash)
            if row is None:
                key = OKPKey.generate_key("Ed25519")
                row = WalletHolder(
                    holder_hash=holder_hash,
                    did=did_jwk(key),
                    private_key_enc=self._vault.encrypt_text(
                        json.dumps(key.as_dict(private=True)), context="holder-key"
                    ),
                    created_at=datetime.now(UTC),
                )
                session.add(row)
                try:
                    session.commit()
                except IntegrityError:  # made at the same moment by another process
                    session.rollback()
                    row = session.get(WalletHolder, holder_hash)
                    assert row is not None
            private = json.loads(
                self._vault.decrypt_text(row.private_key_enc, context="holder-key")
            )
            return row.did, OKPKey.import_key(private)


def make_presentation(
    *,
    holder_did: str,
    key: OKPKey,
    credentials: list[str],
    challenge: str,
    domain: str,
    now: datetime | None = None,
) -> str:
    """A vp+jwt over the credentials, bound to this challenge and domain."""
    moment = now or datetime.now(UTC)
    payload: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [
            {
                "@context": VC_CONTEXT,
                "id": ENVELOPE_PREFIX + token,
                "type": "EnvelopedVerifiableCredential",
            }
            for token in credentials
        ],
        "nonce": challenge,
        "aud": domain,
        "iat": int(moment.timestamp()),
        "exp": int((moment + PRESENTATION_LIFETIME).timestamp()),
    }
    return sign_compact(payload, key=key, kid=f"{holder_did}#0", typ="vp+jwt", cty="vp")
