"""Appeals and credential recoveries over HTTP: the decisions on a risk-lock appeal, a
closure appeal and a recovery, and the customer's completion or cancellation of one."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from lastgate.desk.api.shared import ERRORS, DeskDep, StrictIn, TicketId
from lastgate.platform.http.deps import CurrentPrincipal

router = APIRouter()


# -- appeals and recoveries -----------------------------------------------------------------


class DecisionIn(StrictIn):
    approve: bool
    note: str = Field(min_length=1, max_length=2000)


class RiskLockDecisionOut(BaseModel):
    holds_lifted: list[str]


class ClosureAppealOut(BaseModel):
    closure_state: str


class RecoveryOut(BaseModel):
    id: str
    state: str
    effective_at: datetime | None


def _recovery_out(recovery: object) -> RecoveryOut:
    from lastgate.desk.ports import CredentialRecovery

    assert isinstance(recovery, CredentialRecovery)
    return RecoveryOut(id=recovery.id, state=recovery.state, effective_at=recovery.effective_at)


@router.post("/tickets/{ticket_id}/risk-lock-decision", responses=ERRORS)
def risk_lock_decision(
    ticket_id: TicketId, body: DecisionIn, desk: DeskDep, principal: CurrentPrincipal
) -> RiskLockDecisionOut:
    """Compliance: decide an account-locked appeal; approving lifts the risk lock."""
    from lastgate.desk.service.appeals import decide_risk_lock_appeal

    lifted = decide_risk_lock_appeal(
        desk, principal, ticket_id, approve=body.approve, note=body.note
    )
    return RiskLockDecisionOut(holds_lifted=lifted)


@router.post("/tickets/{ticket_id}/closure-appeal-decision", responses=ERRORS)
def closure_appeal_decision(
    ticket_id: TicketId, body: DecisionIn, desk: DeskDep, principal: CurrentPrincipal
) -> ClosureAppealOut:
    """Staff other than the rejecting agent: overturn (approve) or uphold a rejection."""
    from lastgate.desk.service.appeals import decide_closure_appeal

    state = decide_closure_appeal(desk, principal, ticket_id, overturn=body.approve, note=body.note)
    return ClosureAppealOut(closure_state=state.value)


@router.post("/tickets/{ticket_id}/recovery-decision", responses=ERRORS)
def recovery_decision(
    ticket_id: TicketId, body: DecisionIn, desk: DeskDep, principal: CurrentPrincipal
) -> RecoveryOut:
    """Staff: decide a credential recovery on its document and video statement."""
    from lastgate.desk.service.appeals import review_recovery

    return _recovery_out(
        review_recovery(desk, principal, ticket_id, approve=body.approve, note=body.note)
    )


@router.post("/tickets/{ticket_id}/recovery/complete", responses=ERRORS)
def complete_recovery(
    ticket_id: TicketId, desk: DeskDep, principal: CurrentPrincipal
) -> RecoveryOut:
    """The customer, after the waiting period: forget the lost factor, then enrol a new
    one (``POST /v1/accounts/{uid}/factors/totp``). 409 ``RECOVERY_WAITING`` before."""
    from lastgate.desk.service.appeals import complete_recovery as complete

    return _recovery_out(complete(desk, principal, ticket_id))


@router.post("/tickets/{ticket_id}/recovery/cancel", responses=ERRORS)
def cancel_recovery(ticket_id: TicketId, desk: DeskDep, principal: CurrentPrincipal) -> RecoveryOut:
    """The account holder (or staff) stops an approved recovery during its wait."""
    from lastgate.desk.service.appeals import cancel_recovery as cancel

    return _recovery_out(cancel(desk, principal, ticket_id))
