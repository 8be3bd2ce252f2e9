"""Helpers for campaign tests: wired ``Campaigns`` and a ledger leaving a market."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from lastgate.campaign.adapters.sweep import LedgerSweep
from lastgate.campaign.adapters.tables import campaign_members
from lastgate.campaign.service.campaigns import Campaigns
from lastgate.ledger.adapters import tables as ledger
from tests.builders import account, load
from tests.workflow_support import settings, workflow

#: 2026-11-23 + 62 days' notice (the default policy) and a bit: a valid deadline.
DEADLINE = datetime(2027, 1, 25, tzinfo=UTC)


def campaigns(engine: Engine, clock: Any) -> Campaigns:
    wf = workflow(engine, clock, settings())
    return Campaigns(workflow=wf, sweep=LedgerSweep(engine, wf.policies), units=wf.unit_of_work)


def btc(amount: str = "0.5") -> dict[str, list[dict[str, str]]]:
    return {"balances": [{"account_type": "funding", "asset": "BTC", "available": amount}]}


def leaving_market(engine: Engine) -> None:
    """NL: two clean accounts, one holding BTC, one with KYC pending; plus one in EU."""
    load(
        engine,
        account("N1", jurisdiction="NL"),
        account("N2", jurisdiction="NL"),
        account("N3", jurisdiction="NL", **btc()),
        account("N4", jurisdiction="NL", kyc={"status": "pending"}),
        account("E1", jurisdiction="EU"),
    )


def members(engine: Engine, campaign_id: str) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(campaign_members).where(campaign_members.c.campaign_id == campaign_id)
        )
        return {row.uid: dict(row._mapping) for row in rows}


def withdraw_only(engine: Engine, uid: str) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                select(ledger.customers.c.withdraw_only).where(ledger.customers.c.uid == uid)
            ).scalar_one()
        )


def until(deadline: datetime, days: float) -> datetime:
    return deadline - timedelta(days=days)
