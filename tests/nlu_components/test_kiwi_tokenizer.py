"""The Kiwi tokenizer inside Rasa (run with the Rasa environment's pytest, Python 3.10)."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.kiwi_tokenizer import KiwiTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> KiwiTokenizer:
    return KiwiTokenizer(KiwiTokenizer.get_default_config())


def tokens_of(tokenizer: KiwiTokenizer, text: str) -> list[tuple[str, int, int]]:
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]


def test_particle_is_its_own_token(tokenizer: KiwiTokenizer) -> None:
    tokens = tokens_of(tokenizer, "초본을 발급받고 싶어요")
    assert tokens[0] == ("초본", 0, 2)
    assert tokens[1] == ("을", 2, 3)


def test_same_noun_with_different_particles_has_one_lemma(tokenizer: KiwiTokenizer) -> None:
    lemmas = set()
    for text in ("자동차세를 내요", "자동차세는 언제", "자동차세가 나왔어"):
        first = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)[0]
        assert first.text == "자동차세"
        lemmas.add(first.lemma)
    assert lemmas == {"자동차세"}


def test_offsets_point_into_the_original_text(tokenizer: KiwiTokenizer) -> None:
    text = "자동차세언제내요?  2천cc 차는 얼마 나와요"
    for token_text, start, end in tokens_of(tokenizer, text):
        assert text[start:end] == token_text


def test_contracted_morphemes_become_one_token_without_overlap(tokenizer: KiwiTokenizer) -> None:
    tokens = tokenizer.tokenize(Message(data={TEXT: "했어요 됐어"}), TEXT)
    ends = [t.end for t in tokens]
    starts = [t.start for t in tokens]
    assert all(starts[i + 1] >= ends[i] for i in range(len(tokens) - 1))
    assert tokens[0].text.startswith("했")
    assert "하" in tokens[0].lemma


def test_punctuation_and_emoji_are_dropped(tokenizer: KiwiTokenizer) -> None:
    texts = [t for t, _, _ in tokens_of(tokenizer, "안녕하세요!! 😀 반가워요...")]
    assert "!!" not in texts and "!" not in texts
    assert "😀" not in texts
    assert "안녕" in texts


def test_english_is_split_into_words(tokenizer: KiwiTokenizer) -> None:
    assert [t for t, _, _ in tokens_of(tokenizer, "What can you do?")] == [
        "What",
        "can",
        "you",
        "do",
    ]


def test_amounts_keep_digits_and_units(tokenizer: KiwiTokenizer) -> None:
    texts = [t for t, _, _ in tokens_of(tokenizer, "84.9㎡ 아파트 5억 3천만원")]
    assert "84.9" in texts
    assert "㎡" in texts
    assert "5" in texts


def test_text_of_only_punctuation_keeps_one_token(tokenizer: KiwiTokenizer) -> None:
    assert tokens_of(tokenizer, "?!") == [("?!", 0, 2)]


def test_process_training_data_sets_tokens_for_entities(tokenizer: KiwiTokenizer) -> None:
    message = Message(
        data={
            TEXT: "초본을 발급받고 싶어요",
            "intent": "request_document",
            "entities": [{"start": 0, "end": 2, "value": "초본", "entity": "document_type"}],
        }
    )
    tokenizer.process_training_data(TrainingData([message]))
    tokens = message.get(TOKENS_NAMES[TEXT])
    entity_tokens = [t for t in tokens if t.start >= 0 and t.end <= 2]
    assert [t.text for t in entity_tokens] == ["초본"]


def _sent(text: str, changes: dict[str, object] | None = None) -> dict[str, object]:
    """What the gateway puts in a message's metadata (knowledge/morphemes.py, `analysis`)."""
    payload: dict[str, object] = {
        "analyser": KiwiTokenizer.analyser,
        "text": text,
        "tokens": [list(morpheme) for morpheme in KiwiTokenizer.analyse(text)],
        "spaced": text,
    }
    payload.update(changes or {})
    return payload


def _tokens_with(
    tokenizer: KiwiTokenizer, text: str, sent: object
) -> list[tuple[str, int, int, str | None]]:
    message = Message(data={TEXT: text, "metadata": {"morphemes": sent}})
    return [(t.text, t.start, t.end, t.lemma) for t in tokenizer.tokenize(message, TEXT)]


TEXTS = ["초본을 발급받고 싶어요", "자동차세언제내요?", "I want a deungbon", "했어요 ㅋㅋ 😀"]


@pytest.mark.parametrize("text", TEXTS)
def test_the_gateways_morphemes_are_used_without_kiwi(
    tokenizer: KiwiTokenizer, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = _tokens_with(tokenizer, text, None)
    sent = _sent(text)

    def no_kiwi(cls: type) -> None:
        raise AssertionError("Kiwi was asked although the message came analysed")

    monkeypatch.setattr(KiwiTokenizer, "kiwi", classmethod(no_kiwi))
    assert _tokens_with(tokenizer, text, sent) == own


@pytest.mark.parametrize(
    "changes",
    [
        {"analyser": "kiwipiepy 0.1 other options"},
        {"text": "다른 문장"},
        {"tokens": [["초본", "NNG", 0, 99]]},
        {"tokens": [["초본", "NNG", -1, 2]]},
        {"tokens": [["초본", "NNG", 0]]},
        {"tokens": "초본"},
    ],
)
def test_morphemes_that_do_not_fit_the_text_are_ignored(
    tokenizer: KiwiTokenizer, changes: dict[str, object]
) -> None:
    text = "초본을 발급받고 싶어요"
    assert _tokens_with(tokenizer, text, _sent(text, changes)) == _tokens_with(
        tokenizer, text, None
    )
