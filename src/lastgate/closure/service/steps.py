"""The steps the closure use cases are built from: the workflow's dependencies, the
saved and announced transition, the eligibility re-check, the move on from verifying,
the start of cooling-off (freeze, timer, notices) and the release of the freeze.

Use cases live in ``workflow`` (the customer's, and the platform's) and ``review``
(staff decisions and holds); ``workflow`` re-exports what is here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from lastgate.closure.model.freezes import CLOSURE_FREEZE, PROTECTIVE_FREEZE
from lastgate.closure.model.lifecycle import (
    ClosureEvent,
    ClosureOrigin,
    ClosureRequest,
    ClosureState,
    apply,
)
from lastgate.closure.model.risk import needs_identity_evidence
from lastgate.closure.ports import UnitOfWork
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import EligibilityReport, customer_view
from lastgate.kernel.access import Principal, ensure_may_read_account
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import AccountProtected, Forbidden, NotEligible
from lastgate.ledger.model import HoldKind
from lastgate.ledger.ports import AccountStateReader, PolicyBook

log = logging.getLogger("lastgate.closure")
SYSTEM = "system"
REVIEW_APPROVAL = "review"
#: Recorded when an appeal overturns a rejection, its actor the staff member who had
#: rejected: they take no part in the request's review again (``review_actions``).
OVERTURNED_REJECTION = "overturned_rejection"
#: Recorded on a rejected request when an appeal upholds its rejection: the decision is
#: final for that request, and its page no longer offers an appeal.
UPHELD_ON_APPEAL = "upheld_on_appeal"
OTP_METHODS = frozenset({"email", "sms"})
VERIFY_METHODS = OTP_METHODS | {"totp"}
#: Holds that stop a closure in its tracks (``on_hold``) until lifted.
STOPPING_HOLDS = frozenset(
    {HoldKind.JUDICIAL_FREEZE, HoldKind.LAW_ENFORCEMENT, HoldKind.AML_INVESTIGATION}
)
#: What the agents' review queue shows, in this order.
REVIEW_QUEUE_STATES = (ClosureState.IN_REVIEW, ClosureState.VERIFYING)
REMINDER_BEFORE = timedelta(hours=24)
MAX_REASON_TEXT = 2000


class FourEyesRequired(Forbidden):
    """The same person may not give both approvals."""

    code = "SECOND_APPROVER_REQUIRED"


class DifferentReviewerRequired(Forbidden):
    """A rejection is re-examined (the appeal, the review after it is overturned) by
    someone other than the person who rejected."""

    code = "DIFFERENT_REVIEWER_REQUIRED"


@dataclass(frozen=True)
class Workflow:
    """What the closure use cases need from the outside."""

    unit_of_work: Callable[[], UnitOfWork]
    accounts: AccountStateReader
    policies: PolicyBook
    clock: Clock
    public_base_url: str

    def cancel_url(self, request: ClosureRequest) -> str:
        return f"{self.public_base_url}/closure/{request.id}/cancel"

    def appeal_url(self, request: ClosureRequest) -> str:
        return f"{self.public_base_url}/appeals/new?closure={request.id}"

    def request_url(self, request: ClosureRequest) -> str:
        """The customer's page of the request: its state, verification and evidence."""
        return f"{self.public_base_url}/web/closure/{request.id}"


def closure_subject(request: ClosureRequest) -> str:
    return f"closure:{request.id}"


def eligibility_for_closure(wf: Workflow, uid: str) -> tuple[EligibilityReport, bool]:
    """The full eligibility report and whether identity evidence will be needed."""
    now = wf.clock()
    since = now - timedelta(days=wf.policies.longest_withdrawal_window_days)
    state = wf.accounts.load(uid, withdrawals_since=since)
    policy = wf.policies.for_jurisdiction(state.jurisdiction)
    return evaluate(state, policy, now), needs_identity_evidence(state, policy, now)


def _refuse_if_blocked(report: EligibilityReport) -> None:
    if report.eligible:
        return
    shown = customer_view(report).blockers  # never names a confidential check
    raise NotEligible(
        "the account cannot be closed yet: " + ", ".join(c.code.value for c in shown),
        details=[{"path": "eligibility", "reason": c.code.value} for c in shown],
    )


def transition(
    uow: UnitOfWork,
    request: ClosureRequest,
    event: ClosureEvent,
    *,
    actor: str,
    now: datetime,
    note: dict[str, Any] | None = None,
    **changes: Any,
) -> ClosureRequest:
    after = apply(request, event, now=now, **changes)
    uow.closures.save(after)
    uow.audit.record(
        actor=actor,
        action=f"closure.{event.value}",
        subject=closure_subject(after),
        payload={"from": request.state.value, "to": after.state.value, **(note or {})},
    )
    uow.notifier.publish_event(
        f"closure.{after.state.value}",
        {
            "closure_id": after.id,
            "uid": after.uid,
            "state": after.state.value,
            "previous_state": request.state.value,
        },
        subject_ref=closure_subject(after),
    )
    log_transition(
        after,
        event.value,
        request.state,
        actor=actor,
        seconds_in_state=(now - request.updated_at).total_seconds(),
    )
    return after


def log_transition(
    after: ClosureRequest,
    event: str,
    before: ClosureState | None,
    *,
    actor: str,
    seconds_in_state: float | None = None,
) -> None:
    """The ``closure.transition`` log event; ``before`` is ``None`` for a new request.
    Ids and states only: a note may carry confidential blockers or a staff reason."""
    log.info(
        "closure.transition",
        extra={
            "event": "closure.transition",
            "closure_id": after.id,
            "uid": after.uid,
            "transition": event,
            "from_state": None if before is None else before.value,
            "to_state": after.state.value,
            "actor": actor,
            "seconds_in_state": seconds_in_state,
        },
    )


def _owned(request: ClosureRequest, principal: Principal) -> None:
    ensure_may_read_account(principal, request.uid)


def _with_factor(
    uow: UnitOfWork, request: ClosureRequest, now: datetime, *, actor: str
) -> ClosureRequest:

    after = replace(request, factor_verified_at=now, updated_at=now, version=request.version + 1)
    uow.closures.save(after)
    uow.audit.record(
        actor=actor, action="closure.factor_verified", subject=closure_subject(after), payload={}
    )
    return after


def _advance(
    wf: Workflow, uow: UnitOfWork, request: ClosureRequest, now: datetime
) -> ClosureRequest:
    """Move on from ``verifying`` once every proof is in; approve at once if no human is needed."""
    if request.state is not ClosureState.VERIFYING or request.factor_verified_at is None:
        return request
    if request.needs_evidence and not uow.step_up.evidence_complete(request.id):
        return request
    request = transition(uow, request, ClosureEvent.VERIFIED, actor=SYSTEM, now=now)
    if request.needs_review:
        uow.notifier.publish_event(
            "closure.review_required",
            {"closure_id": request.id, "uid": request.uid},
            subject_ref=closure_subject(request),
        )
        tell_under_review(uow, request)
        return request
    return _start_cooling_off(wf, uow, request, now, actor=SYSTEM)


def _start_cooling_off(
    wf: Workflow,
    uow: UnitOfWork,
    request: ClosureRequest,
    now: datetime,
    *,
    actor: str,
    jurisdiction: str | None = None,
) -> ClosureRequest:
    """Approve: freeze the account and start the timer. ``jurisdiction`` says the caller
    has just found the account eligible (set-based, for a campaign); else it is checked."""
    if jurisdiction is None:
        report, _ = eligibility_for_closure(wf, request.uid)
        _refuse_if_blocked(report)
        jurisdiction = report.jurisdiction
    policy = wf.policies.for_jurisdiction(jurisdiction)
    by_platform = request.origin is ClosureOrigin.CAMPAIGN
    days = (
        policy.offboarding.closure_cooling_off_days
        if by_platform
        else policy.workflow.cooling_off_days
    )
    ends_at = now + timedelta(days=days)
    request = transition(
        uow,
        request,
        ClosureEvent.APPROVE,
        actor=actor,
        now=now,
        note={"cooling_off_ends_at": ends_at.isoformat()},
        cooling_off_ends_at=ends_at,
        decided_by=actor,
    )
    uow.freezes.add(request.uid, CLOSURE_FREEZE, at=now, unfreeze_after=None)
    uow.actions.freeze(request.uid)
    _tell_cooling_off(wf, uow, request, now, ends_at, by_platform=by_platform)
    uow.notifier.publish_event(
        "account.freeze",
        {"uid": request.uid, "cause": "closure"},
        subject_ref=closure_subject(request),
    )
    return request


def _tell_cooling_off(
    wf: Workflow,
    uow: UnitOfWork,
    request: ClosureRequest,
    now: datetime,
    ends_at: datetime,
    *,
    by_platform: bool,
) -> None:
    """The customer's notices of a cooling-off that has started (and its reminder)."""
    if by_platform:  # announced long before; nothing to cancel: the customer did not ask
        uow.notifier.notify_customer(
            request.uid,
            "campaign_closure_started",
            {"ends_at": ends_at.isoformat()},
            subject_ref=closure_subject(request),
        )
        return
    params = {"ends_at": ends_at.isoformat(), "cancel_url": wf.cancel_url(request)}
    uow.notifier.notify_customer(
        request.uid, "cooling_off_started", params, subject_ref=closure_subject(request)
    )
    remind_at = ends_at - REMINDER_BEFORE
    if remind_at > now:
        uow.notifier.notify_customer(
            request.uid,
            "cooling_off_reminder",
            params,
            subject_ref=closure_subject(request),
            deliver_after=remind_at,
        )


def tell_under_review(uow: UnitOfWork, request: ClosureRequest) -> None:
    """The customer's notice that a person is looking at their request. An ordinary
    review and a hold send this same notice, naming no reason, so that a customer cannot
    tell a hold (an AML investigation) from a review: no tipping off."""
    uow.notifier.notify_customer(
        request.uid, "closure_on_hold", {}, subject_ref=closure_subject(request)
    )


def cancel_request(
    uow: UnitOfWork,
    request: ClosureRequest,
    *,
    actor: str,
    now: datetime,
    note: dict[str, Any] | None = None,
) -> ClosureRequest:
    """``request`` cancelled, and its closure freeze released if it had one. A held
    request is cancelled as the review it reads like (the hold stays on the account); one
    held in cooling-off or later releases its closure freeze too."""
    froze = ClosureState.COOLING_OFF in (request.state, request.held_from)
    froze = froze or request.held_from is ClosureState.EXECUTING
    cancelled = transition(uow, request, ClosureEvent.CANCEL, actor=actor, now=now, note=note)
    if froze:
        release_closure_freeze(uow, cancelled, now)
    return cancelled


def protected(uow: UnitOfWork, uid: str) -> bool:
    """A protective freeze is in force: someone else may be in the account, so no closure
    of it goes on until compliance lifts the freeze (``service.protective_freeze``)."""
    return uow.freezes.active(uid, PROTECTIVE_FREEZE) is not None


def refuse_if_protected(uow: UnitOfWork, uid: str) -> None:
    """``AccountProtected`` while a protective freeze is in force: no new closure."""
    if protected(uow, uid):
        raise AccountProtected(
            "the account is frozen to protect it: it cannot be closed until the security "
            "team has checked with you and lifted the freeze"
        )


def release_closure_freeze(uow: UnitOfWork, request: ClosureRequest, now: datetime) -> None:
    uow.freezes.lift(request.uid, CLOSURE_FREEZE, at=now)
    if not uow.freezes.active_causes(request.uid):
        uow.actions.unfreeze(request.uid)
        uow.notifier.publish_event(
            "account.unfreeze",
            {"uid": request.uid, "cause": "closure"},
            subject_ref=closure_subject(request),
        )
    uow.notifier.void(closure_subject(request), ["cooling_off_reminder"])


def rejection_final(uow: UnitOfWork, request: ClosureRequest) -> bool:
    """A rejected request whose rejection an appeal upheld: final for it, so no appeal is
    offered again (a new request goes to a person's review instead)."""
    if request.state is not ClosureState.REJECTED:
        return False
    return bool(uow.approvals.actors(closure_subject(request), UPHELD_ON_APPEAL))
