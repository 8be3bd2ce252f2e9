"""Helpers for closure-workflow tests: a wired ``Workflow`` and requests in any state."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from lastgate.closure.adapters.tables import outbox, second_factors
from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.closure.model.lifecycle import ClosureReason, ClosureRequest, ClosureState
from lastgate.closure.service import step_up
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.closure.service.workflow import Workflow
from lastgate.erasure.wiring import run_pending
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.notices.adapters.sealed import SECRET_TOPICS, open_params
from lastgate.platform.policy_files import PolicyDirectory
from lastgate.platform.secret_box import SecretBox
from tests import upload_samples

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
    """The outbox rows, oldest first, payloads parsed and a one-time code opened from its
    seal as delivery does (under the development master key); scrubbed rows as they are."""
    with engine.connect() as conn:
        query = select(outbox).order_by(outbox.c.created_at)
        if topic:
            query = query.where(outbox.c.topic == topic)
        rows = [dict(r._mapping) for r in conn.execute(query)]
    box = SecretBox.from_settings(settings())
    for row in rows:
        payload = json.loads(row["payload"])
        if row["topic"] in SECRET_TOPICS and "params" in payload:
            payload["params"] = open_params(box, row["id"], row["topic"], payload["params"])
        row["payload"] = payload
    return rows


def stored(wf: Workflow, request: ClosureRequest) -> ClosureRequest:
    with wf.unit_of_work() as uow:
        return uow.closures.get(request.id)


def verification_code(engine: Engine, request: ClosureRequest) -> str:
    """The latest one-time code sent for ``request``, read from the outbox."""
    rows = [
        r
        for r in outbox_rows(engine, "verification_code")
        if r["subject_ref"] == f"closure:{request.id}"
    ]
    return str(rows[-1]["payload"]["params"]["code"])


#: A small real JPEG photo, as the evidence store's parser takes it.
EVIDENCE_JPEG = upload_samples.jpeg()


def close_as_customer(wf: Workflow, engine: Engine, uid: str = "U1000") -> ClosureRequest:
    """The customer's own closure up to cooling-off, as they do it: submit, verify with
    an e-mail code, and (when the account needs them) identity evidence an agent approves
    and two agents' approvals. The customer is the actor of their steps in the audit
    log, as in production."""
    me = customer(uid)
    request = closure.submit(wf, me, uid, ClosureReason.FEES, "moving elsewhere")
    for kind in ("document", "selfie") if request.needs_evidence else ():
        step_up.upload_evidence(wf.unit_of_work(), me, request.id, kind, EVIDENCE_JPEG)
    request = closure.start_verification(wf, me, request.id, "email")
    request = closure.verify(wf, me, request.id, "email", verification_code(engine, request))
    with wf.unit_of_work() as uow:
        evidence = [e.id for e in uow.step_up.list_evidence(request.id)]
    for evidence_id in evidence:
        request = closure.review_evidence(wf, AGENT_A, request.id, evidence_id, approve=True)
    if request.state is ClosureState.IN_REVIEW:
        closure.approve(wf, AGENT_A, request.id, "ok")
        request = closure.approve(wf, AGENT_B, request.id, "ok")
    assert request.state is ClosureState.COOLING_OFF, request.state
    return request


def closed_with_certificate(
    wf: Workflow, engine: Engine, clock: Any, config: Settings, uid: str
) -> None:
    """Take ``uid`` (an account already loaded) through review, cooling-off, closure and
    erasure, so that it is closed with its certificate issued."""
    done = request_in(wf, ClosureState.IN_REVIEW, uid=uid)
    closure.approve(wf, AGENT_A, done.id, "ok")
    closure.approve(wf, AGENT_B, done.id, "ok")
    clock.advance(days=14, seconds=1)
    execute_due(wf)
    with engine.begin() as conn:  # erasure waits until the notices are delivered
        conn.execute(update(outbox).values(delivered_at=clock()))
    assert run_pending(engine, clock, config, wf.policies).finished


#: Longer ago than any shipped policy's security wait (``security_cooldown_days``).
LONG_AGO = timedelta(days=30)


def set_up_long_ago(engine: Engine, uid: str = "U1000", ago: timedelta = LONG_AGO) -> None:
    """``uid``'s authenticator as if set up ``ago`` earlier: an established one, past the
    wait before a new one may confirm a closure (``verification.authenticator_matures``)."""
    with engine.begin() as conn:
        since = conn.execute(
            select(second_factors.c.enrolled_at).where(second_factors.c.uid == uid)
        ).scalar_one()
        conn.execute(
            update(second_factors)
            .where(second_factors.c.uid == uid)
            .values(enrolled_at=since - ago)
        )
