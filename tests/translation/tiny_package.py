"""A tiny real .argosmodel built from nothing, for tests of the whole translation path.

Every part is real and is read by the real code (argostranslate, CTranslate2, SentencePiece,
MiniSBD on onnxruntime); only the weights are random, so the output is nonsense by design:
- a SentencePiece model trained on a few lines of both languages;
- a one-layer Marian transformer written with numpy into Marian's .npz layout and converted by
  CTranslate2's own `ct2-marian-converter` (no torch);
- a MiniSBD sentence-boundary model: an ONNX graph that ends a sentence at . ? ! and 。, with the
  vocabulary and config MiniSBD reads from its metadata, so nothing is downloaded;
- metadata.json, all zipped under one top folder as argostranslate packages are.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

_LINES = [
    "景福宮の入場料はいくらですか。",
    "今日は徳寿宮は開いていますか？",
    "Nソウルタワーへの行き方を教えてください。",
    "How much is the ticket for Gyeongbokgung?",
    "Is Deoksugung open today? It closes on Mondays.",
    "How do I get to N Seoul Tower from Myeongdong Station?",
    "경복궁 입장료는 3,000원입니다. 매주 화요일은 쉽니다.",
    "안녕하세요. 해치입니다. 무엇을 도와드릴까요?",
    "中文可以吗？请用中文回答。",
    "Machine translation. Show original. Hello, how can I help you?",
]
_SENTENCE_ENDS = [".", "?", "!", "。", "？", "！"]
_DIM = 16
_FFN = 32
_HEADS = 2


def _train_sentencepiece(folder: Path) -> list[str]:
    import sentencepiece as spm

    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(_LINES * 4) + "\n", encoding="utf-8")
    prefix = folder / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=120,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=str(prefix) + ".model")
    return [processor.id_to_piece(index) for index in range(processor.get_piece_size())]


def _marian_vocab(pieces: list[str], path: Path) -> int:
    tokens = ["</s>", "<unk>", "<s>"] + [p for p in pieces if p not in ("</s>", "<unk>", "<s>")]
    with path.open("w", encoding="utf-8") as out:
        for index, token in enumerate(tokens):
            out.write(f"{json.dumps(token, ensure_ascii=False)}: {index}\n")
    return len(tokens)


def _marian_weights(vocab_size: int, path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)

    def matrix(*shape: int) -> np.ndarray:
        return rng.normal(0.0, 0.2, size=shape).astype(np.float32)

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.float32)

    def ones(*shape: int) -> np.ndarray:
        return np.ones(shape, dtype=np.float32)

    config = {
        "type": "transformer",
        "enc-depth": 1,
        "dec-depth": 1,
        "transformer-heads": _HEADS,
        "transformer-decoder-autoreg": "self-attention",
        "transformer-no-projection": False,
        "transformer-ffn-activation": "relu",
        "transformer-preprocess": "",
        "transformer-postprocess": "dan",
        "transformer-postprocess-emb": "d",
        "transformer-guided-alignment-layer": "last",
        "dim-emb": _DIM,
    }
    weights: dict[str, np.ndarray] = {
        "Wemb": matrix(vocab_size, _DIM),
        "decoder_ff_logit_out_b": zeros(1, vocab_size),
    }

    def attention(scope: str) -> None:
        for part in ("q", "k", "v", "o"):
            weights[f"{scope}_W{part}"] = matrix(_DIM, _DIM)
            weights[f"{scope}_b{part}"] = zeros(1, _DIM)
        weights[f"{scope}_Wo_ln_scale"] = ones(1, _DIM)
        weights[f"{scope}_Wo_ln_bias"] = zeros(1, _DIM)

    def ffn(scope: str) -> None:
        weights[f"{scope}_W1"] = matrix(_DIM, _FFN)
        weights[f"{scope}_b1"] = zeros(1, _FFN)
        weights[f"{scope}_W2"] = matrix(_FFN, _DIM)
        weights[f"{scope}_b2"] = zeros(1, _DIM)
        weights[f"{scope}_ffn_ln_scale"] = ones(1, _DIM)
        weights[f"{scope}_ffn_ln_bias"] = zeros(1, _DIM)

    # A lean towards </s> (id 0) keeps the nonsense short instead of running to the length cap.
    weights["decoder_ff_logit_out_b"][0, 0] = 3.0
    attention("encoder_l1_self")
    ffn("encoder_l1_ffn")
    attention("decoder_l1_self")
    attention("decoder_l1_context")
    ffn("decoder_l1_ffn")
    # Marian keeps its options as YAML bytes ending in a NUL, under this key.
    text = json.dumps(config).encode() + b"\0"
    weights["special:model.yml"] = np.frombuffer(text, dtype=np.int8)
    np.savez(path, **weights)


def _sentence_model(path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    units = ["<PAD>", "<UNK>"] + sorted({char for line in _LINES for char in line})
    end_ids = [units.index(char) for char in _SENTENCE_ENDS if char in units]
    graph = helper.make_graph(
        nodes=[
            helper.make_node("Unsqueeze", ["units", "axis2"], ["units3"]),
            helper.make_node("Equal", ["units3", "end_ids"], ["is_end_each"]),
            helper.make_node("Cast", ["is_end_each"], ["is_end_float"], to=TensorProto.FLOAT),
            helper.make_node("ReduceMax", ["is_end_float"], ["is_end"], axes=[2], keepdims=1),
            helper.make_node("Mul", ["is_end", "end_weight"], ["scaled"]),
            helper.make_node("Add", ["scaled", "bias"], ["logits"]),
        ],
        name="tiny_sbd",
        inputs=[
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info(
                "features", TensorProto.FLOAT, ["batch", "length", "features"]
            ),
        ],
        outputs=[
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "length", 5])
        ],
        initializer=[
            helper.make_tensor("axis2", TensorProto.INT64, [1], [2]),
            helper.make_tensor("end_ids", TensorProto.INT64, [len(end_ids)], end_ids),
            # Class 0 is "inside a token", 2 "end of a sentence".
            helper.make_tensor("end_weight", TensorProto.FLOAT, [5], [0, 0, 2, 0, 0]),
            helper.make_tensor("bias", TensorProto.FLOAT, [5], [1, 0, 0, 0, 0]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    vocab = {
        "lang": "xx",
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {unit: index for index, unit in enumerate(units)},
        "_id2unit": units,
    }
    config = {"feat_funcs": [], "use_dictionary": False, "max_seqlen": 1000, "batch_size": 1}
    for key, value in (
        ("lang_code", "xx"),
        ("config", json.dumps(config)),
        ("vocab", json.dumps(vocab, ensure_ascii=False)),
        ("lexicon", "null"),
    ):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def build_package(
    folder: Path, *, from_code: str, to_code: str, seed: int = 7, version: str = "0.1"
) -> Path:
    """Build `translate-FROM_TO.argosmodel` in `folder` and return its path."""
    name = f"translate-{from_code}_{to_code}"
    work = folder / f"{name}-build"
    package = work / name
    (package / "minisbd").mkdir(parents=True)
    pieces = _train_sentencepiece(work)
    (work / "sentencepiece.model").rename(package / "sentencepiece.model")
    vocab_path = work / "vocab.yml"
    vocab_size = _marian_vocab(pieces, vocab_path)
    _marian_weights(vocab_size, work / "model.npz", seed)
    converter = Path(sys.executable).parent / "ct2-marian-converter"
    subprocess.run(
        [
            str(converter),
            "--model_path",
            str(work / "model.npz"),
            "--vocab_paths",
            str(vocab_path),
            str(vocab_path),
            "--output_dir",
            str(package / "model"),
        ],
        check=True,
        capture_output=True,
    )
    _sentence_model(package / "minisbd" / "xx.onnx")
    metadata = {
        "package_version": version,
        "argos_version": "1.11",
        "from_code": from_code,
        "from_name": from_code,
        "to_code": to_code,
        "to_name": to_code,
        "type": "translate",
    }
    (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    archive = folder / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted(package.rglob("*")):
            zipped.write(file, file.relative_to(work))
    return archive


def relabel(archive: Path, folder: Path, *, from_code: str, to_code: str) -> Path:
    """The same tiny model as a package for another pair (only metadata.json differs)."""
    name = f"translate-{from_code}_{to_code}"
    target = folder / f"{name}.argosmodel"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            parts = info.filename.split("/", 1)
            renamed = f"{name}/{parts[1]}" if len(parts) > 1 else name
            data = source.read(info.filename)
            if renamed == f"{name}/metadata.json":
                metadata = json.loads(data)
                metadata.update(
                    from_code=from_code, to_code=to_code, from_name=from_code, to_name=to_code
                )
                data = json.dumps(metadata).encode()
            out.writestr(renamed, data)
    return target
