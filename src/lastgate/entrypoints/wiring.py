"""Building the use cases' dependencies from settings: one place for API, CLI and worker."""

from __future__ import annotations

from sqlalchemy import Engine

from lastgate.adapters.ledger.campaign_sweep import LedgerSweep
from lastgate.adapters.ledger.state_reader import LedgerStateReader
from lastgate.adapters.policy_files import PolicyDirectory
from lastgate.adapters.sql_uow import SqlUnitOfWork
from lastgate.clock import Clock, system_clock
from lastgate.services.campaign import Campaigns
from lastgate.services.closure import Workflow
from lastgate.settings import Settings


def build_workflow(settings: Settings, engine: Engine, clock: Clock = system_clock) -> Workflow:
    return Workflow(
        unit_of_work=lambda: SqlUnitOfWork(engine, clock, settings),
        accounts=LedgerStateReader(engine),
        policies=PolicyDirectory.load(settings.policy_dir),
        clock=clock,
        public_base_url=settings.public_base_url.rstrip("/"),
    )


def build_campaigns(settings: Settings, engine: Engine, clock: Clock = system_clock) -> Campaigns:
    workflow = build_workflow(settings, engine, clock)
    return Campaigns(workflow=workflow, sweep=LedgerSweep(engine, workflow.policies))
