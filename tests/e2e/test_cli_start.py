"""The command line starts without importing what a command does not run: the lazy
groups (campaign, desk, certificate…), the PDF library, and alembic when the schema is
already current. Its time is measured by bench/cli_start.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "docs" / "examples" / "snapshot.json"
HEAVY = ("alembic", "fpdf", "pypdf", "lastgate.campaign", "lastgate.desk", "lastgate.export")

_PROBE = """
import json, sys
from lastgate.app.cli import app
try:
    app(sys.argv[1:], prog_name="lastgate")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(args: list[str], env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    import os

    values = {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    subprocess.run(
        [sys.executable, "-m", "lastgate.app.cli", "ledger", "import", str(SNAPSHOT)],
        env=values,
        check=True,
        capture_output=True,
    )
    return values


def test_help_imports_no_command_group_and_no_database(env) -> None:
    modules = _modules_after(["--help"], env)
    assert "lastgate.app.cli" in modules
    assert not [p for p in (*HEAVY, "lastgate.erasure", "sqlalchemy") if _loaded(modules, p)]


def test_check_on_a_current_schema_does_not_load_alembic_or_the_pdf_library(env) -> None:
    uid = json.loads(SNAPSHOT.read_text())["accounts"][0]["uid"]
    modules = _modules_after(["check", uid], env)
    assert "lastgate.eligibility.service" in modules  # it did check
    assert [p for p in HEAVY if _loaded(modules, p)] == []


def test_a_group_is_loaded_when_one_of_its_commands_is_used(env) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lastgate.app.cli", "campaign", "--help"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert "Forced offboarding campaigns" in done.stdout  # the help from the lazy table
    assert "start" in done.stdout  # and the group's own commands


def test_the_listing_names_every_group_with_its_help(env) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lastgate.app.cli", "--help"],
        env=env,
        capture_output=True,
        text=True,
    )
    for name in ("campaign", "desk", "certificate", "erasure", "retention", "export", "sweep"):
        assert name in done.stdout
    assert "Closure certificates: verify, public key, PDF." in done.stdout
