"""What fake Rasa servers in the tests check of each message the gateway sends."""

from __future__ import annotations

from typing import Any


def without_morphemes(body: dict[str, Any]) -> dict[str, Any]:
    """The message body with its morphemes taken out of the metadata, after checking they are
    there and describe exactly this message (Rasa's tokenizer would ignore them otherwise)."""
    metadata = body.get("metadata") or {}
    analysis = metadata.pop("morphemes", None)
    assert isinstance(analysis, dict), "the gateway sent a message without its morphemes"
    assert analysis["text"] == body["message"]
    assert isinstance(analysis["tokens"], list)
    return body
