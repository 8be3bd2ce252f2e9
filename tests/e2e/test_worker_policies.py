"""A worker reads the policy files once, when it starts (as the API does): a bad file
stops it there, saying which file and why, instead of failing every pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lastgate.platform.policy_files import SHIPPED_POLICIES

LASTGATE = [sys.executable, "-m", "lastgate.app.cli"]


def _env(engine: Engine, policies: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LASTGATE_")}
    env["LASTGATE_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    env["LASTGATE_POLICY_DIR"] = str(policies)
    env["LASTGATE_WORKER_POLL_SECONDS"] = "0.1"
    env["LASTGATE_DEVELOPMENT"] = "1"  # the development secrets are not the point here
    return env


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    shutil.copytree(SHIPPED_POLICIES, folder)
    return folder


@pytest.mark.parametrize("command", [["worker"], ["worker", "--once"]])
def test_a_bad_policy_file_stops_the_worker_at_start(
    engine: Engine, policies: Path, command: list[str]
) -> None:
    broken = policies / "eu.toml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\ncooling_off_days = \n")

    result = subprocess.run(
        [*LASTGATE, *command],
        env=_env(engine, policies),
        capture_output=True,
        text=True,
        timeout=60,  # a worker that failed every pass instead would never stop
    )

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error INVALID_POLICY: {broken}: not valid TOML")
    assert "Traceback" not in result.stderr


def test_the_worker_runs_with_good_policy_files(engine: Engine, policies: Path) -> None:
    result = subprocess.run(
        [*LASTGATE, "worker", "--once"],
        env=_env(engine, policies),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert '"claimed": 0' in result.stdout
