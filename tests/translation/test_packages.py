"""Translation packages: a tiny real .argosmodel installed, loaded and run; bad ones refused."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from knowledge.translation.packages import PackageError, install, installed_packages, remove
from knowledge.translation.translator import TranslationFailed, Translator

REPO = Path(__file__).resolve().parents[2]


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "knowledge", "translation", *args],
        cwd=REPO,
        env={"HAECHI_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_install_list_translate_remove_through_the_real_code_path(
    tiny_packages: dict[str, Path], tmp_path: Path
) -> None:
    installed = cli(tmp_path, "install", str(tiny_packages["ja_en"]))
    assert installed.returncode == 0, installed.stderr
    assert "installed ja_en" in installed.stdout
    assert (tmp_path / "translation" / "packages" / "translate-ja_en" / "minisbd").is_dir()
    listed = cli(tmp_path, "list")
    assert listed.stdout.startswith("ja_en\t0.1\t")

    translator = Translator(tmp_path)
    assert translator.can_translate("ja", "en")
    assert not translator.can_translate("en", "ja")
    # Two sentences: MiniSBD runs the package's own sentence model (nothing is downloaded).
    output = translator.translate(
        "景福宮の入場料はいくらですか。今日は開いていますか？", "ja", "en"
    )
    assert isinstance(output, str) and output.strip()
    with pytest.raises(TranslationFailed):
        translator.translate("hello there", "en", "ja")

    removed = cli(tmp_path, "remove", "ja_en")
    assert removed.returncode == 0 and "removed ja_en" in removed.stdout
    assert not translator.can_translate("ja", "en")  # the running translator notices
    assert cli(tmp_path, "remove", "ja_en").returncode == 2


def test_translation_through_english(tiny_packages: dict[str, Path], tmp_path: Path) -> None:
    install(tiny_packages["ja_en"], tmp_path)
    translator = Translator(tmp_path)
    assert not translator.can_translate("ja", "ko")
    install(tiny_packages["en_ko"], tmp_path)
    assert translator.can_translate("ja", "ko")
    assert translator.translate("今日は開いていますか？", "ja", "ko").strip()
    assert [p.pair for p in installed_packages(tmp_path)] == ["en_ko", "ja_en"]


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _metadata(**fields: str) -> bytes:
    return json.dumps({"from_code": "ja", "to_code": "en", **fields}).encode()


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"../evil/metadata.json": b"{}"}, "unsafe path"),
        ({"a/metadata.json": _metadata(), "b/model/model.bin": b""}, "one top folder"),
        ({"p/model/model.bin": b"", "p/sentencepiece.model": b""}, "metadata.json is missing"),
        (
            {
                "p/metadata.json": _metadata(),
                "p/model/model.bin": b"",
                "p/sentencepiece.model": b"",
            },
            "no sentence model",
        ),
        (
            {
                "p/metadata.json": _metadata(to_code="../x"),
                "p/model/model.bin": b"",
                "p/sentencepiece.model": b"",
                "p/minisbd/x.onnx": b"",
            },
            "to_code is not a language code",
        ),
    ],
)
def test_bad_packages_are_refused_with_the_reason(
    files: dict[str, bytes], reason: str, tmp_path: Path
) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", files)
    with pytest.raises(PackageError, match=reason):
        install(archive, tmp_path / "data")
    assert installed_packages(tmp_path / "data") == []


def test_not_a_zip_and_no_file(tmp_path: Path) -> None:
    (tmp_path / "x.argosmodel").write_text("not a zip")
    with pytest.raises(PackageError, match="not a zip"):
        install(tmp_path / "x.argosmodel", tmp_path)
    result = cli(tmp_path, "install", str(tmp_path / "missing.argosmodel"))
    assert result.returncode == 2 and "no package file" in result.stderr
    with pytest.raises(PackageError):
        remove("xx_yy", tmp_path)
