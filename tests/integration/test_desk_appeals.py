"""Appeals and recoveries with effect, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastgate.closure.adapters.tables import second_factors
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model.tickets import AttachmentPurpose, TicketCategory, TicketState
from lastgate.desk.service import desk as d
from lastgate.desk.service.appeals import (
    DifferentReviewerRequired,
    EvidenceMissing,
    RecoveryWaiting,
    cancel_recovery,
    complete_recovery,
    decide_closure_appeal,
    decide_risk_lock_appeal,
    review_recovery,
)
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.eligibility.service import check_account
from lastgate.kernel.errors import Forbidden
from tests.builders import account, iso, load
from tests.desk_support import MP4, PNG, make_desk
from tests.workflow_support import (
    AGENT_A,
    AGENT_B,
    OFFICER_A,
    customer,
    outbox_rows,
    request_in,
    stored,
    workflow,
)

ADA = customer("U1000")


def _locked(clock) -> dict:
    return account(
        "U1000",
        holds=[
            {
                "id": "h1",
                "kind": "risk_lock",
                "reason": "abnormal login",
                "placed_by": "risk-engine",
                "placed_at": iso(clock() - timedelta(days=2)),
            }
        ],
    )


def _risk_lock(desk) -> CheckStatus:
    report = check_account(
        "U1000", accounts=desk.accounts, policies=desk.policies, clock=desk.clock
    )
    return report.result(CheckCode.RISK_LOCK).status


def test_an_approved_risk_lock_appeal_lifts_the_lock(engine, clock, tmp_path) -> None:
    load(engine, _locked(clock))
    desk = make_desk(engine, clock, tmp_path)
    assert _risk_lock(desk) is CheckStatus.BLOCK
    ticket, _ = d.open_ticket(desk, ADA, "U1000", TicketCategory.ACCOUNT_LOCKED, "Locked", "me")
    lifted = decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=True, note="verified")
    assert len(lifted) == 1
    assert _risk_lock(desk) is CheckStatus.PASS
    assert d.view(desk, ADA, ticket.id).ticket.state is TicketState.RESOLVED
    assert outbox_rows(engine, "risk_lock_lifted")


def test_only_compliance_decides_a_risk_lock_appeal(engine, clock, tmp_path) -> None:
    load(engine, _locked(clock))
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(desk, ADA, "U1000", TicketCategory.ACCOUNT_LOCKED, "Locked", "me")
    with pytest.raises(Forbidden):
        decide_risk_lock_appeal(desk, AGENT_A, ticket.id, approve=True, note="ok")
    assert _risk_lock(desk) is CheckStatus.BLOCK


def test_a_rejected_risk_lock_appeal_keeps_the_lock(engine, clock, tmp_path) -> None:
    load(engine, _locked(clock))
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(desk, ADA, "U1000", TicketCategory.ACCOUNT_LOCKED, "Locked", "me")
    assert decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=False, note="no") == []
    assert _risk_lock(desk) is CheckStatus.BLOCK


def _rejected_appeal(engine, clock, tmp_path):
    load(engine, account("U1000"))
    desk = make_desk(engine, clock, tmp_path)
    wf = workflow(engine, clock)
    request = request_in(
        wf, ClosureState.REJECTED, decided_by=AGENT_A.subject, decision_note="mismatch"
    )
    ticket, _ = d.open_ticket(
        desk,
        ADA,
        "U1000",
        TicketCategory.CLOSURE_REJECTED,
        "Appeal",
        "the documents are mine",
        related_closure_id=request.id,
    )
    return desk, wf, request, ticket


def test_the_rejecting_agent_may_not_re_review(engine, clock, tmp_path) -> None:
    desk, wf, request, ticket = _rejected_appeal(engine, clock, tmp_path)
    with pytest.raises(DifferentReviewerRequired):
        decide_closure_appeal(desk, AGENT_A, ticket.id, overturn=True, note="ok")
    assert stored(wf, request).state is ClosureState.REJECTED


def test_an_overturned_rejection_goes_back_to_review(engine, clock, tmp_path) -> None:
    desk, wf, request, ticket = _rejected_appeal(engine, clock, tmp_path)
    state = decide_closure_appeal(desk, AGENT_B, ticket.id, overturn=True, note="looks right")
    assert state is ClosureState.IN_REVIEW
    after = stored(wf, request)
    assert after.state is ClosureState.IN_REVIEW and after.decided_by is None


def test_an_upheld_rejection_stays_rejected(engine, clock, tmp_path) -> None:
    desk, wf, request, ticket = _rejected_appeal(engine, clock, tmp_path)
    assert decide_closure_appeal(desk, AGENT_B, ticket.id, overturn=False, note="no") == (
        ClosureState.REJECTED
    )
    assert stored(wf, request).state is ClosureState.REJECTED


def _recovery_ticket(engine, clock, tmp_path):
    load(engine, account("U1000"))
    with engine.begin() as conn:
        conn.execute(
            second_factors.insert().values(
                uid="U1000", kind="totp", secret="sealed", enrolled_at=clock()
            )
        )
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(
        desk, ADA, "U1000", TicketCategory.CREDENTIAL_RECOVERY, "Lost phone", "help"
    )
    return desk, ticket


def _factor(engine):
    with engine.connect() as conn:
        return conn.execute(second_factors.select()).first()


def test_recovery_needs_a_document_and_a_video_statement(engine, clock, tmp_path) -> None:
    desk, ticket = _recovery_ticket(engine, clock, tmp_path)
    d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, PNG)
    with pytest.raises(EvidenceMissing):
        review_recovery(desk, AGENT_A, ticket.id, approve=True, note="ok")


def test_an_approved_recovery_works_only_after_the_waiting_period(engine, clock, tmp_path) -> None:
    desk, ticket = _recovery_ticket(engine, clock, tmp_path)
    d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, PNG)
    d.attach(desk, ADA, ticket.id, AttachmentPurpose.VIDEO_STATEMENT, MP4)
    recovery = review_recovery(desk, AGENT_A, ticket.id, approve=True, note="matches")
    assert recovery.effective_at == clock() + timedelta(hours=72)
    assert outbox_rows(engine, "recovery_approved")
    clock.advance(hours=71)
    with pytest.raises(RecoveryWaiting):
        complete_recovery(desk, ADA, ticket.id)
    assert _factor(engine) is not None
    clock.advance(hours=1)
    assert complete_recovery(desk, ADA, ticket.id).state == "completed"
    assert _factor(engine) is None


def test_the_owner_can_stop_a_recovery_during_the_wait(engine, clock, tmp_path) -> None:
    desk, ticket = _recovery_ticket(engine, clock, tmp_path)
    d.attach(desk, ADA, ticket.id, AttachmentPurpose.DOCUMENT, PNG)
    d.attach(desk, ADA, ticket.id, AttachmentPurpose.VIDEO_STATEMENT, MP4)
    review_recovery(desk, AGENT_A, ticket.id, approve=True, note="matches")
    assert cancel_recovery(desk, ADA, ticket.id).state == "cancelled"
    clock.advance(hours=100)
    with pytest.raises(Exception, match="no approved recovery"):
        complete_recovery(desk, ADA, ticket.id)
    assert _factor(engine) is not None
