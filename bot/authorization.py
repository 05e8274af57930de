"""Reading credentials a caller presents: one parser for every route that takes a bearer."""

from __future__ import annotations


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive,
    RFC 9110), or None when the header is missing, of another scheme, or carries no token."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None
