"""`python -m knowledge` as a user runs it: migrate, import, search --json, in a fresh data dir."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from knowledge.landmarks import bundled_landmarks
from knowledge.seeding import read_seed

REPO = Path(__file__).resolve().parents[2]


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HAECHI_")}
    env["HAECHI_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _write_bikes(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["no", "title", "answer"],
                ["1", "따릉이 정기권", "따릉이 정기권은 따릉이 앱에서 구매합니다."],
                ["2", "빈 줄", ""],
            ]
        )
    return path


BIKES = ["--format", "csv", "--collection", "bikes", "--id-column", "no", "--answer-column"]


def test_migrate_import_and_search_json(tmp_path: Path, seoul_120_csv: Path) -> None:
    data_dir = tmp_path / "data"
    migrated = _run(data_dir, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    with sqlite3.connect(data_dir / "haechi.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"knowledge_entries", "knowledge_revisions", "unanswered_questions"} <= tables

    # --no-seed keeps this base to what the test imports, so the search below indexes one
    # entry instead of embedding the whole curated seed.
    faq = _write_bikes(tmp_path / "bikes.csv")
    imported = _run(
        data_dir, "import", str(faq), *BIKES, "answer", "--title-column", "title", "--publish",
        "--no-seed",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "created 1, updated 0, unchanged 0, skipped 1"
    assert "skipped row 3: empty answer (answer)" in imported.stderr
    # Embedded right away: the one imported entry, and the ten landmarks, whose typed facts
    # every base carries (knowledge/landmarks/).
    assert "search index: 11 published entries" in imported.stderr

    seoul = _run(
        data_dir, "import", str(seoul_120_csv), "--format", "csv", "--collection", "seoul120",
        "--id-column", "번호", "--answer-column", "내용", "--title-column", "제목",
        "--category-column", "분류",
    )  # fmt: skip
    assert seoul.returncode == 0, seoul.stderr
    assert seoul.stdout.strip() == "created 2640, updated 0, unchanged 0, skipped 5"
    assert seoul.stderr.count("empty answer (내용)") == 5

    searched = _run(data_dir, "search", "따릉이 정기권 어디서 사요", "--json", "--k", "5")
    assert searched.returncode == 0, searched.stderr
    result = json.loads(searched.stdout)
    assert set(result) == {"decision", "results"}
    assert result["decision"] in ("answer", "clarify", "handoff")
    assert result["results"], result
    top = result["results"][0]
    assert set(top) == {"id", "external_id", "title", "score", "collection"}
    assert (top["external_id"], top["title"], top["collection"]) == (
        "bikes:1",
        "따릉이 정기권",
        "bikes",
    )
    assert isinstance(top["id"], int) and isinstance(top["score"], float)
    # The seoul-120 records went in as drafts: none of them may be found.
    assert all(hit["collection"] != "seoul120" for hit in result["results"])

    readable = _run(data_dir, "search", "따릉이 정기권", "--collection", "bikes")
    assert readable.returncode == 0, readable.stderr
    assert readable.stdout.splitlines()[0].startswith("decision: ")
    assert "bikes:1" in readable.stdout


def test_import_into_a_fresh_database_loads_the_seed_first(tmp_path: Path) -> None:
    """Otherwise the base is no longer empty and the curated seed would never be loaded."""
    data_dir = tmp_path / "data"
    faq = _write_bikes(tmp_path / "bikes.csv")
    imported = _run(data_dir, "import", str(faq), *BIKES, "answer")
    assert imported.returncode == 0, imported.stderr
    with sqlite3.connect(data_dir / "haechi.db") as connection:
        statuses = dict(
            connection.execute(
                "SELECT collection = 'bikes', count(*) FROM knowledge_entries GROUP BY 1"
            ).fetchall()
        )
        seed_revisions = connection.execute(
            "SELECT count(*) FROM knowledge_revisions WHERE changed_by = 'seed'"
        ).fetchone()
    assert statuses[1] == 1
    seed_ids = {entry["id"] for entry in read_seed()}
    landmark_ids = {landmark.entry_id for landmark in bundled_landmarks()}
    assert seed_revisions[0] == len(seed_ids)
    assert statuses[0] == len(seed_ids | landmark_ids)


def test_a_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text("id,text\n1,hello\n", encoding="utf-8")
    result = _run(
        tmp_path / "data", "import", str(faq), "--format", "csv", "--collection", "x",
        "--id-column", "id", "--answer-column", "answer", "--no-seed",
    )  # fmt: skip
    assert result.returncode == 2
    assert "no column answer (columns: id, text)" in result.stderr
