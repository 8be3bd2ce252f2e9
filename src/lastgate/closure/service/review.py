"""Staff use cases of the closure workflow: review (two approvals to override a
``review`` result), rejection, the review queue, identity evidence decisions, and holds
(placing one stops an open closure; lifting takes two compliance officers, and resumes
it, or tells a customer without one that a legal restriction is gone).

Each function is one unit of work: it commits whole or changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from lastgate.closure.model.freezes import PROTECTIVE_FREEZE
from lastgate.closure.model.lifecycle import (
    ClosureEvent,
    ClosureOrigin,
    ClosureRequest,
    ClosureState,
)
from lastgate.closure.model.staff_actions import (
    ReviewActions,
    completes_review,
    hold_actions,
    review_actions,
)
from lastgate.closure.model.verification import decision_reason, evidence_complete
from lastgate.closure.ports import UnitOfWork
from lastgate.closure.service.step_up import EVIDENCE_STATES
from lastgate.closure.service.steps import (
    OVERTURNED_REJECTION,
    REVIEW_APPROVAL,
    REVIEW_QUEUE_STATES,
    STOPPING_HOLDS,
    DifferentReviewerRequired,
    FourEyesRequired,
    Workflow,
    _advance,
    _start_cooling_off,
    _tell_cooling_off,
    closure_subject,
    protected,
    tell_under_review,
    transition,
)
from lastgate.eligibility.model.checks.restrictions import LEGAL_HOLD_KINDS
from lastgate.kernel.access import Principal, Role, ensure_staff
from lastgate.kernel.errors import IllegalTransition, InvalidInput, NotFound
from lastgate.kernel.redaction import redact
from lastgate.ledger.model import HoldKind


def approve(wf: Workflow, principal: Principal, request_id: str, note: str) -> ClosureRequest:
    """Approve a request routed to review. Overriding a ``review`` result takes two
    different staff members: the first approval is recorded, the second starts cooling-off."""
    ensure_staff(principal)
    if not note.strip():
        raise InvalidInput("a note is required to approve")
    note = redact(note).text  # stored, audited: never a secret in clear
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        if request.state is not ClosureState.IN_REVIEW:
            raise IllegalTransition(f"the request is {request.state.value}, not in review")
        approvers = uow.approvals.actors(closure_subject(request), REVIEW_APPROVAL)
        actions = _actions(uow, request, approvers, principal.subject)
        if actions.rejected_by_me:
            raise DifferentReviewerRequired(_REJECTED_BEFORE)
        if not actions.may_approve:
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
        if completes_review(approvers):
            request = _start_cooling_off(wf, uow, request, now, actor=principal.subject)
    return request


def review_status(wf: Workflow, principal: Principal, request_id: str) -> ReviewActions:
    """What ``principal`` may do now on the request's review, and who approved it."""
    ensure_staff(principal)
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id)
        approvers = uow.approvals.actors(closure_subject(request), REVIEW_APPROVAL)
        return _actions(uow, request, approvers, principal.subject)


_REJECTED_BEFORE = (
    "you rejected this request and an appeal overturned it; another person reviews it"
)


def _actions(
    uow: UnitOfWork, request: ClosureRequest, approvers: Sequence[str], me: str
) -> ReviewActions:
    rejecters = uow.approvals.actors(closure_subject(request), OVERTURNED_REJECTION)
    return review_actions(request.state, approvers, me, rejecters)


def reject(wf: Workflow, principal: Principal, request_id: str, reason: str) -> ClosureRequest:
    ensure_staff(principal)
    if not reason.strip():
        raise InvalidInput("a reason is required to reject")
    reason = redact(reason).text  # stored, audited and sent to the customer
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        if _actions(uow, request, (), principal.subject).rejected_by_me:
            raise DifferentReviewerRequired(_REJECTED_BEFORE)
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
    wf: Workflow,
    principal: Principal,
    request_id: str,
    evidence_id: str,
    *,
    approve: bool,
    refusal: str | None = None,
) -> ClosureRequest:
    """An agent's decision on identity evidence, while the request takes it (draft,
    verifying: not while a hold pauses it, whose customer was told a person reviews it).
    A refusal needs its reason (``EvidenceRefusal``), which the customer is told with the
    way to send a new file; the request moves on once all is approved, and a customer
    who has still to confirm it is them is told to, the evidence being accepted."""
    ensure_staff(principal)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        if request.state not in EVIDENCE_STATES:
            raise IllegalTransition(
                f"the request is {request.state.value}; its evidence is reviewed while it "
                "waits for it"
            )
        files = uow.step_up.list_evidence(request.id)
        file = next((f for f in files if f.id == evidence_id), None)
        if file is None:
            raise NotFound(f"no evidence {evidence_id} for closure request {request.id}")
        reason = decision_reason(file.kind, approve=approve, refusal=refusal)
        uow.step_up.review_evidence(
            request.id,
            evidence_id,
            agent=principal.subject,
            approve=approve,
            refusal=None if reason is None else reason.value,
        )
        after = _advance(wf, uow, request, now)
        completed = approve and not evidence_complete(files)  # this decision completed it?
        _tell_evidence_decision(wf, uow, after, file.kind, reason, completed=completed)
    return after


def _tell_evidence_decision(
    wf: Workflow,
    uow: UnitOfWork,
    request: ClosureRequest,
    kind: str,
    refusal: str | None,
    *,
    completed: bool,
) -> None:
    """A refused file: why, and where to send a new one. The evidence just completed and
    the request still waiting for its second factor: that it is next. A request that
    moved on is told by the notice of where it went (being reviewed, cooling-off)."""
    subject, url = closure_subject(request), wf.request_url(request)
    if refusal is not None:
        params = {"evidence_kind": kind, "refusal": refusal, "closure_url": url}
        uow.notifier.notify_customer(request.uid, "evidence_refused", params, subject_ref=subject)
    elif (
        completed and request.state in EVIDENCE_STATES and uow.step_up.evidence_complete(request.id)
    ):
        uow.notifier.notify_customer(
            request.uid, "evidence_accepted", {"closure_url": url}, subject_ref=subject
        )


def place_hold(wf: Workflow, principal: Principal, uid: str, kind: HoldKind, reason: str) -> str:
    """Compliance places a hold; an open closure request goes ``on_hold`` with it."""
    ensure_staff(principal, Role.COMPLIANCE)
    if not reason.strip():
        raise InvalidInput("a reason is required")
    reason = redact(reason).text
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
            held = transition(
                uow,
                request,
                ClosureEvent.HOLD,
                actor=principal.subject,
                now=now,
                note={"hold": hold_id},
            )
            if request.state is not ClosureState.IN_REVIEW:  # else told already, at review
                tell_under_review(uow, held)
            # Read as a review now: no "closed in 24 hours" while it is paused.
            uow.notifier.void(closure_subject(held), ["cooling_off_reminder"])
    return hold_id


def lift_hold(wf: Workflow, principal: Principal, hold_id: str, note: str) -> bool:
    """Lifting takes two compliance officers; returns True when this call lifted it."""
    ensure_staff(principal, Role.COMPLIANCE)
    note = redact(note).text
    now = wf.clock()
    with wf.unit_of_work() as uow:
        uid, kind, lifted_at = uow.holds.get(hold_id)
        if lifted_at is not None:
            raise IllegalTransition(f"hold {hold_id} is already lifted")
        subject = f"hold:{hold_id}"
        approvers = uow.approvals.actors(subject, "lift")
        if hold_actions(lifted=False, requested_by=approvers, me=principal.subject).asked_by_me:
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
        remaining = set(uow.holds.active(uid))
        if request is not None:
            paused = request.state is ClosureState.ON_HOLD and not protected(uow, uid)
            if paused and not remaining & STOPPING_HOLDS:
                request = uow.closures.get(request.id, lock=True)
                resume(wf, uow, request, actor=principal.subject, now=now, hold_id=hold_id)
        elif kind in LEGAL_HOLD_KINDS and not remaining & LEGAL_HOLD_KINDS:
            # The self-check's "A legal restriction applies" is gone: say so, as for any
            # legal hold. An AML investigation's end is told nowhere (no tipping off).
            uow.notifier.notify_customer(uid, "legal_hold_lifted", {}, subject_ref=subject)
    return True


def resume(
    wf: Workflow,
    uow: UnitOfWork,
    request: ClosureRequest,
    *,
    actor: str,
    now: datetime,
    hold_id: str | None,
) -> ClosureRequest:
    """``request`` back where the last stopping hold (or the protective freeze: no
    ``hold_id``) found it. Back in cooling-off, it has the time it had left when the hold
    paused it, and the customer, who was told a person reviews the request, is told it
    goes on (the new end, how to cancel) with the very notices of a review approved: the
    same whatever the hold's kind."""
    changes = {}
    ends = request.cooling_off_ends_at
    if request.held_from is ClosureState.COOLING_OFF and ends is not None:
        left = max(ends - request.updated_at, timedelta(0))  # updated_at: the hold's moment
        changes["cooling_off_ends_at"] = now + left
    cause = {"hold": hold_id} if hold_id is not None else {"cause": PROTECTIVE_FREEZE}
    note = {**cause, **{k: v.isoformat() for k, v in changes.items()}}
    after = transition(uow, request, ClosureEvent.LIFT, actor=actor, now=now, note=note, **changes)
    if after.state is ClosureState.COOLING_OFF and after.cooling_off_ends_at is not None:
        by_platform = after.origin is ClosureOrigin.CAMPAIGN
        _tell_cooling_off(wf, uow, after, now, after.cooling_off_ends_at, by_platform=by_platform)
    elif after.state in (ClosureState.DRAFT, ClosureState.VERIFYING):
        # Told "being reviewed" when the hold came; now that it is over, what comes next.
        uow.notifier.notify_customer(
            after.uid, "closure_review_done_verify", {}, subject_ref=closure_subject(after)
        )
    return after
