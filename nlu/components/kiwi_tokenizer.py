"""A Rasa tokenizer that splits Korean into Kiwi morphemes.

Whitespace tokens keep particles attached, so 자동차세를 / 자동차세는 / 자동차세가 would be three
unrelated words to DIET. Each token here is one morpheme with its surface text and its offsets
in the original string, so entity spans ("[초본](document_type)을") line up with tokens; the
lemma is Kiwi's dictionary form, which the count-vector featurizers use.

The gateway analyses every message once, with the same Kiwi and the same options, and sends
the morphemes in the message's metadata (`knowledge/morphemes.py`, `analysis`); they are used
when they describe exactly this text from exactly this analyser, so a Rasa server fed by the
gateway never loads Kiwi's ~200 MB model. Anything else (training, `rasa test`, the REST API)
is analysed here.

Runs inside the Rasa environment (Python 3.10): keep it to kiwipiepy and Rasa.
"""

from __future__ import annotations

import logging
import threading
from importlib import metadata
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

# Punctuation and emoji carry no meaning for intents or entities here.
_DROPPED_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "W_EMOJI"})

# The same options as knowledge/morphemes.py (a test keeps the two equal): without the
# multi-word (~190 MB), proper-noun (~70 MB) and typo dictionaries; intents, entities and
# search scored the same without them.
KIWI_OPTIONS = {"load_multi_dict": False, "load_default_dict": False, "load_typo_dict": False}


def analyser_id() -> str:
    """Names the analysis: morphemes sent by another process are used only if it matches."""
    options = ",".join(f"{key}={int(value)}" for key, value in sorted(KIWI_OPTIONS.items()))
    versions = f"kiwipiepy {metadata.version('kiwipiepy')}/{metadata.version('kiwipiepy_model')}"
    return f"{versions} {options}"


Morpheme = tuple[str, str, int, int]  # form, tag, start, length


def _sent_morphemes(message: Message, text: str) -> list[Morpheme] | None:
    """The gateway's morphemes of `text`, or None when there are none or they do not fit."""
    sent = (message.get("metadata") or {}).get("morphemes")
    if not isinstance(sent, dict):
        return None
    if sent.get("text") != text:
        logger.debug("morphemes sent for another text: analysed here")
        return None
    if sent.get("analyser") != KiwiTokenizer.analyser:
        logger.info("morphemes sent by another analyser (%s): analysed here", sent.get("analyser"))
        return None
    tokens = sent.get("tokens")
    if not isinstance(tokens, list):
        return None
    morphemes: list[Morpheme] = []
    for token in tokens:
        if not (isinstance(token, list) and len(token) == 4):
            return None
        form, tag, start, length = token
        if not (isinstance(form, str) and isinstance(tag, str)):
            return None
        if not (isinstance(start, int) and isinstance(length, int)):
            return None
        if start < 0 or length < 0 or start + length > len(text):
            return None
        morphemes.append((form, tag, start, length))
    return morphemes


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class KiwiTokenizer(Tokenizer):
    """Morpheme tokens from kiwipiepy, with offsets into the original text."""

    _kiwi: Any = None
    _kiwi_lock = threading.Lock()
    analyser = analyser_id()

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["kiwipiepy"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KiwiTokenizer:
        return cls(config)

    @classmethod
    def kiwi(cls) -> Any:
        """One Kiwi per process, loaded on first use (the model takes about 1.5 s to load)."""
        with cls._kiwi_lock:
            if cls._kiwi is None:
                # Where the gateway analyses every message this never happens while serving;
                # said once, as it costs ~200 MB of memory.
                logger.info("loading Kiwi's model: a message came without usable morphemes")
                from kiwipiepy import Kiwi

                cls._kiwi = Kiwi(**KIWI_OPTIONS)
            return cls._kiwi

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text: str | None = message.get(attribute)
        if text is None:
            return []
        sent = _sent_morphemes(message, text)
        tokens = self.morpheme_tokens(text, sent)
        if not tokens:
            tokens = [Token(text, 0, lemma=text)]
        return self._apply_token_pattern(tokens)

    @classmethod
    def analyse(cls, text: str) -> list[Morpheme]:
        return [(str(m.form), str(m.tag), m.start, m.len) for m in cls.kiwi().tokenize(text)]

    @classmethod
    def morpheme_tokens(cls, text: str, morphemes: list[Morpheme] | None = None) -> list[Token]:
        """Tokens for the morphemes of `text` (analysed here unless given); contracted
        morphemes share one token.

        Kiwi restores contractions: 했 is 하 + 었, both pointing at the same character. Rasa
        needs tokens that do not overlap, so morphemes whose spans overlap become one token
        whose text is the surface string and whose lemma joins the forms (하+었).
        """
        groups: list[list[Any]] = []
        for form, tag, start, length in cls.analyse(text) if morphemes is None else morphemes:
            if tag in _DROPPED_TAGS or length == 0:
                continue
            if groups and start < groups[-1][1]:
                groups[-1][1] = max(groups[-1][1], start + length)
                groups[-1][2].append(form)
            else:
                groups.append([start, start + length, [form]])
        return [
            Token(text[start:end], start, end=end, lemma="+".join(forms))
            for start, end, forms in groups
        ]
