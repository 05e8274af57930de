"""Argos Translate packages (.argosmodel zip files) installed under the data folder.

We install and list packages ourselves instead of through argostranslate.package, whose
settings are read from the environment once at import and point into the user's home: here a
package lives in `$HAECHI_DATA_DIR/translation/packages/translate-FROM_TO/`, is checked before
it is unpacked (one top folder, no path outside it, a CTranslate2 model, a tokenizer and its
own sentence model), and replaces an older package of the same pair in one rename.

A package must carry its sentence-boundary model (minisbd/*.onnx or stanza/): without one,
argostranslate's MiniSBD would try to download a model, and these machines have no network.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_CODE = re.compile(r"^[a-z]{2,3}$")
_MAX_UNPACKED_BYTES = 2 * 1024**3


class PackageError(ValueError):
    """A package file that cannot be installed, or a package that is not there; says why."""


@dataclass(frozen=True)
class InstalledPackage:
    from_code: str
    to_code: str
    version: str
    path: Path

    @property
    def pair(self) -> str:
        return f"{self.from_code}_{self.to_code}"


def packages_dir(data_dir: Path) -> Path:
    return data_dir / "translation" / "packages"


def _read_metadata(raw: bytes) -> dict[str, str]:
    try:
        metadata = json.loads(raw)
    except ValueError as error:
        raise PackageError("metadata.json is not JSON") from error
    if not isinstance(metadata, dict):
        raise PackageError("metadata.json is not an object")
    for key in ("from_code", "to_code"):
        code = metadata.get(key)
        if not isinstance(code, str) or not _CODE.match(code):
            raise PackageError(f"metadata.json: {key} is not a language code")
    if metadata.get("type", "translate") != "translate":
        raise PackageError("only translation packages can be installed")
    return {
        "from_code": metadata["from_code"],
        "to_code": metadata["to_code"],
        "version": str(metadata.get("package_version", "")),
    }


def _check_members(archive: zipfile.ZipFile) -> tuple[str, dict[str, str]]:
    """The package's top folder and metadata, or PackageError naming what is wrong."""
    names = archive.namelist()
    if not names:
        raise PackageError("the package file is empty")
    tops = set()
    total = 0
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in info.filename:
            raise PackageError(f"unsafe path in package: {info.filename!r}")
        tops.add(path.parts[0])
        total += info.file_size
    if len(tops) != 1:
        raise PackageError("a package holds exactly one top folder")
    if total > _MAX_UNPACKED_BYTES:
        raise PackageError("the package is too large")
    top = tops.pop()
    present = {PurePosixPath(name).relative_to(top).as_posix() for name in names}
    if "metadata.json" not in present:
        raise PackageError("metadata.json is missing")
    if "model/model.bin" not in present:
        raise PackageError("model/model.bin (a CTranslate2 model) is missing")
    if not {"sentencepiece.model", "bpe.model"} & present:
        raise PackageError("a tokenizer (sentencepiece.model or bpe.model) is missing")
    has_sentences = any(
        (name.startswith("minisbd/") and name.endswith(".onnx")) or name.startswith("stanza/")
        for name in present
    )
    if not has_sentences:
        raise PackageError(
            "the package has no sentence model (minisbd/*.onnx or stanza/); "
            "without one it would try to download a model"
        )
    return top, _read_metadata(archive.read(f"{top}/metadata.json"))


def install(archive_path: Path, data_dir: Path) -> InstalledPackage:
    """Unpack a checked package, replacing an installed one for the same pair."""
    if not archive_path.is_file():
        raise PackageError(f"no package file at {archive_path}")
    try:
        archive = zipfile.ZipFile(archive_path)
    except zipfile.BadZipFile as error:
        raise PackageError("the package file is not a zip archive") from error
    target_root = packages_dir(data_dir)
    target_root.mkdir(parents=True, exist_ok=True)
    with archive:
        top, metadata = _check_members(archive)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=target_root))
        try:
            archive.extractall(staging)
            name = f"translate-{metadata['from_code']}_{metadata['to_code']}"
            target = target_root / name
            old = target_root / f".old-{name}"
            if target.exists():
                target.rename(old)
            (staging / top).rename(target)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return InstalledPackage(
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        version=metadata["version"],
        path=target,
    )


def installed_packages(data_dir: Path) -> list[InstalledPackage]:
    root = packages_dir(data_dir)
    if not root.is_dir():
        return []
    found: list[InstalledPackage] = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / "metadata.json").is_file():
            continue
        try:
            metadata = _read_metadata((folder / "metadata.json").read_bytes())
        except PackageError:
            continue
        found.append(
            InstalledPackage(
                from_code=metadata["from_code"],
                to_code=metadata["to_code"],
                version=metadata["version"],
                path=folder,
            )
        )
    return found


def remove(pair: str, data_dir: Path) -> InstalledPackage:
    """Remove the package for a pair such as "ja_en"."""
    for package in installed_packages(data_dir):
        if package.pair == pair:
            shutil.rmtree(package.path)
            return package
    raise PackageError(f"no installed package for {pair!r}")
