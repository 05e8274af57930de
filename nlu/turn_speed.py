"""Three per-turn costs of Rasa 3.6 removed without changing what Rasa checks or decides.

Profiled on a chat loop through the gateway (py-spy on the Rasa server, bench/chat_latency.py):

- 27% of Rasa's CPU went to `jsonschema.validate` in `RemoteAction._validate_action_result`.
  That function validates the *schema itself* against the 2020-12 meta-schema on every call
  before validating the action server's response. Here the validator is built (and the schema
  checked) once; every response is still validated against the same schema, and an invalid
  one still raises the same `ValidationError` with Rasa's message.
- 8% went to `Event.resolve_by_type`, which walks every subclass of `Event` for each event it
  reads back (tracker store, action responses). Here the type names are looked up in a table
  built from the same walk; a name not in it falls back to Rasa's own walk, so an event class
  defined later is still found.

- 6% went to `json.dumps` of the whole conversation that every action call sends the action
  server (aiohttp's default serialiser, escaping every Korean character). Here Rasa's endpoint
  sessions serialise with ujson (already Rasa's and Sanic's dependency), UTF-8 as it is; any
  value ujson refuses (an unknown type, an integer beyond 64 bits) falls back to `json.dumps`, so
  the action server reads the same JSON value either way.

`install()` runs when Rasa loads the gateway channel (nlu/channels/gateway_channel.py), i.e. in
`rasa run`; training and `rasa test` are untouched.
"""

from __future__ import annotations

import threading
from typing import Any

_installed = False
_lock = threading.Lock()


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _install_action_result_validator()
        _install_event_type_table()
        _install_action_call_json()
        _installed = True


def _install_action_result_validator() -> None:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, as jsonschema.validate did on every call
    validator = validator_class(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        if not isinstance(error, ValidationError):  # best_match yields ValidationErrors
            raise error
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = validate_action_result


def _install_event_type_table() -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    rasa_resolve = Event.resolve_by_type
    table: dict[str, type[Event]] = {}
    for event_class in rasa.shared.utils.common.all_subclasses(Event):
        # The first class of a name wins, as in Rasa's own walk.
        table.setdefault(event_class.type_name, event_class)

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        found = table.get(type_name)
        if found is not None:
            return found
        return rasa_resolve(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)


def action_call_json(value: Any) -> str:
    """JSON text of an action call: ujson, or `json.dumps` for what ujson refuses."""
    import json

    import ujson

    try:
        text: str = ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value)
    return text


def _install_action_call_json() -> None:
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    def session(self: EndpointConfig) -> aiohttp.ClientSession:
        # Rasa's EndpointConfig.session, with the serialiser for `json=` bodies.
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            json_serialize=action_call_json,
        )

    EndpointConfig.session = session
