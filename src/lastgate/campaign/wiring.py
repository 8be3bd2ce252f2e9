"""The campaign use cases built from settings, over the closure workflow."""

from __future__ import annotations

from sqlalchemy import Engine

from lastgate.campaign.adapters.sweep import LedgerSweep
from lastgate.campaign.service.campaigns import Campaigns
from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.closure.service.workflow import Workflow
from lastgate.closure.wiring import build_workflow
from lastgate.kernel.clock import Clock, system_clock
from lastgate.kernel.settings import Settings


def build_campaigns(settings: Settings, engine: Engine, clock: Clock = system_clock) -> Campaigns:
    return campaigns_over(build_workflow(settings, engine, clock), settings, engine, clock)


def campaigns_over(
    workflow: Workflow, settings: Settings, engine: Engine, clock: Clock = system_clock
) -> Campaigns:
    """The campaigns over a workflow already built (its policies read once)."""
    return Campaigns(
        workflow=workflow,
        sweep=LedgerSweep(engine, workflow.policies),
        units=lambda: SqlUnitOfWork(engine, clock, settings),
    )
