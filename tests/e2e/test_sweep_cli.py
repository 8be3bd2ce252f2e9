"""``lastgate sweep run`` as a real process against a SQLite file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.builders import account, snapshot

LASTGATE = [sys.executable, "-m", "lastgate.app.cli"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LASTGATE, *args], env=env, capture_output=True, text=True, timeout=120)


def write(tmp_path: Path, doc: Any) -> str:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_sweep_prints_counts_and_writes_one_csv_row_per_account(
    env: dict[str, str], tmp_path: Path
) -> None:
    accounts = snapshot(
        account("U1"),
        account("U2", kyc={"status": "pending"}),
        account("U3", jurisdiction="US", orders=[], api_keys=[]),
    )
    assert run(env, "ledger", "import", write(tmp_path, accounts)).returncode == 0
    out = tmp_path / "sweep.csv"
    result = run(env, "sweep", "run", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    assert "accounts: 3" in result.stdout and "pass: 2" in result.stdout
    assert "KYC_INCOMPLETE       1" in result.stdout
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["uid", "jurisdiction", "outcome", "codes"],
        ["U1", "EU", "pass", ""],
        ["U2", "EU", "block", "KYC_INCOMPLETE"],
        ["U3", "US", "pass", ""],
    ]


def test_sweep_of_one_jurisdiction(env: dict[str, str], tmp_path: Path) -> None:
    accounts = snapshot(account("U1"), account("U3", jurisdiction="US"))
    assert run(env, "ledger", "import", write(tmp_path, accounts)).returncode == 0
    result = run(env, "sweep", "run", "--jurisdiction", "us")
    assert result.returncode == 0, result.stderr
    assert "accounts: 1" in result.stdout
