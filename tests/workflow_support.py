"""Helpers for closure-workflow tests: a wired ``Workflow`` and requests in any state."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Engine, select

from lastgate.closure.adapters.tables import outbox
from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.closure.model.lifecycle import ClosureReason, ClosureRequest, ClosureState
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory

AGENT_A = Principal("agent-ada", Role.AGENT)
AGENT_B = Principal("agent-bo", Role.AGENT)
OFFICER_A = Principal("compliance-cy", Role.COMPLIANCE)
OFFICER_B = Principal("compliance-di", Role.COMPLIANCE)


def customer(uid: str = "U1000") -> Principal:
    return Principal(uid, Role.CUSTOMER)


def settings() -> Settings:
    return Settings(webhook_url="http://127.0.0.1:9/hooks", public_base_url="https://close.example")


def workflow(engine: Engine, clock: Any, config: Settings | None = None) -> Workflow:
    config = config or settings()
    return Workflow(
        unit_of_work=lambda: SqlUnitOfWork(engine, clock, config),
        accounts=LedgerStateReader(engine),
        policies=PolicyDirectory.load(),
        clock=clock,
        public_base_url=config.public_base_url,
    )


def request_in(
    wf: Workflow, state: ClosureState, uid: str = "U1000", **fields: Any
) -> ClosureRequest:
    """Store a request already in ``state`` (as if the earlier steps had happened)."""
    now = wf.clock()
    request = ClosureRequest(
        id=str(uuid.uuid4()),
        uid=uid,
        state=state,
        reason=ClosureReason.FEES,
        reason_text="",
        created_at=now,
        updated_at=now,
        **fields,
    )
    with wf.unit_of_work() as uow:
        uow.closures.add(request)
    return request


def customer_status(engine: Engine, uid: str = "U1000") -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(ledger.customers.c.status).where(ledger.customers.c.uid == uid)
            ).scalar_one()
        )


def outbox_rows(engine: Engine, topic: str | None = None) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        query = select(outbox).order_by(outbox.c.created_at)
        if topic:
            query = query.where(outbox.c.topic == topic)
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["payload"] = json.loads(row["payload"])
    return rows


def stored(wf: Workflow, request: ClosureRequest) -> ClosureRequest:
    with wf.unit_of_work() as uow:
        return uow.closures.get(request.id)
