"""The Rasa project checked with Rasa's own tools: data validation, held-out NLU, test stories.

Rasa runs in its own Python 3.10 environment, so these tests call its CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
MIN_MACRO_F1 = 0.90


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    return subprocess.run(
        [str(RASA), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def model() -> Path:
    models = sorted((REPO / "models").glob("haechi-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    assert models, "no trained model in models/: run `make train` (make test does)"
    return models[-1]


def _examples(path: Path) -> set[str]:
    found: set[str] = set()
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        if "intent" in block:
            for example in block["examples"].splitlines():
                found.add(example.removeprefix("- ").strip())
    found.discard("")
    return found


def test_training_data_validates_without_warnings() -> None:
    result = rasa(
        "data",
        "validate",
        "--domain",
        "nlu/domain",
        "--data",
        "nlu/data",
        "--config",
        "nlu/config.yml",
        "--fail-on-warnings",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_held_out_examples_are_not_in_training() -> None:
    training: set[str] = set()
    for path in (REPO / "nlu" / "data" / "nlu").glob("*.yml"):
        training |= _examples(path)
    held_out = _examples(REPO / "nlu" / "tests" / "nlu_test.yml")
    assert held_out, "the held-out split is empty"
    assert not held_out & training


def test_nlu_macro_f1_on_the_held_out_split(model: Path, tmp_path: Path) -> None:
    result = rasa(
        "test",
        "nlu",
        "--nlu",
        "nlu/tests/nlu_test.yml",
        "--model",
        str(model),
        "--out",
        str(tmp_path),
        "--no-plot",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    report = json.loads((tmp_path / "intent_report.json").read_text(encoding="utf-8"))
    print(f"\n{'intent':<24}{'precision':>10}{'recall':>10}{'f1':>8}{'support':>9}")
    for intent, scores in sorted(report.items()):
        if (
            isinstance(scores, dict)
            and "support" in scores
            and intent
            not in (
                "macro avg",
                "weighted avg",
                "micro avg",
            )
        ):
            print(
                f"{intent:<24}{scores['precision']:>10.3f}{scores['recall']:>10.3f}"
                f"{scores['f1-score']:>8.3f}{scores['support']:>9}"
            )
    macro = report["macro avg"]["f1-score"]
    print(f"{'macro avg':<24}{'':>10}{'':>10}{macro:>8.3f}")
    assert macro >= MIN_MACRO_F1, f"macro F1 {macro:.3f} is under {MIN_MACRO_F1}"


def test_conversation_stories_predict_every_action(model: Path, tmp_path: Path) -> None:
    result = rasa(
        "test",
        "core",
        "--stories",
        "nlu/tests/test_stories.yml",
        "--model",
        str(model),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
