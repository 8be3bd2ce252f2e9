"""``lastgate check`` on a closed account, as a real process: it says closed and exits 1,
in the operator's view and in the customer's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.builders import account, snapshot
from tests.e2e.test_cli import run, write


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "LASTGATE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_check_says_a_closed_account_is_closed_and_exits_one(env, tmp_path) -> None:
    doc = snapshot(account("U1", status="closed"), account("U2"))
    assert run(env, "ledger", "import", write(tmp_path, doc)).returncode == 0

    operator = run(env, "check", "U1")
    assert operator.returncode == 1, operator.stderr
    assert "account: CLOSED" in operator.stdout
    assert run(env, "check", "U2").returncode == 0  # an open neighbour is unchanged

    customer = run(env, "check", "U1", "--customer-view", "--lang", "zh")
    assert customer.returncode == 1
    assert "closed: 您的账户已注销" in customer.stdout
    answer = json.loads(run(env, "check", "U1", "--customer-view", "--json").stdout)
    assert answer["view"] == "closed" and answer["eligible"] is False
    assert answer["certificate"] == "pending" and "checks" not in answer
