"""A Rasa tokenizer that splits Korean into Kiwi morphemes.

Whitespace tokens keep particles attached, so 자동차세를 / 자동차세는 / 자동차세가 would be three
unrelated words to DIET. Each token here is one morpheme with its surface text and its offsets
in the original string, so entity spans ("[초본](document_type)을") line up with tokens; the
lemma is Kiwi's dictionary form, which the count-vector featurizers use.

Runs inside the Rasa environment (Python 3.10): keep it to kiwipiepy and Rasa.
"""

from __future__ import annotations

import threading
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

# Punctuation and emoji carry no meaning for intents or entities here.
_DROPPED_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "W_EMOJI"})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class KiwiTokenizer(Tokenizer):
    """Morpheme tokens from kiwipiepy, with offsets into the original text."""

    _kiwi: Any = None
    _kiwi_lock = threading.Lock()

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
                from kiwipiepy import Kiwi

                # Without the multi-word dictionary: it costs ~190 MB and seconds of lazy loading
                # on the first sentence, and names like N서울타워 or 서울특별시 come out the same.
                cls._kiwi = Kiwi(load_multi_dict=False)
            return cls._kiwi

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text: str | None = message.get(attribute)
        if text is None:
            return []
        tokens = self.morpheme_tokens(text)
        if not tokens:
            tokens = [Token(text, 0, lemma=text)]
        return self._apply_token_pattern(tokens)

    @classmethod
    def morpheme_tokens(cls, text: str) -> list[Token]:
        """Tokens for the morphemes of `text`; contracted morphemes share one token.

        Kiwi restores contractions: 했 is 하 + 었, both pointing at the same character. Rasa
        needs tokens that do not overlap, so morphemes whose spans overlap become one token
        whose text is the surface string and whose lemma joins the forms (하+었).
        """
        groups: list[list[Any]] = []
        for morpheme in cls.kiwi().tokenize(text):
            if str(morpheme.tag) in _DROPPED_TAGS or morpheme.len == 0:
                continue
            if groups and morpheme.start < groups[-1][1]:
                groups[-1][1] = max(groups[-1][1], morpheme.start + morpheme.len)
                groups[-1][2].append(morpheme.form)
            else:
                groups.append([morpheme.start, morpheme.start + morpheme.len, [morpheme.form]])
        return [
            Token(text[start:end], start, end=end, lemma="+".join(forms))
            for start, end, forms in groups
        ]
