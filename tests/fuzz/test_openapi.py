"""schemathesis over the gateway's own OpenAPI document, in-process (ASGI, no sockets).

Every operation in the document is fuzzed with data that fits its schema and data that does
not. Each case must be answered within the timeout, never with a 5xx; a refused case (4xx) must
leave nothing behind; data the schema forbids must be refused; a 200 must match its schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)
from sqlalchemy import Engine

from bot.app import create_app
from bot.settings import get_settings
from knowledge.embeddings import get_embedding_settings
from knowledge.knowledge_base import KnowledgeBase
from tests.fuzz.conftest import (
    REQUEST_TIMEOUT_SECONDS,
    StandInRasa,
    entry_count,
    fuzz_environment,
    prepare_small_knowledge_base,
    rasa_client,
    unanswered_count,
)

# Every public route the document must hold; a new route is fuzzed as soon as it is added, and
# one that drops out of the document fails here instead of silently going unfuzzed.
EXPECTED_OPERATIONS = {
    "POST /api/v1/chat",
    "POST /api/v1/chat/sessions",
    "POST /api/v1/nlu/parse",
    "POST /api/v1/knowledge/search",
    "GET /healthz",
    "POST /api/v1/tax/vehicle",
    "POST /api/v1/tax/property",
    "POST /api/v1/tax/acquisition",
    "GET /api/v1/chat/events",
    "GET /api/v1/counsel/queue",
    "POST /api/v1/counsel/{conversation_id}/accept",
    "POST /api/v1/counsel/{conversation_id}/close",
    "POST /api/v1/credentials/verify",
    "GET /api/v1/wallet/credentials",
    "GET /api/v1/wallet/credentials/{credential_id}",
    "POST /api/v1/wallet/presentations",
}


# The app and its document exist at import (schemathesis makes one test per operation at
# collection); nothing starts until the first case, when the fixture below has set the data
# folder. schemathesis then runs the app's lifespan itself and ends it after each test.
STAND_IN_RASA = StandInRasa()
APP = create_app(rasa=rasa_client(STAND_IN_RASA))
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP


@pytest.fixture(scope="module")
def small_base(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config, action_server_url: str
) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("fuzz-openapi")
    with pytest.MonkeyPatch.context() as monkeypatch:
        fuzz_environment(monkeypatch, folder, action_server_url)
        # The app's own lifespan opens this small base and indexes it on the first search.
        engine = prepare_small_knowledge_base(folder, pytestconfig)
        # Built once here and saved in the folder, each lifespan's base loads it.
        KnowledgeBase(engine, data_dir=folder).index()
        yield engine
        get_settings.cache_clear()
        get_embedding_settings.cache_clear()
    engine.dispose()


def test_the_document_lists_every_public_route() -> None:
    operations = {
        f"{operation.method.upper()} {operation.path}"
        for operation in (result.ok() for result in schema.get_all_operations())
    }
    assert EXPECTED_OPERATIONS <= operations


@schema.parametrize()
def test_no_server_error_no_hang_and_no_trace_of_a_refused_request(
    case: Any, small_base: Engine
) -> None:
    engine = small_base
    stand_in_rasa = STAND_IN_RASA
    before = (stand_in_rasa.conversation_calls(), unanswered_count(engine), entry_count(engine))
    response = case.call(timeout=REQUEST_TIMEOUT_SECONDS)
    assert response.status_code < 500, f"{case.method} {case.path}: {response.text[:500]}"
    case.validate_response(
        response,
        checks=[negative_data_rejection, response_schema_conformance, content_type_conformance],
    )
    if 400 <= response.status_code < 500:
        after = (stand_in_rasa.conversation_calls(), unanswered_count(engine), entry_count(engine))
        assert after == before, f"a refused {case.method} {case.path} left a trace"
