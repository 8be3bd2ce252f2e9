"""The closure use cases over in-memory fakes of their ports: no database, milliseconds.

tests/integration/test_closure_workflow.py checks the same rules on SQLite and
PostgreSQL; these check the services alone, and that a use case which fails changes
nothing (the fake unit of work commits only on a clean exit, as the real one does).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from lastgate.closure.model.lifecycle import ClosureReason, ClosureRequest, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.closure.service.step_up import upload_evidence
from lastgate.closure.service.steps import Workflow
from lastgate.kernel.errors import (
    ClosureAlreadyOpen,
    Forbidden,
    IllegalTransition,
    NotEligible,
    VerificationFailed,
)
from lastgate.ledger import model as a
from tests.conftest import MovableClock
from tests.fakes import FakeStore, FakeUnitOfWork, account_state, fake_workflow
from tests.workflow_support import AGENT_A, AGENT_B, OFFICER_A, OFFICER_B, customer

UID = "U1000"
STRANGER = customer("U-OTHER")
BTC = a.Balance(a.AccountType.FUNDING, "BTC", Decimal("1"), Decimal("0"))
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(account_state(UID))


@pytest.fixture
def wf(store: FakeStore, clock: MovableClock) -> Workflow:
    return fake_workflow(store, clock)


def request_in(wf: Workflow, state: ClosureState, **fields: Any) -> ClosureRequest:
    """Store a request already in ``state``, as if the earlier steps had happened."""
    now = wf.clock()
    request = ClosureRequest(
        str(uuid.uuid4()), UID, state, ClosureReason.FEES, "", now, now, **fields
    )
    with wf.unit_of_work() as uow:
        uow.closures.add(request)
    return request


def in_cooling_off(wf: Workflow) -> ClosureRequest:
    request = request_in(wf, ClosureState.IN_REVIEW)
    closure.approve(wf, AGENT_A, request.id, "checked the withdrawals")
    return closure.approve(wf, AGENT_B, request.id, "agree")


def subject(request: ClosureRequest) -> str:
    return f"closure:{request.id}"


# -- submission ----------------------------------------------------------------------------


def test_an_eligible_account_submits_a_draft_audited_and_announced(
    store: FakeStore, wf: Workflow
) -> None:
    request = closure.submit(wf, customer(), UID, ClosureReason.FEES, "  too expensive ")
    assert request.state is ClosureState.DRAFT and request.reason_text == "too expensive"
    assert not request.needs_review and not request.needs_evidence
    assert store.committed.closures == {request.id: request}
    [entry] = store.committed.audit
    assert (entry.actor, entry.action, entry.subject) == (
        UID,
        "closure.submitted",
        subject(request),
    )
    assert entry.payload == {"reason": "fees", "needs_review": False, "needs_evidence": False}
    [notice] = store.notices("closure_submitted")
    assert (notice.uid, notice.subject_ref, notice.channels) == (UID, subject(request), None)
    assert store.event_topics() == ["closure.draft"]
    assert closure.current(wf, customer(), UID) == request


def test_a_blocked_account_is_refused_and_nothing_is_stored(store: FakeStore, wf: Workflow) -> None:
    store.put_account(account_state(UID, balances=(BTC,)))
    before = store.snapshot()
    with pytest.raises(NotEligible) as refused:
        closure.submit(wf, customer(), UID, ClosureReason.FEES, "")
    assert refused.value.code == "NOT_ELIGIBLE"
    assert [d["reason"] for d in refused.value.details] == ["ASSETS_REMAINING"]
    assert store.committed == before
    assert store.committed.closures == {} and store.committed.notices == []


def test_a_refusal_never_names_an_investigation(
    store: FakeStore, wf: Workflow, clock: MovableClock
) -> None:
    hold = a.Hold("h1", a.HoldKind.AML_INVESTIGATION, "SAR 2026-118", clock())
    store.put_account(account_state(UID, holds=(hold,)))
    with pytest.raises(NotEligible) as refused:
        closure.submit(wf, customer(), UID, ClosureReason.FEES, "")
    assert "COMPLIANCE_REVIEW" not in refused.value.message
    assert [d["reason"] for d in refused.value.details] == ["SUPPORT_REQUIRED"]


def test_a_second_open_request_is_refused(store: FakeStore, wf: Workflow) -> None:
    first = closure.submit(wf, customer(), UID, ClosureReason.FEES, "")
    before = store.snapshot()
    with pytest.raises(ClosureAlreadyOpen) as refused:
        closure.submit(wf, customer(), UID, ClosureReason.PRIVACY, "")
    assert refused.value.code == "CLOSURE_ALREADY_OPEN"
    assert store.committed == before
    assert list(store.committed.closures) == [first.id]
    assert store.rollbacks == 1


def test_a_new_request_may_follow_a_cancelled_one(store: FakeStore, wf: Workflow) -> None:
    first = closure.submit(wf, customer(), UID, ClosureReason.FEES, "")
    closure.cancel(wf, customer(), first.id)
    second = closure.submit(wf, customer(), UID, ClosureReason.FEES, "")
    states = {r.id: r.state for r in store.committed.closures.values()}
    assert states == {first.id: ClosureState.CANCELLED, second.id: ClosureState.DRAFT}


def test_a_customer_cannot_act_on_another_customers_account(store: FakeStore, wf: Workflow) -> None:
    with pytest.raises(Forbidden):
        closure.submit(wf, STRANGER, UID, ClosureReason.FEES, "")
    with pytest.raises(Forbidden):
        closure.submit(wf, AGENT_A, UID, ClosureReason.FEES, "")
    request = closure.submit(wf, customer(), UID, ClosureReason.FEES, "")
    before = store.snapshot()
    for use_case in (closure.get, closure.cancel):
        with pytest.raises(Forbidden):
            use_case(wf, STRANGER, request.id)
    with pytest.raises(Forbidden):
        closure.start_verification(wf, STRANGER, request.id, "email")
    with pytest.raises(Forbidden):
        closure.current(wf, STRANGER, UID)
    assert store.committed == before
    assert store.committed.closures[request.id].state is ClosureState.DRAFT


# -- review, cooling-off, cancel -----------------------------------------------------------


def test_two_approvers_start_cooling_off_freeze_and_schedule_notices(
    store: FakeStore, wf: Workflow, clock: MovableClock
) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW, needs_review=True)
    assert closure.approve(wf, AGENT_A, request.id, "ok").state is ClosureState.IN_REVIEW
    with pytest.raises(closure.FourEyesRequired):
        closure.approve(wf, AGENT_A, request.id, "again")
    cooling = closure.approve(wf, AGENT_B, request.id, "agree")
    ends = clock() + timedelta(days=14)
    assert cooling.state is ClosureState.COOLING_OFF and cooling.cooling_off_ends_at == ends
    assert store.committed.closures[request.id] == cooling
    assert store.status(UID) is a.CustomerStatus.FROZEN
    assert [f.cause for f in store.committed.freezes if f.unfrozen_at is None] == ["closure"]
    [started] = store.notices("cooling_off_started")
    assert started.params["cancel_url"] == f"https://close.example/closure/{request.id}/cancel"
    [reminder] = store.notices("cooling_off_reminder")
    assert reminder.deliver_after == ends - timedelta(hours=24)
    assert {"closure.cooling_off", "account.freeze"} <= set(store.event_topics())


def test_cancelling_during_cooling_off_unfreezes_and_voids_the_reminder(
    store: FakeStore, wf: Workflow
) -> None:
    request = in_cooling_off(wf)
    cancelled = closure.cancel(wf, customer(), request.id)
    assert cancelled.state is ClosureState.CANCELLED
    assert store.committed.closures[request.id] == cancelled
    assert store.status(UID) is a.CustomerStatus.ACTIVE
    assert all(f.unfrozen_at is not None for f in store.committed.freezes)
    assert [n.voided for n in store.notices("cooling_off_reminder")] == [True]
    assert [n.voided for n in store.notices("cooling_off_started")] == [False]
    assert len(store.notices("closure_cancelled")) == 1
    assert store.event_topics()[-2:] == ["closure.cancelled", "account.unfreeze"]
    assert store.audit_actions(subject(request))[-1] == "closure.cancel"


def test_a_temporary_freeze_survives_a_cancelled_closure(
    store: FakeStore, wf: Workflow, clock: MovableClock
) -> None:
    request = in_cooling_off(wf)
    with wf.unit_of_work() as uow:
        uow.freezes.add(UID, "customer", at=clock(), unfreeze_after=None)
    closure.cancel(wf, customer(), request.id)
    assert store.status(UID) is a.CustomerStatus.FROZEN
    assert "account.unfreeze" not in store.event_topics()


# -- a use case that fails midway ----------------------------------------------------------


def test_a_use_case_failing_midway_changes_nothing(store: FakeStore, wf: Workflow) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW)
    closure.approve(wf, AGENT_A, request.id, "ok")
    before = store.snapshot()
    # The notice comes after the transition, the freeze and the account action.
    store.failing_topic = "cooling_off_started"
    with pytest.raises(RuntimeError, match="injected"):
        closure.approve(wf, AGENT_B, request.id, "agree")
    assert store.committed == before
    assert store.committed.closures[request.id].state is ClosureState.IN_REVIEW
    assert store.status(UID) is a.CustomerStatus.ACTIVE and store.committed.freezes == []
    store.failing_topic = None
    # The failed approval left no trace: the same second approver may approve again.
    assert closure.approve(wf, AGENT_B, request.id, "agree").state is ClosureState.COOLING_OFF


def test_an_account_blocked_before_the_second_approval_keeps_one_approval(
    store: FakeStore, wf: Workflow
) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW)
    closure.approve(wf, AGENT_A, request.id, "ok")
    store.put_account(account_state(UID, balances=(BTC,)))
    before = store.snapshot()
    with pytest.raises(NotEligible):
        closure.approve(wf, AGENT_B, request.id, "agree")
    assert store.committed == before
    assert [x.actor for x in store.committed.approvals] == [AGENT_A.subject]


# -- step-up verification ------------------------------------------------------------------


def emailed_code(store: FakeStore) -> str:
    notice = store.notices("verification_code")[-1]
    assert notice.channels == ("email",)
    return notice.params["code"]


def test_a_wrong_code_is_counted_and_the_right_one_starts_cooling_off(
    store: FakeStore, wf: Workflow
) -> None:
    request = closure.submit(wf, customer(), UID, ClosureReason.FEES, "")
    verifying = closure.start_verification(wf, customer(), request.id, "email")
    assert verifying.state is ClosureState.VERIFYING
    code = emailed_code(store)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(VerificationFailed):
        closure.verify(wf, customer(), request.id, "email", wrong)
    # The failed try raised, yet it is committed: it counts towards the lockout.
    assert store.committed.attempts[UID].failures == 1
    assert store.committed.closures[request.id].state is ClosureState.VERIFYING
    done = closure.verify(wf, customer(), request.id, "email", code)
    assert done.state is ClosureState.COOLING_OFF and done.factor_verified_at is not None
    assert store.audit_actions(subject(request)) == [
        "closure.submitted",
        "closure.start_verification",
        "verification.code_sent",
        "verification.failed",
        "verification.succeeded",
        "closure.factor_verified",
        "closure.verified",
        "closure.approve",
    ]


def test_a_high_value_account_waits_for_approved_evidence(
    store: FakeStore, wf: Workflow, clock: MovableClock
) -> None:
    withdrawal = a.Transfer(
        "w1",
        a.TransferDirection.WITHDRAWAL,
        "BTC",
        Decimal("2"),
        a.TransferStatus.COMPLETED,
        clock() - timedelta(days=3),
    )
    store.put_account(account_state(UID, transfers=(withdrawal,)))
    request = closure.submit(wf, customer(), UID, ClosureReason.OTHER, "")
    assert request.needs_evidence and request.needs_review
    closure.start_verification(wf, customer(), request.id, "sms")
    code = store.notices("verification_code")[-1].params["code"]
    assert closure.verify(wf, customer(), request.id, "sms", code).state is ClosureState.VERIFYING
    ids = [
        upload_evidence(FakeUnitOfWork(store, clock), customer(), request.id, kind, JPEG)
        for kind in ("document", "selfie")
    ]
    after_one = closure.review_evidence(wf, AGENT_A, request.id, ids[0], approve=True)
    assert after_one.state is ClosureState.VERIFYING
    reviewed = closure.review_evidence(wf, AGENT_A, request.id, ids[1], approve=True)
    assert reviewed.state is ClosureState.IN_REVIEW
    assert "closure.review_required" in store.event_topics()


# -- execution and holds -------------------------------------------------------------------


def test_the_timer_closes_the_account_once_cooling_off_ends(
    store: FakeStore, wf: Workflow, clock: MovableClock
) -> None:
    request = in_cooling_off(wf)
    clock.advance(days=14, seconds=-1)
    assert execute_due(wf).claimed == 0
    clock.advance(seconds=1)
    assert execute_due(wf).closed == [request.id]
    assert store.committed.closures[request.id].state is ClosureState.CLOSED
    assert store.status(UID) is a.CustomerStatus.CLOSED
    assert [r.closure_id for r in store.committed.erasures] == [request.id]
    assert len(store.notices("closure_completed")) == 1
    with pytest.raises(IllegalTransition):
        closure.cancel(wf, customer(), request.id)


def test_a_deposit_during_cooling_off_blocks_and_unfreezes(
    store: FakeStore, wf: Workflow, clock: MovableClock
) -> None:
    request = in_cooling_off(wf)
    frozen = store.committed.accounts[UID]
    store.put_account(account_state(UID, status=frozen.status, balances=(BTC,)))
    clock.advance(days=14)
    assert execute_due(wf).blocked == [request.id]
    assert store.committed.closures[request.id].state is ClosureState.BLOCKED
    assert store.status(UID) is a.CustomerStatus.ACTIVE
    assert store.notices("closure_blocked")[0].params == {"reasons": "ASSETS_REMAINING"}
    assert store.committed.erasures == []


def test_a_hold_parks_the_request_and_two_officers_lift_it(store: FakeStore, wf: Workflow) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW)
    hold_id = closure.place_hold(wf, OFFICER_A, UID, a.HoldKind.JUDICIAL_FREEZE, "court 12/26")
    held = store.committed.closures[request.id]
    assert held.state is ClosureState.ON_HOLD and held.held_from is ClosureState.IN_REVIEW
    with pytest.raises(IllegalTransition):
        closure.approve(wf, AGENT_A, request.id, "ok")
    assert closure.lift_hold(wf, OFFICER_A, hold_id, "order withdrawn") is False
    assert store.committed.closures[request.id].state is ClosureState.ON_HOLD
    assert closure.lift_hold(wf, OFFICER_B, hold_id, "confirmed") is True
    assert store.committed.closures[request.id].state is ClosureState.IN_REVIEW
    with pytest.raises(Forbidden):
        closure.place_hold(wf, AGENT_A, UID, a.HoldKind.JUDICIAL_FREEZE, "x")
