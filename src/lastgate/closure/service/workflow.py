"""Use cases of the closure workflow: submit, verify, review, cool off, cancel, hold.

Each function is one unit of work: it commits whole or changes nothing. Every transition
is saved with a version check (a stale writer gets ``ConcurrentUpdate``), audited, and
announced to the exchange by a webhook event through the outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from lastgate.closure.model.lifecycle import (
    ClosureEvent,
    ClosureOrigin,
    ClosureReason,
    ClosureRequest,
    ClosureState,
    apply,
)
from lastgate.closure.model.risk import needs_identity_evidence
from lastgate.closure.ports import UnitOfWork
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import EligibilityReport, customer_view
from lastgate.kernel.access import Principal, Role, ensure_may_read_account, ensure_staff
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import (
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotEligible,
    VerificationFailed,
)
from lastgate.ledger.model import HoldKind
from lastgate.ledger.ports import AccountStateReader, PolicyBook

SYSTEM = "system"
CLOSURE_FREEZE = "closure"
REVIEW_APPROVAL = "review"
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
    return after


def _owned(request: ClosureRequest, principal: Principal) -> None:
    ensure_may_read_account(principal, request.uid)


# -- customer -----------------------------------------------------------------------------


def submit(
    wf: Workflow, principal: Principal, uid: str, reason: ClosureReason, reason_text: str
) -> ClosureRequest:
    """Open a closure request: the account must pass (``review`` routes it to a human)."""
    ensure_may_read_account(principal, uid)
    if principal.is_staff:
        raise Forbidden("only the account holder may ask to close their account")
    if len(reason_text) > MAX_REASON_TEXT:
        raise InvalidInput(f"reason_text is longer than {MAX_REASON_TEXT} characters")
    report, risky = eligibility_for_closure(wf, uid)
    _refuse_if_blocked(report)
    now = wf.clock()
    request = ClosureRequest(
        id=str(uuid.uuid4()),
        uid=uid,
        state=ClosureState.DRAFT,
        reason=reason,
        reason_text=reason_text.strip(),
        created_at=now,
        updated_at=now,
        needs_review=report.needs_review,
        needs_evidence=risky,
    )
    with wf.unit_of_work() as uow:
        uow.closures.add(request)
        uow.audit.record(
            actor=principal.subject,
            action="closure.submitted",
            subject=closure_subject(request),
            payload={
                "reason": reason.value,
                "needs_review": request.needs_review,
                "needs_evidence": request.needs_evidence,
            },
        )
        uow.notifier.notify_customer(
            uid, "closure_submitted", {}, subject_ref=closure_subject(request)
        )
        uow.notifier.publish_event(
            "closure.draft",
            {"closure_id": request.id, "uid": uid, "state": "draft"},
            subject_ref=closure_subject(request),
        )
    return request


def get(wf: Workflow, principal: Principal, request_id: str) -> ClosureRequest:
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id)
    _owned(request, principal)
    return request


def current(wf: Workflow, principal: Principal, uid: str) -> ClosureRequest | None:
    """The customer's open request, else their latest one, else None."""
    ensure_may_read_account(principal, uid)
    with wf.unit_of_work() as uow:
        return uow.closures.open_for(uid) or uow.closures.latest_for(uid)


def start_verification(
    wf: Workflow, principal: Principal, request_id: str, method: str
) -> ClosureRequest:
    """Begin (or resend) step-up verification; one-time codes go to a verified channel."""
    if method not in VERIFY_METHODS:
        raise InvalidInput(f"method must be one of {', '.join(sorted(VERIFY_METHODS))}")
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        _owned(request, principal)
        if request.state is ClosureState.DRAFT:
            request = transition(
                uow,
                request,
                ClosureEvent.START_VERIFICATION,
                actor=principal.subject,
                now=now,
                note={"method": method},
            )
        elif request.state is not ClosureState.VERIFYING:
            raise IllegalTransition(
                f"the request is {request.state.value}, not awaiting verification"
            )
        if method in OTP_METHODS:
            uow.step_up.send_code(request, method)
    return request


def verify(
    wf: Workflow, principal: Principal, request_id: str, method: str, code: str
) -> ClosureRequest:
    """Check a second factor. A failed try is recorded (and counts) even though it raises."""
    failure: VerificationFailed | Forbidden | None = None
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        _owned(request, principal)
        if request.state is not ClosureState.VERIFYING:
            raise IllegalTransition(
                f"the request is {request.state.value}, not awaiting verification"
            )
        try:
            uow.step_up.check(request, method, code)
        except (VerificationFailed, Forbidden) as exc:
            failure = exc
        else:
            now = wf.clock()
            request = _with_factor(uow, request, now, actor=principal.subject)
            request = _advance(wf, uow, request, now)
    if failure is not None:
        raise failure
    return request


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
    if by_platform:  # announced long before; nothing to cancel: the customer did not ask
        uow.notifier.notify_customer(
            request.uid,
            "campaign_closure_started",
            {"ends_at": ends_at.isoformat()},
            subject_ref=closure_subject(request),
        )
    else:
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
    uow.notifier.publish_event(
        "account.freeze",
        {"uid": request.uid, "cause": "closure"},
        subject_ref=closure_subject(request),
    )
    return request


def open_for_platform(
    wf: Workflow,
    uow: UnitOfWork,
    uid: str,
    *,
    jurisdiction: str,
    needs_review: bool,
    initiated_by: str,
    reason_text: str,
) -> ClosureRequest:
    """A closure the platform opens (an offboarding campaign), inside the caller's unit
    of work, for an account the caller has just found eligible. No step-up: the customer
    is not there to verify. A ``review`` result waits in the agents' queue as usual;
    otherwise cooling-off starts at once. ``ClosureAlreadyOpen`` if one is open."""
    now = wf.clock()
    request = ClosureRequest(
        id=str(uuid.uuid4()),
        uid=uid,
        state=ClosureState.DRAFT,
        reason=ClosureReason.OTHER,
        reason_text=reason_text[:MAX_REASON_TEXT],
        created_at=now,
        updated_at=now,
        needs_review=needs_review,
        origin=ClosureOrigin.CAMPAIGN,
        initiated_by=initiated_by,
    )
    uow.closures.add(request)
    uow.audit.record(
        actor=initiated_by,
        action="closure.submitted",
        subject=closure_subject(request),
        payload={"origin": request.origin.value, "needs_review": needs_review},
    )
    uow.notifier.publish_event(
        "closure.draft",
        {"closure_id": request.id, "uid": uid, "state": "draft", "origin": "campaign"},
        subject_ref=closure_subject(request),
    )
    request = transition(
        uow,
        request,
        ClosureEvent.PLATFORM_OPEN,
        actor=initiated_by,
        now=now,
        note={"origin": request.origin.value},
    )
    if needs_review:
        uow.notifier.publish_event(
            "closure.review_required",
            {"closure_id": request.id, "uid": uid},
            subject_ref=closure_subject(request),
        )
        return request
    return _start_cooling_off(wf, uow, request, now, actor=SYSTEM, jurisdiction=jurisdiction)


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


def cancel(wf: Workflow, principal: Principal, request_id: str) -> ClosureRequest:
    """The customer changes their mind (or staff cancel for them) before execution."""
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        _owned(request, principal)
        if request.origin is ClosureOrigin.CAMPAIGN and not principal.is_staff:
            raise Forbidden("the platform is closing this account as announced; contact support")
        was_cooling_off = request.state is ClosureState.COOLING_OFF
        request = transition(uow, request, ClosureEvent.CANCEL, actor=principal.subject, now=now)
        if was_cooling_off:
            release_closure_freeze(uow, request, now)
        uow.notifier.notify_customer(
            request.uid, "closure_cancelled", {}, subject_ref=closure_subject(request)
        )
    return request


# -- staff --------------------------------------------------------------------------------


def approve(wf: Workflow, principal: Principal, request_id: str, note: str) -> ClosureRequest:
    """Approve a request routed to review. Overriding a ``review`` result takes two
    different staff members: the first approval is recorded, the second starts cooling-off."""
    ensure_staff(principal)
    if not note.strip():
        raise InvalidInput("a note is required to approve")
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        if request.state is not ClosureState.IN_REVIEW:
            raise IllegalTransition(f"the request is {request.state.value}, not in review")
        approvers = uow.approvals.actors(closure_subject(request), REVIEW_APPROVAL)
        if principal.subject in approvers:
            raise FourEyesRequired("you already approved this request; a second person must")
        uow.approvals.record(
            closure_subject(request),
            kind=REVIEW_APPROVAL,
            actor=principal.subject,
            decision="approve",
            note=note,
            at=now,
        )
        uow.audit.record(
            actor=principal.subject,
            action="closure.review_approval",
            subject=closure_subject(request),
            payload={"note": note, "approval": len(approvers) + 1},
        )
        if len(approvers) + 1 >= 2:
            request = _start_cooling_off(wf, uow, request, now, actor=principal.subject)
    return request


def reject(wf: Workflow, principal: Principal, request_id: str, reason: str) -> ClosureRequest:
    ensure_staff(principal)
    if not reason.strip():
        raise InvalidInput("a reason is required to reject")
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        request = transition(
            uow,
            request,
            ClosureEvent.REJECT,
            actor=principal.subject,
            now=now,
            note={"reason": reason},
            decided_by=principal.subject,
            decision_note=reason,
        )
        uow.notifier.notify_customer(
            request.uid,
            "closure_rejected",
            {"reason": reason, "appeal_url": wf.appeal_url(request)},
            subject_ref=closure_subject(request),
        )
    return request


def review_queue(wf: Workflow, principal: Principal, limit: int = 100) -> list[ClosureRequest]:
    ensure_staff(principal)
    with wf.unit_of_work() as uow:
        return list(uow.closures.in_states(REVIEW_QUEUE_STATES, limit))


def review_evidence(
    wf: Workflow, principal: Principal, request_id: str, evidence_id: str, *, approve: bool
) -> ClosureRequest:
    """An agent's decision on identity evidence; the request moves on once all is approved."""
    ensure_staff(principal)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        uow.step_up.review_evidence(
            request.id, evidence_id, agent=principal.subject, approve=approve
        )
        request = _advance(wf, uow, request, now)
    return request


def place_hold(wf: Workflow, principal: Principal, uid: str, kind: HoldKind, reason: str) -> str:
    """Compliance places a hold; an open closure request goes ``on_hold`` with it."""
    ensure_staff(principal, Role.COMPLIANCE)
    if not reason.strip():
        raise InvalidInput("a reason is required")
    now = wf.clock()
    with wf.unit_of_work() as uow:
        hold_id = uow.holds.place(uid, kind, reason=reason, placed_by=principal.subject, at=now)
        uow.audit.record(
            actor=principal.subject,
            action="hold.placed",
            subject=f"hold:{hold_id}",
            payload={"uid": uid, "kind": kind.value},
        )
        request = uow.closures.open_for(uid)
        if (
            request is not None
            and kind in STOPPING_HOLDS
            and request.state is not ClosureState.ON_HOLD
        ):
            request = uow.closures.get(request.id, lock=True)
            transition(
                uow,
                request,
                ClosureEvent.HOLD,
                actor=principal.subject,
                now=now,
                note={"hold": hold_id},
            )
    return hold_id


def lift_hold(wf: Workflow, principal: Principal, hold_id: str, note: str) -> bool:
    """Lifting takes two compliance officers; returns True when this call lifted it."""
    ensure_staff(principal, Role.COMPLIANCE)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        uid, _kind, lifted_at = uow.holds.get(hold_id)
        if lifted_at is not None:
            raise IllegalTransition(f"hold {hold_id} is already lifted")
        subject = f"hold:{hold_id}"
        approvers = uow.approvals.actors(subject, "lift")
        if principal.subject in approvers:
            raise FourEyesRequired("you already asked to lift this hold; a second officer must")
        uow.approvals.record(
            subject, kind="lift", actor=principal.subject, decision="approve", note=note, at=now
        )
        if not approvers:
            uow.audit.record(
                actor=principal.subject,
                action="hold.lift_requested",
                subject=subject,
                payload={"note": note},
            )
            return False
        uow.holds.lift(hold_id, at=now)
        uow.audit.record(
            actor=principal.subject,
            action="hold.lifted",
            subject=subject,
            payload={"note": note, "first_approver": approvers[0]},
        )
        request = uow.closures.open_for(uid)
        remaining = set(uow.holds.active(uid)) & STOPPING_HOLDS
        if request is not None and request.state is ClosureState.ON_HOLD and not remaining:
            request = uow.closures.get(request.id, lock=True)
            transition(
                uow,
                request,
                ClosureEvent.LIFT,
                actor=principal.subject,
                now=now,
                note={"hold": hold_id},
            )
    return True
