"""The command line leaves without the interpreter's teardown (``run_and_leave``): what a
command wrote, its exit status, the exit handlers registered after it started and the
database it opened must all come through as if Python had shut down normally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "docs" / "examples" / "snapshot.json"
UID = "U20481"  # blocked in the example snapshot


def _lastgate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # ``python -m lastgate.app.cli`` runs ``main``, as the installed ``lastgate`` does.
    return subprocess.run(
        [sys.executable, "-m", "lastgate.app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    assert _lastgate(values, "ledger", "import", str(SNAPSHOT)).returncode == 0
    return values


def test_each_command_leaves_with_its_own_status_and_everything_it_wrote(env) -> None:
    blocked = _lastgate(env, "check", UID, "--json")
    assert blocked.returncode == 1
    assert json.loads(blocked.stdout)["uid"] == UID  # the whole document, not a cut
    unknown = _lastgate(env, "check", "U-NOBODY")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error ACCOUNT_NOT_FOUND")
    fine = _lastgate(env, "policy", "check")
    assert (fine.returncode, fine.stderr) == (0, "")
    assert fine.stdout.splitlines()  # every jurisdiction's line
    assert _lastgate(env, "--no-such-option").returncode == 2


def test_the_database_is_closed_before_the_process_leaves(env, tmp_path: Path) -> None:
    # SQLite removes the write-ahead log when its last connection closes; left open (the
    # engine not disposed), the file would stay behind.
    assert _lastgate(env, "check", UID).returncode == 1
    assert not (tmp_path / "cli.db-wal").exists()


_PROGRAM = """
import atexit, sys
from lastgate.platform.cli_support import run_and_leave

def command():
    atexit.register(lambda: print("handler ran", flush=False))
    print("done", end="")
    {ending}

run_and_leave(command)
"""


@pytest.mark.parametrize(
    ("ending", "status"),
    [("sys.exit(3)", 3), ("sys.exit(None)", 0), ("return None", 0), ("raise RuntimeError", 1)],
)
def test_handlers_registered_later_run_and_the_status_is_kept(ending, status) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM.format(ending=ending)], capture_output=True, text=True
    )
    assert done.returncode == status
    assert done.stdout == "donehandler ran\n"
    assert ("RuntimeError" in done.stderr) is (status == 1)
