"""The demo identity check: one-time codes that expire, limited tries, lockout; OpenID tokens."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from civic.documents.identity import DemoCodeVerifier, IdentityError, birth_date_from
from civic.documents.office import DocumentOffice
from civic.documents.oidc import OidcError, OidcProvider
from civic.documents.registries import demo_registry, registration_number_is_valid


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clocked(office: DocumentOffice) -> tuple[DemoCodeVerifier, Clock]:
    clock = Clock()
    verifier = DemoCodeVerifier(
        office._sessions,
        office.vault,
        office.registries.resident_register,
        office.settings,
        clock=clock,
    )
    return verifier, clock


def test_demo_residents_are_labelled_and_their_numbers_invalid_on_purpose() -> None:
    residents = demo_registry().residents()
    assert residents and all(resident.demo for resident in residents)
    assert all(not registration_number_is_valid(r.registration_number) for r in residents)
    kim = demo_registry().find(name="김 해치", birth_date=date(1990, 1, 1))
    assert kim is not None and kim.name("en") == "Kim Haechi"
    assert demo_registry().find(name="Kim Haechi", birth_date=date(1990, 1, 1)) == kim
    assert demo_registry().find(name="김해치", birth_date=date(1990, 1, 2)) is None


def test_a_code_proves_identity_once_for_this_conversation_only(
    clocked: tuple[DemoCodeVerifier, Clock],
) -> None:
    verifier, clock = clocked
    sent = verifier.start(holder="web:s-one", name="김해치", birth_date=date(1990, 1, 1))
    assert len(sent.code) == 6 and sent.code.isdigit()
    with pytest.raises(IdentityError) as other:
        verifier.confirm(holder="web:s-two", code=sent.code)
    assert other.value.reason == "no_pending"
    identity = verifier.confirm(holder="web:s-one", code=sent.code)
    assert identity.resident_id == "demo-kim-haechi"
    assert verifier.current(holder="web:s-one") is not None
    assert verifier.current(holder="web:s-two") is None
    with pytest.raises(IdentityError):  # a code works once
        verifier.confirm(holder="web:s-one", code=sent.code)
    clock.now += timedelta(hours=1)
    assert verifier.current(holder="web:s-one") is None  # verification lapses


def test_codes_expire(clocked: tuple[DemoCodeVerifier, Clock]) -> None:
    verifier, clock = clocked
    sent = verifier.start(holder="web:s-late", name="김해치", birth_date=date(1990, 1, 1))
    clock.now += timedelta(minutes=6)
    with pytest.raises(IdentityError) as late:
        verifier.confirm(holder="web:s-late", code=sent.code)
    assert late.value.reason == "expired"


def test_wrong_codes_lock_the_conversation_out(clocked: tuple[DemoCodeVerifier, Clock]) -> None:
    verifier, clock = clocked
    holder = "telegram:guess"
    sent = verifier.start(holder=holder, name="김해치", birth_date=date(1990, 1, 1))
    wrong = "000000" if sent.code != "000000" else "111111"
    lefts = []
    for _ in range(4):
        with pytest.raises(IdentityError) as error:
            verifier.confirm(holder=holder, code=wrong)
        lefts.append(error.value.attempts_left)
    assert lefts == [4, 3, 2, 1]
    with pytest.raises(IdentityError) as locked:
        verifier.confirm(holder=holder, code=wrong)
    assert locked.value.reason == "locked"
    for attempt in (
        lambda: verifier.confirm(holder=holder, code=sent.code),
        lambda: verifier.start(holder=holder, name="김해치", birth_date=date(1990, 1, 1)),
    ):
        with pytest.raises(IdentityError) as still:
            attempt()
        assert still.value.reason == "locked"
    clock.now += timedelta(minutes=16)
    again = verifier.start(holder=holder, name="김해치", birth_date=date(1990, 1, 1))
    assert verifier.confirm(holder=holder, code=again.code).resident_id == "demo-kim-haechi"


def test_an_unknown_resident_gets_no_code(clocked: tuple[DemoCodeVerifier, Clock]) -> None:
    verifier, _ = clocked
    with pytest.raises(IdentityError) as error:
        verifier.start(holder="web:s-x", name="홍길동", birth_date=date(1990, 1, 1))
    assert error.value.reason == "not_found"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-01-01", date(1990, 1, 1)),
        ("1990.1.1", date(1990, 1, 1)),
        ("19900101", date(1990, 1, 1)),
        ("1990년 1월 1일이요", date(1990, 1, 1)),
        ("900101", date(1990, 1, 1)),
        ("1990-13-01", None),
        ("모르겠어요", None),
    ],
)
def test_birth_dates_are_read_as_people_type_them(text: str, expected: date | None) -> None:
    assert birth_date_from(text) == expected


def _provider(key: ECKey) -> OidcProvider:
    return OidcProvider(
        issuer="https://id.seoul.example",
        client_id="haechi",
        client_secret="s",
        redirect_url="https://haechi.example/cb",
        metadata={
            "authorization_endpoint": "https://id.seoul.example/authorize",
            "token_endpoint": "https://id.seoul.example/token",
        },
        jwks={"keys": [key.as_dict(private=False)]},
    )


def _token(key: ECKey, **claims: object) -> str:
    body = {
        "iss": "https://id.seoul.example",
        "aud": "haechi",
        "sub": "user-1",
        "exp": int(time.time()) + 300,
        "nonce": "n-1",
        "name": "김해치",
        "birthdate": "1990-01-01",
    }
    body.update(claims)
    return jwt.encode({"alg": "ES256", "kid": key.kid}, body, key)


def test_openid_connect_tokens_are_checked_and_matched_to_a_resident() -> None:
    key = ECKey.generate_key("P-256", auto_kid=True)
    provider = _provider(key)
    url, verifier = provider.authorization_url(state="st", nonce="n-1")
    assert url.startswith("https://id.seoul.example/authorize?")
    assert "code_challenge_method=S256" in url and "nonce=n-1" in url and len(verifier) > 43
    claims = provider.verify_id_token(_token(key), nonce="n-1")
    assert provider.resident_for(claims, demo_registry()).id == "demo-kim-haechi"  # type: ignore[union-attr]
    for bad, reason in (
        (_token(key, aud="someone-else"), "another client"),
        (_token(key, iss="https://evil.example"), "another issuer"),
        (_token(key, exp=int(time.time()) - 3600), "expired"),
        (_token(ECKey.generate_key("P-256", auto_kid=True)), "bad ID token"),
    ):
        with pytest.raises(OidcError, match=reason):
            provider.verify_id_token(bad)
    with pytest.raises(OidcError, match="nonce"):
        provider.verify_id_token(_token(key), nonce="other")
