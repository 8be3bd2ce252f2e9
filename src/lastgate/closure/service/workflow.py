"""Use cases of the closure workflow: submit, verify, review, cool off, cancel, hold.
The customer's and the platform's are here; staff decisions and holds are in ``review``
and the steps they share in ``steps``, both re-exported here for the callers.

Each function is one unit of work: it commits whole or changes nothing. Every transition
is saved with a version check (a stale writer gets ``ConcurrentUpdate``), audited, and
announced to the exchange by a webhook event through the outbox.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from lastgate.closure.model.freezes import CLOSURE_FREEZE
from lastgate.closure.model.lifecycle import (
    ClosureEvent,
    ClosureOrigin,
    ClosureReason,
    ClosureRequest,
    ClosureState,
)
from lastgate.closure.ports import UnitOfWork
from lastgate.closure.service.closed import open_account
from lastgate.closure.service.review import (
    approve,
    lift_hold,
    place_hold,
    reject,
    review_evidence,
    review_queue,
)
from lastgate.closure.service.steps import (
    MAX_REASON_TEXT,
    OTP_METHODS,
    REMINDER_BEFORE,
    REVIEW_APPROVAL,
    REVIEW_QUEUE_STATES,
    STOPPING_HOLDS,
    SYSTEM,
    VERIFY_METHODS,
    FourEyesRequired,
    Workflow,
    _advance,
    _owned,
    _refuse_if_blocked,
    _start_cooling_off,
    _with_factor,
    cancel_request,
    closure_subject,
    eligibility_for_closure,
    log_transition,
    refuse_if_protected,
    rejection_final,
    release_closure_freeze,
    tell_under_review,
    transition,
)
from lastgate.kernel.access import Principal, ensure_account_holder, ensure_may_read_account
from lastgate.kernel.errors import (
    Forbidden,
    IllegalTransition,
    InvalidInput,
    VerificationFailed,
)
from lastgate.kernel.i18n import SUPPORTED_LANGUAGES
from lastgate.kernel.redaction import redact

# Everything callers read from here, wherever it now lives.
__all__ = [
    "CLOSURE_FREEZE",
    "MAX_REASON_TEXT",
    "OTP_METHODS",
    "REMINDER_BEFORE",
    "REVIEW_APPROVAL",
    "REVIEW_QUEUE_STATES",
    "STOPPING_HOLDS",
    "SYSTEM",
    "VERIFY_METHODS",
    "FourEyesRequired",
    "Workflow",
    "approve",
    "cancel",
    "closure_subject",
    "current",
    "eligibility_for_closure",
    "get",
    "lift_hold",
    "open_for_platform",
    "place_hold",
    "reject",
    "release_closure_freeze",
    "review_evidence",
    "review_queue",
    "start_verification",
    "submit",
    "transition",
    "verify",
]


# -- customer -----------------------------------------------------------------------------


def submit(
    wf: Workflow,
    principal: Principal,
    uid: str,
    reason: ClosureReason,
    reason_text: str,
    *,
    language: str | None = None,
) -> ClosureRequest:
    """Open a closure request: the account must pass (``review`` routes it to a human).
    ``language``, the one the customer asked in, is remembered for every notice to come."""
    ensure_account_holder(principal, uid)  # the platform opens its own: open_for_platform
    open_account(wf, principal, uid)
    if len(reason_text) > MAX_REASON_TEXT:
        raise InvalidInput(f"reason_text is longer than {MAX_REASON_TEXT} characters")
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(SUPPORTED_LANGUAGES)}")
    report, risky = eligibility_for_closure(wf, uid)
    _refuse_if_blocked(report)
    now = wf.clock()
    request = ClosureRequest(
        id=str(uuid.uuid4()),
        uid=uid,
        state=ClosureState.DRAFT,
        reason=reason,
        reason_text=redact(reason_text.strip()).text,  # the pages say so: removed_kinds
        created_at=now,
        updated_at=now,
        needs_review=report.needs_review,
        needs_evidence=risky,
    )
    with wf.unit_of_work() as uow:
        refuse_if_protected(uow, uid)
        if uow.closures.last_rejected_for(uid) is not None:
            # A person rejected an earlier request (perhaps upheld on appeal): a new one
            # is reviewed by a person too, and cannot go around that decision.
            request = replace(request, needs_review=True)
        uow.closures.add(request)
        if language is not None:  # before the first notice, which is written in it
            uow.notifier.remember_language(uid, language)
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
        log_transition(request, "submit", None, actor=principal.subject)
    return request


def get(wf: Workflow, principal: Principal, request_id: str) -> ClosureRequest:
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id)
    _owned(request, principal)
    return request


def appealable(wf: Workflow, principal: Principal, request: ClosureRequest) -> bool:
    """A rejected request its customer may still appeal: no appeal has upheld the
    rejection (that decision is final for the request; a new request goes to review)."""
    if request.state is not ClosureState.REJECTED:
        return False
    _owned(request, principal)
    with wf.unit_of_work() as uow:
        return not rejection_final(uow, request)


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
        ensure_account_holder(principal, request.uid)
        open_account(wf, principal, request.uid)
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
        ensure_account_holder(principal, request.uid)
        open_account(wf, principal, request.uid)
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
    log_transition(request, "submit", None, actor=initiated_by)
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
        tell_under_review(uow, request)
        return request
    return _start_cooling_off(wf, uow, request, now, actor=SYSTEM, jurisdiction=jurisdiction)


def cancel(wf: Workflow, principal: Principal, request_id: str) -> ClosureRequest:
    """The customer changes their mind (or staff cancel for them) before execution."""
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        _owned(request, principal)
        if request.origin is ClosureOrigin.CAMPAIGN and not principal.is_staff:
            raise Forbidden("the platform is closing this account as announced; contact support")
        request = cancel_request(uow, request, actor=principal.subject, now=now)
        uow.notifier.notify_customer(
            request.uid, "closure_cancelled", {}, subject_ref=closure_subject(request)
        )
    return request
