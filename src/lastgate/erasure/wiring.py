"""The erasure use cases over lastgate's database, for the worker, the CLI and tests."""

from __future__ import annotations

from sqlalchemy import Engine

from lastgate.erasure import service
from lastgate.erasure.adapters.runner import SqlErasureRuns
from lastgate.erasure.ports import FaultHook
from lastgate.erasure.service import RunReport
from lastgate.kernel.clock import Clock
from lastgate.kernel.settings import Settings
from lastgate.ledger.ports import PolicyBook


def run_pending(
    engine: Engine,
    clock: Clock,
    settings: Settings,
    policies: PolicyBook,
    *,
    limit: int = 20,
    fault: FaultHook | None = None,
) -> RunReport:
    """``service.run_pending`` over the database's erasure plans."""
    runs = SqlErasureRuns(engine, clock, settings, policies)
    return service.run_pending(runs, limit=limit, fault=fault)
