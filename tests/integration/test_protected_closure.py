"""Nothing closes an account under a protective freeze, on both databases: a new request
is refused; the customer's own open request is cancelled when they report a takeover
(whoever is in the account may have made it), its closure freeze released and the
protective one kept; a request that reached its final check after the freeze came (the
freeze raced it) is paused there, not closed, and goes on once compliance lifts it."""

from __future__ import annotations

import pytest

from lastgate.closure.model.freezes import PROTECTIVE_FREEZE
from lastgate.closure.model.lifecycle import ClosureReason, ClosureState
from lastgate.closure.service import protective_freeze as protection
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.errors import AccountProtected
from tests.builders import account, load
from tests.workflow_support import (
    OFFICER_A,
    close_as_customer,
    customer,
    customer_status,
    outbox_rows,
    workflow,
)

UID = "U1000"
ME = customer(UID)


@pytest.fixture
def wf(engine, clock) -> Workflow:
    load(engine, account(UID))
    return workflow(engine, clock)


def _causes(wf: Workflow) -> list[str]:
    with wf.unit_of_work() as uow:
        return sorted(uow.freezes.active_causes(UID))


def test_a_protected_account_cannot_be_asked_to_close(wf, engine) -> None:
    protection.report_takeover(wf, ME, UID)
    with pytest.raises(AccountProtected):
        closure.submit(wf, ME, UID, ClosureReason.FEES, "")
    assert closure.current(wf, ME, UID) is None
    protection.lift_protective_freeze(wf, OFFICER_A, UID, "checked with the customer")
    assert closure.submit(wf, ME, UID, ClosureReason.FEES, "").state is ClosureState.DRAFT


def test_the_customers_open_request_is_cancelled_when_they_report_a_takeover(wf, engine) -> None:
    request = close_as_customer(wf, engine, UID)
    assert request.state is ClosureState.COOLING_OFF and _causes(wf) == ["closure"]
    protection.report_takeover(wf, ME, UID)
    assert closure.get(wf, ME, request.id).state is ClosureState.CANCELLED
    assert _causes(wf) == [PROTECTIVE_FREEZE] and customer_status(engine, UID) == "frozen"
    told = outbox_rows(engine, "closure_cancelled_protected")  # on every verified channel
    assert sorted(r["channel"] for r in told) == ["email", "sms"]
    assert {r["subject_ref"] for r in told} == {f"closure:{request.id}"}


def test_the_final_check_pauses_a_request_the_freeze_raced_and_the_lift_lets_it_go_on(
    wf, engine, clock
) -> None:
    request = close_as_customer(wf, engine, UID)
    with wf.unit_of_work() as uow:  # as a report_takeover racing the claim would leave it
        uow.freezes.add(UID, PROTECTIVE_FREEZE, at=clock(), unfreeze_after=None)
    clock.advance(days=40)
    report = execute_due(wf)
    assert report.closed == [] and request.id in report.skipped
    paused = closure.get(wf, ME, request.id)
    assert (paused.state, paused.held_from) == (ClosureState.ON_HOLD, ClosureState.EXECUTING)
    assert customer_status(engine, UID) == "frozen"  # not closed
    protection.lift_protective_freeze(wf, OFFICER_A, UID, "it was the customer after all")
    assert closure.get(wf, ME, request.id).state is ClosureState.EXECUTING
    assert execute_due(wf).closed == [request.id]
    assert customer_status(engine, UID) == "closed"
