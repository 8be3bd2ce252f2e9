"""The closure workflow built from settings: one place for the API, the CLI and the worker."""

from __future__ import annotations

from sqlalchemy import Engine

from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.clock import Clock, system_clock
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory


def build_workflow(settings: Settings, engine: Engine, clock: Clock = system_clock) -> Workflow:
    return Workflow(
        unit_of_work=lambda: SqlUnitOfWork(engine, clock, settings),
        accounts=LedgerStateReader(engine),
        policies=PolicyDirectory.load(settings.policy_dir),
        clock=clock,
        public_base_url=settings.public_base_url.rstrip("/"),
    )
