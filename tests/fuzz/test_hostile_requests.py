"""Hand-made hostile requests to every public JSON route: huge bodies, invalid UTF-8, deep JSON,
emoji floods, negative and gigantic numbers, NaN and Infinity, NUL bytes.

Each must get an answer (never a hang), never a 5xx, and a refused one (4xx) must leave no
trace: no message to the agent's tracker, no unanswered question, no knowledge entry.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fuzz.conftest import Gateway

CHAT = "/api/v1/chat"
PARSE = "/api/v1/nlu/parse"
SEARCH = "/api/v1/knowledge/search"
VEHICLE = "/api/v1/tax/vehicle"
PROPERTY = "/api/v1/tax/property"
ACQUISITION = "/api/v1/tax/acquisition"
JSON_ROUTES = (CHAT, PARSE, SEARCH, VEHICLE, PROPERTY, ACQUISITION)

DEPTH = 10_000
EMOJI = "😀"
MEGABYTES = 3

# A valid body per route; the hostile cases below spoil one part of it.
VALID: dict[str, dict[str, Any]] = {
    CHAT: {"session_id": "fuzz", "text": "자동차세 언제 내요?"},
    PARSE: {"text": "자동차세 언제 내요?"},
    SEARCH: {"query": "자동차세 언제 내요?"},
    VEHICLE: {
        "year": 2025,
        "vehicle_type": "passenger",
        "business_use": False,
        "displacement_cc": 1998,
    },
    PROPERTY: {"year": 2025, "published_price": 500_000_000, "one_house": True},
    ACQUISITION: {
        "price": 500_000_000,
        "area_m2": "84.9",
        "houses_after_acquisition": 1,
        "adjusted_area": False,
    },
}
# The route's free-text field, where floods and odd characters go.
TEXT_FIELD = {CHAT: "text", PARSE: "text", SEARCH: "query"}
# Its numeric fields, where negative, gigantic and non-finite numbers go.
NUMBER_FIELDS = {
    SEARCH: ("k",),
    VEHICLE: ("year", "displacement_cc"),
    PROPERTY: ("year", "published_price", "prior_year_published_price"),
    ACQUISITION: ("price", "area_m2", "houses_after_acquisition", "year"),
}


def _deep(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def _deep_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def _with(route: str, **changes: Any) -> bytes:
    return json.dumps({**VALID[route], **changes}, ensure_ascii=False).encode()


def _raw_with(route: str, field: str, raw_value: str) -> bytes:
    """The valid body with one field's JSON text replaced verbatim (for NaN, deep values)."""
    body = json.dumps({**VALID[route], field: "__RAW__"}, ensure_ascii=False)
    return body.replace('"__RAW__"', raw_value).encode()


def _cases() -> list[tuple[str, str, bytes]]:
    cases: list[tuple[str, str, bytes]] = []
    for route in JSON_ROUTES:
        name = route.rsplit("/", 1)[-1]
        cases += [
            (f"{name}: {MEGABYTES} MB of garbage", route, b"\xfe" * (MEGABYTES << 20)),
            (
                f"{name}: {MEGABYTES} MB JSON string",
                route,
                json.dumps("가" * (MEGABYTES << 19)).encode(),
            ),
            (
                f"{name}: invalid UTF-8",
                route,
                b'{"text": "\xff\xfe\xc3\x28", "query": "\xed\xa0\x80"}',
            ),
            (f"{name}: {DEPTH}-deep array", route, _deep(DEPTH).encode()),
            (f"{name}: {DEPTH}-deep object", route, _deep_object(DEPTH).encode()),
            (f"{name}: 900-deep array", route, _deep(900).encode()),
            (f"{name}: NUL bytes", route, b'{"\x00": "\x00"}'),
            (f"{name}: empty body", route, b""),
            (f"{name}: JSON null", route, b"null"),
            (f"{name}: top-level NaN", route, b"NaN"),
            (f"{name}: a string", route, b'"hello"'),
            (f"{name}: unknown field", route, _with(route, surprise=1)),
            (f"{name}: deep unknown field", route, _raw_with(route, "surprise", _deep(DEPTH))),
        ]
        if route in TEXT_FIELD:
            field = TEXT_FIELD[route]
            cases += [
                (f"{name}: 5,000 emoji", route, _with(route, **{field: EMOJI * 5000})),
                (
                    f"{name}: {MEGABYTES} MB text",
                    route,
                    _with(route, **{field: "가" * (MEGABYTES << 19)}),
                ),
                (f"{name}: NUL in text", route, _with(route, **{field: "\x00\x00자동차세\x00"})),
                (
                    f"{name}: lone surrogate",
                    route,
                    _raw_with(route, field, '"\\ud800\\udfff\\ud800"'),
                ),
                (f"{name}: text is a number", route, _raw_with(route, field, "1e400")),
                (f"{name}: text is deep", route, _raw_with(route, field, _deep(DEPTH))),
                (f"{name}: text is 900-deep", route, _raw_with(route, field, _deep(900))),
            ]
        for field in NUMBER_FIELDS.get(route, ()):
            for label, raw in (
                ("negative", "-1"),
                ("zero", "0"),
                ("10^30", "1" + "0" * 30),
                ("-10^30", "-1" + "0" * 30),
                ("10^4300", "1" + "0" * 4300),
                ("NaN", "NaN"),
                ("Infinity", "Infinity"),
                ("-Infinity", "-Infinity"),
                ("1e400", "1e400"),
                ("fraction", "1.5"),
                ("string", '"12"'),
                ("Korean string", '"오억"'),
                ("bool", "true"),
            ):
                cases.append((f"{name}: {field} {label}", route, _raw_with(route, field, raw)))
    cases += [
        ("chat: metadata 10,000 deep", CHAT, _raw_with(CHAT, "metadata", _deep_object(DEPTH))),
        ("chat: metadata 900 deep", CHAT, _raw_with(CHAT, "metadata", _deep_object(900))),
        (
            "chat: metadata 5,000 emoji keys",
            CHAT,
            _with(CHAT, metadata={EMOJI * i: i for i in range(1, 200)}),
        ),
        ("chat: metadata NaN", CHAT, _raw_with(CHAT, "metadata", '{"x": NaN, "y": Infinity}')),
        ("chat: session_id with NUL", CHAT, _with(CHAT, session_id="a\x00b")),
        ("chat: session_id 5,000 emoji", CHAT, _with(CHAT, session_id=EMOJI * 5000)),
        ("chat: language 5,000 emoji", CHAT, _with(CHAT, language=EMOJI * 5000)),
        ("chat: language with NUL", CHAT, _with(CHAT, language="k\x00o")),
        ("chat: channel flood", CHAT, _with(CHAT, channel="x" * 100_000)),
        ("search: collection with NUL", SEARCH, _with(SEARCH, collection="t\x00x")),
        ("search: language flood", SEARCH, _with(SEARCH, language=EMOJI * 5000)),
        (
            "vehicle: first_registered 10^30",
            VEHICLE,
            _with(VEHICLE, first_registered="1" + "0" * 30),
        ),
        (
            "vehicle: first_registered year 0",
            VEHICLE,
            _with(VEHICLE, first_registered="0000-01-01"),
        ),
        (
            "vehicle: first_registered 9999-12-31",
            VEHICLE,
            _with(VEHICLE, first_registered="9999-12-31"),
        ),
        ("vehicle: first_registered -1", VEHICLE, _raw_with(VEHICLE, "first_registered", "-1")),
        ("vehicle: first_registered NaN", VEHICLE, _raw_with(VEHICLE, "first_registered", "NaN")),
        ("vehicle: first_registered emoji", VEHICLE, _with(VEHICLE, first_registered=EMOJI * 5000)),
        ("acquisition: area 1e-30", ACQUISITION, _raw_with(ACQUISITION, "area_m2", "1e-30")),
        ("acquisition: area 99999999.99", ACQUISITION, _with(ACQUISITION, area_m2="99999999.99")),
    ]
    return cases


CASES = _cases()


@pytest.mark.parametrize(("route", "body"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_body_gets_an_answer_and_leaves_no_trace(
    gateway: Gateway, route: str, body: bytes
) -> None:
    before = gateway.stored()
    response = gateway.send(
        "POST", route, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code < 500, response.text[:500]
    if 400 <= response.status_code < 500:
        assert gateway.stored() == before, "a refused request left a trace"
        detail = response.json()
        assert detail.get("detail"), detail
        # The refusal never echoes a flood back.
        assert len(response.content) < 20_000


@pytest.mark.parametrize("route", JSON_ROUTES)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_body_that_is_not_declared_json_is_refused(
    gateway: Gateway, route: str, content_type: str | None
) -> None:
    before = gateway.stored()
    headers = {"content-type": content_type} if content_type else {}
    response = gateway.send("POST", route, content=b"--x\r\n\xff\x00", headers=headers)
    assert 400 <= response.status_code < 500, response.text[:500]
    assert gateway.stored() == before


def test_the_emoji_flood_at_the_limit_is_answered_and_one_past_it_is_refused(
    gateway: Gateway,
) -> None:
    limit = 2000
    before = gateway.rasa.conversation_calls()
    at_limit = gateway.send("POST", CHAT, json={"session_id": "emoji", "text": EMOJI * limit})
    assert at_limit.status_code == 200, at_limit.text[:300]
    assert gateway.rasa.conversation_calls() == before + 1
    past = gateway.send("POST", CHAT, json={"session_id": "emoji", "text": EMOJI * (limit + 1)})
    assert past.status_code == 422
    assert gateway.rasa.conversation_calls() == before + 1


def test_healthz_and_unknown_paths_answer_without_a_server_error(gateway: Gateway) -> None:
    assert gateway.send("GET", "/healthz").status_code == 200
    for method, path in [
        ("GET", "/healthz?" + "x=" + "%00" * 10_000),
        ("GET", CHAT),
        ("DELETE", SEARCH),
        ("GET", "/api/v1/" + "a/" * 2000),
        ("GET", "/%ff%fe"),
        ("GET", "/static/..%2f..%2fpyproject.toml"),
        ("GET", "/world/assets/..%2f..%2fbridge.py"),
    ]:
        response = gateway.send(method, path)
        assert response.status_code < 500, (method, path[:80], response.status_code)
        assert "[project]" not in response.text and "class WorldBridge" not in response.text


# What fuzzing found: each was answered (a 503, or a tax computed on nonsense) instead of a 422.
FOUND: list[tuple[str, str, bytes, str]] = [
    ("NaN in chat metadata was a 503", CHAT, _raw_with(CHAT, "metadata", '{"x": NaN}'), "metadata"),
    (
        "Infinity in chat metadata",
        CHAT,
        _raw_with(CHAT, "metadata", '{"x": [-Infinity]}'),
        "metadata",
    ),
    (
        "price 10^30 was taxed",
        ACQUISITION,
        _raw_with(ACQUISITION, "price", "1" + "0" * 30),
        "price",
    ),
    (
        "published price 10^30",
        PROPERTY,
        _raw_with(PROPERTY, "published_price", "1" + "0" * 30),
        "published_price",
    ),
    ("price true was 1 won", ACQUISITION, _raw_with(ACQUISITION, "price", "true"), "price"),
    (
        "published price true",
        PROPERTY,
        _raw_with(PROPERTY, "published_price", "true"),
        "published_price",
    ),
    (
        "houses true was 1 house",
        ACQUISITION,
        _raw_with(ACQUISITION, "houses_after_acquisition", "true"),
        "houses_after_acquisition",
    ),
    (
        "displacement true was 1 cc",
        VEHICLE,
        _raw_with(VEHICLE, "displacement_cc", "true"),
        "displacement_cc",
    ),
    ("business use 1 was yes", VEHICLE, _raw_with(VEHICLE, "business_use", "1"), "business_use"),
    ('one house "no" was no', PROPERTY, _raw_with(PROPERTY, "one_house", '"no"'), "one_house"),
]


@pytest.mark.parametrize(
    ("route", "body", "field"), [c[1:] for c in FOUND], ids=[c[0] for c in FOUND]
)
def test_what_fuzzing_found_is_refused_naming_the_field(
    gateway: Gateway, route: str, body: bytes, field: str
) -> None:
    before = gateway.stored()
    response = gateway.send(
        "POST", route, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text[:300]
    assert field in [error["field"] for error in response.json()["errors"]]
    assert gateway.stored() == before
