"""A worker killed in the middle of executing a closure, or of any step of its erasure:
a restart finishes it, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.erasure.adapters.executor import PLAN
from lastgate.erasure.adapters.runner import FINISH, STEPS
from lastgate.erasure.adapters.tables import erasure_runs, erasure_steps
from lastgate.platform import audit_log
from tests.builders import account, load
from tests.conftest import MovableClock
from tests.workflow_support import (
    AGENT_A,
    AGENT_B,
    customer_status,
    outbox_rows,
    request_in,
    settings,
    stored,
    workflow,
)


def run_worker(engine, mailbox, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LASTGATE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LASTGATE_MAILBOX_DIR": str(mailbox),
    }
    env.pop("LASTGATE_CRASH_AT", None)
    if crash_at:
        env["LASTGATE_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "lastgate.app.cli", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def due_request(engine):
    """A request whose cooling-off ended an hour ago by the real clock the worker reads."""
    clock = MovableClock(datetime.now(UTC) - timedelta(days=14, hours=1))
    load(engine, account())
    # No webhook endpoint, as in the worker's environment: no event waits for delivery
    # (erasure waits for every event still on its way, docs/notifications.md).
    wf = workflow(engine, clock, settings().model_copy(update={"webhook_url": None}))
    request = request_in(wf, ClosureState.IN_REVIEW)
    closure.approve(wf, AGENT_A, request.id, "ok")
    closure.approve(wf, AGENT_B, request.id, "ok")
    return wf, request


@pytest.mark.parametrize("crash_at", ["claimed", "before_commit"])
def test_a_restarted_worker_finishes_a_crashed_closure_once(
    engine, due_request, crash_at, tmp_path
):
    wf, request = due_request
    crashed = run_worker(engine, tmp_path, crash_at)
    assert crashed.returncode == 70, crashed.stderr
    assert stored(wf, request).state is ClosureState.EXECUTING
    assert customer_status(engine) == "frozen"  # not closed: the crash undid the close

    restarted = run_worker(engine, tmp_path)
    assert restarted.returncode == 0, restarted.stderr
    assert json.loads(restarted.stdout.strip().splitlines()[-1])["closed"] == 1
    assert stored(wf, request).state is ClosureState.CLOSED
    assert customer_status(engine) == "closed"

    again = run_worker(engine, tmp_path)
    assert json.loads(again.stdout.strip().splitlines()[-1])["closed"] == 0
    with engine.connect() as conn:
        actions = [e.action for e in audit_log.entries(conn, subject=f"closure:{request.id}")]
    assert actions.count("closure.complete") == 1
    assert actions.count("closure.timer") == 1
    # the customer was told once on each channel, before erasure removed the notices
    told = sorted(p.name.split("-")[1] for p in tmp_path.glob("*closure_completed*"))
    assert told == ["email", "sms"]
    assert outbox_rows(engine, "closure_completed") == []


@pytest.mark.parametrize("step", [name for name, _category, _step in PLAN] + [FINISH])
def test_a_worker_killed_in_any_erasure_step_is_finished_by_the_next_once(
    engine, due_request, step, tmp_path
):
    """The process dies inside an erasure step (its statements run, its record not
    committed): the steps before it stay done, and a restarted worker runs the rest, each
    once, to the certificate."""
    _wf, request = due_request
    first = run_worker(engine, tmp_path)  # closes the account and delivers its notices
    assert first.returncode == 0, first.stderr
    assert not _erasure_steps(engine)  # erasure waited for the notices

    killed = run_worker(engine, tmp_path, step)
    assert killed.returncode == 70, killed.stderr
    names = [name for name, _step in STEPS]
    assert set(_erasure_steps(engine)) == set(names[: names.index(step)])

    restarted = run_worker(engine, tmp_path)
    assert restarted.returncode == 0, restarted.stderr
    assert _erasure_steps(engine) == Counter(names)  # every step once
    with engine.connect() as conn:
        [finished] = conn.execute(select(erasure_runs.c.finished_at)).scalars()
        actions = [e.action for e in audit_log.entries(conn, subject=f"closure:{request.id}")]
    assert finished is not None
    assert actions.count("erasure.finished") == 1
    assert customer_status(engine) == "closed"


def _erasure_steps(engine) -> Counter[str]:
    with engine.connect() as conn:
        return Counter(conn.execute(select(erasure_steps.c.step)).scalars())
