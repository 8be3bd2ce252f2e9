"""The protective freeze on both databases: compliance alone places and lifts it, with a
reason (redacted) in its audit entry; the customer is told, and their authenticator
cannot lift it. An agent can freeze no account."""

from __future__ import annotations

import json

import pyotp
import pytest
from sqlalchemy import select

from lastgate.closure.service import freeze, step_up
from lastgate.closure.service import protective_freeze as protection
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.errors import AlreadyFrozen, Forbidden, InvalidInput, LastgateError
from lastgate.platform.db.audit_tables import audit_log
from tests.builders import account, load
from tests.secret_corpus import mnemonic
from tests.workflow_support import (
    AGENT_A,
    OFFICER_A,
    OFFICER_B,
    customer,
    customer_status,
    outbox_rows,
    set_up_long_ago,
    workflow,
)

UID = "U1000"
ME = customer(UID)


@pytest.fixture
def wf(engine, clock) -> Workflow:
    load(engine, account(UID))
    return workflow(engine, clock)


def audit(engine, action: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.payload).where(audit_log.c.action == action)
        ).all()
    return [(r.actor, r.payload) for r in rows]


def test_compliance_freezes_with_a_reason_the_customer_is_told(wf, engine) -> None:
    protection.protective_freeze(wf, OFFICER_A, UID, "Customer called: phone stolen")
    assert customer_status(engine, UID) == "frozen"
    ((actor, payload),) = audit(engine, "account.protective_freeze")
    assert actor == OFFICER_A.subject
    assert json.loads(payload)["role"] == "compliance"
    assert json.loads(payload)["reason"] == "Customer called: phone stolen"
    assert [r["recipient"] for r in outbox_rows(engine, "account_frozen_protective")]
    events = [r["payload"] for r in outbox_rows(engine) if r["channel"] == "webhook"]
    assert any(e.get("data", e).get("cause") == "protective" for e in events)


def test_a_secret_in_the_reason_is_never_stored(wf, engine) -> None:
    phrase = mnemonic("protective-freeze")
    protection.protective_freeze(wf, OFFICER_A, UID, f"he read me his seed: {phrase}")
    ((_, payload),) = audit(engine, "account.protective_freeze")
    assert phrase not in payload and phrase.split()[3] not in payload
    assert "REDACTED" in payload


@pytest.mark.parametrize("who", [AGENT_A, ME], ids=["agent", "customer"])
def test_only_compliance_may_freeze_protectively(wf, engine, who) -> None:
    with pytest.raises(Forbidden):
        protection.protective_freeze(wf, who, UID, "because")
    assert customer_status(engine, UID) == "active"
    assert audit(engine, "account.protective_freeze") == []


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_reason_is_required_and_bounded(wf, engine, reason) -> None:
    with pytest.raises(InvalidInput):
        protection.protective_freeze(wf, OFFICER_A, UID, reason)
    assert customer_status(engine, UID) == "active"


def test_an_agent_cannot_freeze_an_account_as_the_customer(wf, engine) -> None:
    with pytest.raises(Forbidden):
        freeze.freeze(wf, AGENT_A, UID)
    assert customer_status(engine, UID) == "active"


def test_the_customer_cannot_lift_it_with_their_authenticator(wf, engine, clock) -> None:
    app = pyotp.TOTP(step_up.enroll_totp(wf.unit_of_work(), ME, UID).secret)
    step_up.confirm_totp(wf.unit_of_work(), ME, UID, app.at(clock()))
    set_up_long_ago(engine, UID)  # an established one: a new one lifts no freeze yet
    freeze.freeze(wf, ME, UID)  # their own freeze first, then compliance's on top
    protection.protective_freeze(wf, OFFICER_A, UID, "suspected takeover")
    clock.advance(hours=24)
    freeze.unfreeze(wf, ME, UID, app.at(clock()))  # lifts their own freeze only
    assert customer_status(engine, UID) == "frozen"
    clock.advance(seconds=30)
    with pytest.raises(LastgateError) as again:
        freeze.unfreeze(wf, ME, UID, app.at(clock()))
    assert again.value.code == "NOT_FROZEN"
    assert customer_status(engine, UID) == "frozen"


def test_only_compliance_lifts_it_with_a_note(wf, engine) -> None:
    protection.protective_freeze(wf, OFFICER_A, UID, "suspected takeover")
    with pytest.raises(AlreadyFrozen):
        protection.protective_freeze(wf, OFFICER_B, UID, "again")
    for who in (AGENT_A, ME):
        with pytest.raises(Forbidden):
            protection.lift_protective_freeze(wf, who, UID, "looks fine")
    with pytest.raises(InvalidInput):
        protection.lift_protective_freeze(wf, OFFICER_B, UID, "")
    assert customer_status(engine, UID) == "frozen"
    protection.lift_protective_freeze(wf, OFFICER_B, UID, "customer verified by video call")
    assert customer_status(engine, UID) == "active"
    ((actor, payload),) = audit(engine, "account.protective_freeze_lifted")
    assert actor == OFFICER_B.subject and "video call" in payload
    with pytest.raises(LastgateError) as none_left:
        protection.lift_protective_freeze(wf, OFFICER_B, UID, "again")
    assert none_left.value.code == "NOT_FROZEN"


def test_lifting_it_leaves_another_freeze_in_force(wf, engine) -> None:
    freeze.freeze(wf, ME, UID)
    protection.protective_freeze(wf, OFFICER_A, UID, "suspected takeover")
    protection.lift_protective_freeze(wf, OFFICER_A, UID, "resolved")
    assert customer_status(engine, UID) == "frozen"  # the customer's own freeze remains
