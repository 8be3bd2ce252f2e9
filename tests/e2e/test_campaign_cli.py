"""``lastgate campaign`` as real processes against a SQLite file, including a process
killed midway through the notices."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lastgate.closure.adapters.tables import outbox
from lastgate.platform.db.engine import make_engine
from tests.builders import account, snapshot

LASTGATE = [sys.executable, "-m", "lastgate.app.cli"]
#: The CLI runs on the real clock: a deadline comfortably past the 62 days' notice.
DEADLINE = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    environment.pop("LASTGATE_CRASH_AT", None)
    return environment


def run(
    env: dict[str, str], *args: str, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**env, "LASTGATE_CRASH_AT": crash_at} if crash_at else env
    return subprocess.run([*LASTGATE, *args], env=env, capture_output=True, text=True, timeout=120)


def ledger(env: dict[str, str], tmp_path: Path, *accounts: dict[str, Any]) -> None:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snapshot(*accounts)), encoding="utf-8")
    assert run(env, "ledger", "import", str(path)).returncode == 0


def nl(n: int) -> list[dict[str, Any]]:
    return [account(f"N{i}", jurisdiction="NL") for i in range(1, n + 1)]


def plan(env: dict[str, str], *args: str) -> str:
    result = run(env, "campaign", "plan", "--deadline", DEADLINE, "--officer", "cy", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[1]


def announced(env: dict[str, str]) -> Counter[str]:
    engine = make_engine(env["LASTGATE_DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.payload).where(outbox.c.topic == "campaign_announced")
        ).scalars()
        found = Counter(json.loads(p)["uid"] for p in rows)
    engine.dispose()
    return found


def test_plan_prints_the_dry_run(env, tmp_path) -> None:
    ledger(
        env,
        tmp_path,
        *nl(2),
        account(
            "N9",
            jurisdiction="NL",
            balances=[{"account_type": "funding", "asset": "BTC", "available": "0.25"}],
        ),
    )
    result = run(
        env,
        "campaign",
        "plan",
        "--jurisdiction",
        "NL",
        "--deadline",
        DEADLINE,
        "--officer",
        "cy",
        "--name",
        "Leaving NL",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("campaign ") and "Leaving NL" in out.splitlines()[0]
    assert "accounts: 3" in out and "pass now: 2" in out and "blocked: 1" in out
    assert "ASSETS_REMAINING     1" in out and "BTC        0.25" in out


def test_a_list_of_uids_from_a_file(env, tmp_path) -> None:
    ledger(env, tmp_path, *nl(3))
    listing = tmp_path / "uids.txt"
    listing.write_text("# the two to offboard\nN1\n\nN3\n", encoding="utf-8")
    campaign_id = plan(env, "--uids", str(listing))
    status = run(env, "campaign", "status", campaign_id)
    assert "members: 2" in status.stdout and "planned              2" in status.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--jurisdiction", "ZZ", "--deadline", DEADLINE), "UNKNOWN_JURISDICTION"),
        (("--jurisdiction", "NL", "--deadline", "2020-01-01"), "DEADLINE_IN_PAST"),
        (("--jurisdiction", "NL", "--deadline", "tomorrow"), "INVALID_INPUT"),
    ],
)
def test_bad_plans_exit_2_with_a_stable_code(env, tmp_path, args, code) -> None:
    ledger(env, tmp_path, *nl(1))
    result = run(env, "campaign", "plan", "--officer", "cy", *args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error {code}:")


def test_an_empty_uid_file_is_refused(env, tmp_path) -> None:
    ledger(env, tmp_path, *nl(1))
    empty = tmp_path / "none.txt"
    empty.write_text("# nobody\n", encoding="utf-8")
    result = run(
        env, "campaign", "plan", "--uids", str(empty), "--deadline", DEADLINE, "--officer", "cy"
    )
    assert result.returncode == 2 and "EMPTY_CAMPAIGN" in result.stderr


def test_a_start_killed_midway_resumes_without_sending_twice(env, tmp_path) -> None:
    ledger(env, tmp_path, *nl(7))
    campaign_id = plan(env, "--jurisdiction", "NL")
    first = run(env, "campaign", "start", campaign_id, "--officer", "cy")
    assert "a second compliance officer must confirm" in first.stdout
    killed = run(
        env,
        "campaign",
        "start",
        campaign_id,
        "--officer",
        "di",
        "--batch",
        "3",
        crash_at="campaign_batch",
    )
    assert killed.returncode == 70  # died right after its first batch committed
    assert sum(announced(env).values()) == 3 * 2
    again = run(env, "campaign", "start", campaign_id, "--officer", "ed")
    assert again.returncode == 2 and "CAMPAIGN_ALREADY_STARTED" in again.stderr
    resumed = run(env, "campaign", "tick", "--batch", "3")
    assert resumed.returncode == 0, resumed.stderr
    assert "notified=4" in resumed.stdout
    told = announced(env)
    assert set(told) == {f"N{i}" for i in range(1, 8)} and set(told.values()) == {2}
    worker = run(env, "worker", "--once")
    assert json.loads(worker.stdout.splitlines()[-1])["campaign_notified"] == 0


def test_report_and_cancel(env, tmp_path) -> None:
    ledger(env, tmp_path, *nl(2))
    campaign_id = plan(env, "--jurisdiction", "NL")
    run(env, "campaign", "start", campaign_id, "--officer", "cy")
    started = run(env, "campaign", "start", campaign_id, "--officer", "di")
    assert "2 account(s) told" in started.stdout
    csv_path, html_path = tmp_path / "r.csv", tmp_path / "r.html"
    report = run(
        env, "campaign", "report", campaign_id, "--csv", str(csv_path), "--html", str(html_path)
    )
    assert report.returncode == 0, report.stderr
    with csv_path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["uid"], r["status"]) for r in rows] == [("N1", "notified"), ("N2", "notified")]
    page = html_path.read_text(encoding="utf-8")
    assert "<svg" in page and "The funnel over time" in page
    listed = run(env, "campaign", "list")
    assert campaign_id in listed.stdout and "grace" in listed.stdout
    cancelled = run(
        env, "campaign", "cancel", campaign_id, "--reason", "licence granted", "--officer", "cy"
    )
    assert cancelled.returncode == 0, cancelled.stderr
    assert "2 account(s) released" in cancelled.stdout
    assert "released             2" in run(env, "campaign", "status", campaign_id).stdout
