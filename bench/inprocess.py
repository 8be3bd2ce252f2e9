"""In-process latency: ``check_account`` on the reference ledger, no HTTP in between."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from bench.stats import summarise
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.service import check_account
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory


def measure_checks(engine: Engine, uids: Sequence[str], now: Any) -> dict[str, Any]:
    """Time ``check_account`` (read the state, then run every check) once per UID."""
    reader = LedgerStateReader(engine)
    policies = PolicyDirectory.load()
    latencies = []
    started = time.perf_counter()
    for uid in uids:
        t0 = time.perf_counter()
        check_account(uid, accounts=reader, policies=policies, clock=lambda: now)
        latencies.append(time.perf_counter() - t0)
    return summarise(latencies, time.perf_counter() - started)


def measure_split(engine: Engine, uids: Sequence[str], now: Any) -> dict[str, dict[str, Any]]:
    """The same work in two halves: reading the state, and evaluating the checks."""
    reader = LedgerStateReader(engine)
    policies = PolicyDirectory.load()
    since = now - timedelta(days=policies.longest_withdrawal_window_days)
    load_times, eval_times = [], []
    for uid in uids:
        t0 = time.perf_counter()
        state = reader.load(uid, withdrawals_since=since)
        t1 = time.perf_counter()
        evaluate(state, policies.for_jurisdiction(state.jurisdiction), now)
        eval_times.append(time.perf_counter() - t1)
        load_times.append(t1 - t0)
    return {
        "load": summarise(load_times, sum(load_times)),
        "evaluate": summarise(eval_times, sum(eval_times)),
    }
