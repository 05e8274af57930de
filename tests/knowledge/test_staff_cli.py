"""`python -m knowledge staff add|token` as an administrator runs it, in a fresh data dir."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from knowledge.staff_accounts import hash_secret

REPO = Path(__file__).resolve().parents[2]


def _run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HAECHI_")}
    env["HAECHI_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_staff_add_and_token(tmp_path: Path) -> None:
    added = _run(
        tmp_path,
        "staff",
        "add",
        "Kim@Seoul.go.kr",
        "--role",
        "reviewer",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "kim@seoul.go.kr (reviewer)" in added.stdout

    token = _run(tmp_path, "staff", "token", "kim@seoul.go.kr", "--name", "민원 시스템")
    assert token.returncode == 0, token.stderr
    secret = token.stdout.strip()
    assert secret.startswith("hst_") and len(secret) > 40

    with sqlite3.connect(tmp_path / "haechi.db") as db:
        stored_password = db.execute("SELECT password_hash FROM staff_accounts").fetchone()[0]
        stored_token = db.execute("SELECT token_hash FROM staff_api_tokens").fetchone()[0]
        audit = [row[0] for row in db.execute("SELECT action FROM staff_audit_log ORDER BY id")]
    assert stored_password.startswith("$argon2id$")
    assert "a long enough password" not in stored_password
    assert stored_token == hash_secret(secret)
    assert audit == ["account.create", "token.create"]

    short = _run(
        tmp_path,
        "staff",
        "add",
        "lee@seoul.go.kr",
        "--role",
        "editor",
        "--password-stdin",
        stdin="short\n",
    )
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    unknown = _run(tmp_path, "staff", "token", "nobody@seoul.go.kr", "--name", "x")
    assert unknown.returncode == 2 and "no staff account" in unknown.stderr
    bad_role = _run(
        tmp_path, "staff", "add", "lee@seoul.go.kr", "--role", "mayor", "--password-stdin"
    )
    assert bad_role.returncode == 2
