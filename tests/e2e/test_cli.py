"""The operator's CLI, run as a real process against a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import account, snapshot

LASTGATE = [sys.executable, "-m", "lastgate.app.cli"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def run(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [*LASTGATE, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def write(tmp_path: Path, doc: object, name: str = "snap.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_import_then_check_a_clean_account_exits_zero(env, tmp_path) -> None:
    assert run(env, "ledger", "import", write(tmp_path, snapshot(account("U1")))).returncode == 0
    result = run(env, "check", "U1")
    assert result.returncode == 0, result.stderr
    assert "outcome: pass" in result.stdout


def test_a_blocked_account_exits_one_and_lists_the_fix(env, tmp_path) -> None:
    doc = snapshot(
        account("U1", balances=[{"account_type": "funding", "asset": "BTC", "available": "0.5"}])
    )
    run(env, "ledger", "import", write(tmp_path, doc))
    result = run(env, "check", "U1")
    assert result.returncode == 1
    assert "ASSETS_REMAINING" in result.stdout and "fix (user)" in result.stdout


def test_check_json_in_chinese(env, tmp_path) -> None:
    doc = snapshot(account("U1", kyc={"status": "pending"}))
    run(env, "ledger", "import", write(tmp_path, doc))
    result = run(env, "check", "U1", "--json", "--lang", "zh")
    body = json.loads(result.stdout)
    assert body["outcome"] == "block"
    kyc = next(c for c in body["checks"] if c["code"] == "KYC_INCOMPLETE")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in kyc["message"])


def test_customer_view_hides_an_investigation(env, tmp_path) -> None:
    doc = snapshot(
        account(
            "U1",
            holds=[
                {
                    "id": "h1",
                    "kind": "aml_investigation",
                    "reason": "SAR-77",
                    "placed_by": "cy",
                    "placed_at": "2026-11-01T00:00:00+00:00",
                }
            ],
        )
    )
    run(env, "ledger", "import", write(tmp_path, doc))
    result = run(env, "check", "U1", "--json", "--customer-view")
    assert result.returncode == 1
    assert "COMPLIANCE_REVIEW" not in result.stdout and "SAR-77" not in result.stdout
    assert "SUPPORT_REQUIRED" in result.stdout


def test_a_bad_snapshot_is_refused_whole_with_each_path(env, tmp_path) -> None:
    good = account("GOOD")
    bad = account("BAD", balances=[{"account_type": "spot", "asset": "BTC", "available": 1}])
    result = run(env, "ledger", "import", write(tmp_path, snapshot(good, bad)))
    assert result.returncode == 2
    assert "INVALID_SNAPSHOT" in result.stderr
    assert "accounts[1].balances[0].account_type" in result.stderr
    assert "accounts[1].balances[0].available" in result.stderr
    assert "ACCOUNT_NOT_FOUND" in run(env, "check", "GOOD").stderr


def test_unknown_uid_and_unreadable_file_are_clear_errors(env, tmp_path) -> None:
    run(env, "db", "upgrade")
    missing = run(env, "check", "NOBODY")
    assert missing.returncode == 2 and "ACCOUNT_NOT_FOUND" in missing.stderr
    unreadable = run(env, "ledger", "import", str(tmp_path / "nope.json"))
    assert unreadable.returncode == 2 and "cannot read" in unreadable.stderr


def test_export_writes_a_file_that_imports_back(env, tmp_path) -> None:
    doc = snapshot(
        account(
            "U1",
            balances=[
                {"account_type": "earn", "asset": "ETH", "available": "1.000000000000000001"}
            ],
        )
    )
    run(env, "ledger", "import", write(tmp_path, doc))
    out = tmp_path / "out.json"
    assert run(env, "ledger", "export", "U1", "-o", str(out)).returncode == 0
    exported = json.loads(out.read_text())
    assert exported["accounts"][0]["balances"][0]["available"] == "1.000000000000000001"
    other = {**env, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
    assert run(other, "ledger", "import", str(out)).returncode == 0
    assert run(other, "check", "U1").returncode == 1


def test_policy_check_lists_the_shipped_jurisdictions(env) -> None:
    result = run(env, "policy", "check")
    assert result.returncode == 0
    assert {"DEFAULT", "EU", "US"} <= {line.split()[0] for line in result.stdout.splitlines()}


def test_demo_builds_its_database_and_prints_how_to_try_it(env, tmp_path) -> None:
    database = tmp_path / "demo.db"
    result = run(env, "demo", "--no-serve", "--database", str(database))
    assert result.returncode == 0, result.stderr
    assert "DEMO-COMPLIANCE-REVIEW" in result.stdout and "Bearer ey" in result.stdout
    demo_env = {**env, "LASTGATE_DATABASE_URL": f"sqlite:///{database}"}
    blocked = run(demo_env, "check", "DEMO-STUCK")
    assert blocked.returncode == 1
    assert {"DUST_REMAINING", "DEPOSIT_PENDING", "SECURITY_COOLDOWN"} <= set(blocked.stdout.split())
