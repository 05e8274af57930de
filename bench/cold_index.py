"""Cold paths a staff member meets: importing seoul-120 into an empty data folder (every answer
embedded and analysed for the first time, with the progress bar staff see), then one-off
searches from the command line against the saved index.

    .venv/bin/python -m bench.cold_index            # import + 5 searches
    .venv/bin/python -m bench.cold_index --searches 10

Each step is the real CLI in its own process (`python -m knowledge import|search`) on a fresh
temporary data folder, so no cache of an earlier run helps. Prints a table, writes
var/bench/cold_index.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.stack import REPO

SEOUL_120 = REPO.parent / "shared" / "data" / "seoul-120" / "seoul-120-text.csv"
QUERIES = [
    "아빠 육아휴직 장려금",
    "자동차세 납부 기한",
    "대형폐기물 버리는 방법",
    "여권 재발급",
    "주차 위반",
]


def _run(arguments: list[str], data_dir: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the child, and its stdout."""
    env = {**os.environ, "HAECHI_DATA_DIR": str(data_dir)}
    env.pop("HAECHI_DATABASE_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "knowledge", *arguments],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--searches", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        # The curated seed is loaded (and indexed) first, exactly as on a first start.
        seed_wall, seed_cpu, _ = _run(["search", "서울시 120 다산콜센터"], data_dir)
        import_wall, import_cpu, summary = _run(
            [
                "import",
                str(SEOUL_120),
                "--format",
                "csv",
                "--collection",
                "seoul120",
                "--id-column",
                "번호",
                "--answer-column",
                "내용",
                "--title-column",
                "제목",
                "--category-column",
                "분류",
                "--publish",
            ],
            data_dir,
        )
        searches = [
            _run(["search", QUERIES[number % len(QUERIES)], "--k", "5"], data_dir)
            for number in range(args.searches)
        ]
    search_walls = [wall for wall, _, _ in searches]
    load_after = os.getloadavg()
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores; load "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after",
        "first_start_seed_index_seconds": round(seed_wall, 1),
        "seoul_120_import_and_index_seconds": round(import_wall, 1),
        "seoul_120_import_cpu_seconds": round(import_cpu, 1),
        "import_summary": summary.strip().splitlines()[-1] if summary.strip() else "",
        "search_cli_seconds_median": round(statistics.median(search_walls), 2),
        "search_cli_seconds_max": round(max(search_walls), 2),
        "search_cli_cpu_seconds_median": round(statistics.median(c for _, c, _ in searches), 2),
    }
    print(f"machine: {result['machine']}")
    for key, value in result.items():
        if key not in ("measured_at", "machine"):
            print(f"{key:<40}{value!s:>12}")
    out = REPO / "var" / "bench" / "cold_index.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
