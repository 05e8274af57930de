"""OpenID Connect identity against the city's configured provider (authlib, joserfc).

Set HAECHI_IDENTITY_PROVIDER=oidc with the provider's issuer URL, client id and secret, and a
redirect URL. The provider's discovery document and keys are fetched once and kept. A citizen
signs in with the authorization code flow (PKCE S256, state and nonce); the ID token is checked
(signature from the provider's JWKS, issuer, audience, expiry, nonce) and matched to a resident
by its standard `name` and `birthdate` claims; a deployment with the resident register's own
identifier (CI) would match on that instead. The wallet API takes such an ID token as a bearer.
"""

from __future__ import annotations

import secrets
import time
from datetime import date
from functools import lru_cache
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from civic.documents.registries import Resident, ResidentRegister
from civic.documents.settings import DocumentSettings

ID_TOKEN_ALGORITHMS = ("RS256", "ES256", "PS256", "Ed25519", "EdDSA")
LEEWAY_SECONDS = 60


class OidcError(Exception):
    """The provider could not be used or its token was not acceptable."""


class OidcProvider:
    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str | None,
        redirect_url: str | None,
        metadata: dict[str, Any] | None = None,
        jwks: dict[str, Any] | None = None,
        http: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_url = redirect_url
        self._metadata = metadata
        self._jwks = KeySet.import_key_set(jwks) if jwks is not None else None  # type: ignore[arg-type]
        self._http = http or httpx.Client(timeout=10, transport=transport)

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = f"{self.issuer}/.well-known/openid-configuration"
            try:
                response = self._http.get(url)
                response.raise_for_status()
            except httpx.HTTPError as error:
                raise OidcError(f"discovery failed: {type(error).__name__}") from error
            self._metadata = dict(response.json())
        return self._metadata

    def keys(self) -> KeySet:
        if self._jwks is None:
            try:
                response = self._http.get(str(self.metadata()["jwks_uri"]))
                response.raise_for_status()
            except (httpx.HTTPError, KeyError) as error:
                raise OidcError(f"keys unavailable: {type(error).__name__}") from error
            self._jwks = KeySet.import_key_set(response.json())
        return self._jwks

    def _client(self) -> OAuth2Client:
        return OAuth2Client(
            self.client_id,
            self._client_secret,
            redirect_uri=self.redirect_url,
            scope="openid profile birthdate",
            code_challenge_method="S256",
        )

    def authorization_url(self, *, state: str, nonce: str) -> tuple[str, str]:
        """(URL to send the citizen to, the PKCE verifier to keep for the callback)."""
        verifier = secrets.token_urlsafe(48)
        url, _ = self._client().create_authorization_url(
            str(self.metadata()["authorization_endpoint"]),
            state=state,
            nonce=nonce,
            code_verifier=verifier,
        )
        return str(url), verifier

    def exchange(self, *, code: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        """The callback: trade the code for tokens and return the checked ID token's claims.

        A plain form POST with client_secret_basic (RFC 6749 §4.1.3, PKCE RFC 7636), through
        the same httpx client as discovery.
        """
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_url or "",
            "code_verifier": code_verifier,
            "client_id": self.client_id,
        }
        auth = httpx.BasicAuth(self.client_id, self._client_secret or "")
        try:
            response = self._http.post(str(self.metadata()["token_endpoint"]), data=form, auth=auth)
            response.raise_for_status()
            token = response.json()
        except (httpx.HTTPError, ValueError, KeyError) as error:
            raise OidcError(f"token exchange failed: {type(error).__name__}") from error
        id_token = token.get("id_token") if isinstance(token, dict) else None
        if not isinstance(id_token, str):
            raise OidcError("the provider returned no ID token")
        return self.verify_id_token(id_token, nonce=nonce)

    def verify_id_token(self, token: str, *, nonce: str | None = None) -> dict[str, Any]:
        """Claims of an ID token this provider signed for this client, in date."""
        try:
            decoded = jwt.decode(token, self.keys(), algorithms=list(ID_TOKEN_ALGORITHMS))
        except (JoseError, ValueError) as error:
            raise OidcError(f"bad ID token: {type(error).__name__}") from error
        claims = dict(decoded.claims)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        now = time.time()
        if str(claims.get("iss", "")).rstrip("/") != self.issuer:
            raise OidcError("ID token from another issuer")
        if self.client_id not in audiences:
            raise OidcError("ID token for another client")
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] < now - LEEWAY_SECONDS:
            raise OidcError("ID token expired")
        if nonce is not None and claims.get("nonce") != nonce:
            raise OidcError("ID token for another sign-in (nonce)")
        return claims

    @staticmethod
    def resident_for(claims: dict[str, Any], register: ResidentRegister) -> Resident | None:
        name, born = claims.get("name"), claims.get("birthdate")
        if not isinstance(name, str) or not isinstance(born, str):
            return None
        try:
            birth_date = date.fromisoformat(born)
        except ValueError:
            return None
        return register.find(name=name, birth_date=birth_date)


def oidc_provider(settings: DocumentSettings) -> OidcProvider | None:
    """The configured provider, or None when identity is the demo's one-time code."""
    if (
        settings.identity_provider != "oidc"
        or not settings.oidc_issuer
        or not settings.oidc_client_id
    ):
        return None
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    return _provider(
        settings.oidc_issuer, settings.oidc_client_id, secret, settings.oidc_redirect_url
    )


@lru_cache(maxsize=4)
def _provider(
    issuer: str, client_id: str, client_secret: str | None, redirect_url: str | None
) -> OidcProvider:
    return OidcProvider(
        issuer=issuer, client_id=client_id, client_secret=client_secret, redirect_url=redirect_url
    )
