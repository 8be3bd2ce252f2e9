"""The protective freeze: compliance freezes an account to protect it (a suspected
takeover, a customer who calls in), with a reason and an audit entry. It is a cause of
its own: the customer's authenticator lifts their own freeze only, never this one, and
only compliance lifts it.

The customer is told their account was frozen for their protection and to contact
support; so this is not the tool for an AML investigation, which the customer must not
learn of (a hold is, see ``review.place_hold``).

The account holder places the same freeze themselves when someone else may be in their
account (``report_takeover``): signed in as themselves and nothing more, for whoever
changed their password or authenticator may hold that factor (so it cannot be asked for,
and cannot lift this freeze either). It only takes abilities away, so the session alone
is enough; nobody can place it on an account they are not signed in to.
"""

from __future__ import annotations

from datetime import datetime

from lastgate.closure.model.freezes import PROTECTIVE_FREEZE, freeze_left
from lastgate.closure.model.lifecycle import (
    CANCELLABLE_STATES,
    LIFECYCLE,
    ClosureEvent,
    ClosureOrigin,
    ClosureRequest,
    ClosureState,
)
from lastgate.closure.ports import UnitOfWork
from lastgate.closure.service.closed import open_account
from lastgate.closure.service.freeze import NotFrozen
from lastgate.closure.service.review import resume
from lastgate.closure.service.steps import (
    STOPPING_HOLDS,
    Workflow,
    cancel_request,
    closure_subject,
    protected,
    transition,
)
from lastgate.kernel.access import (
    Principal,
    Role,
    ensure_account_holder,
    ensure_may_read_account,
    ensure_staff,
)
from lastgate.kernel.errors import AlreadyFrozen, InvalidInput
from lastgate.kernel.redaction import redact

#: The same bound as a hold's reason.
MAX_PROTECTIVE_TEXT = 2000


def _text(value: str, field: str) -> str:
    """The reason or note as stored: required, bounded, and never a secret in clear."""
    text = value.strip()
    if not text:
        raise InvalidInput(f"{field} is required", details=[{"path": field, "reason": "missing"}])
    if len(text) > MAX_PROTECTIVE_TEXT:
        raise InvalidInput(
            f"{field} is longer than {MAX_PROTECTIVE_TEXT} characters",
            details=[{"path": field, "reason": "too_long"}],
        )
    return redact(text).text


def protective_freeze(wf: Workflow, principal: Principal, uid: str, reason: str) -> None:
    """Freeze ``uid`` to protect it: a compliance officer, with a reason. It applies on
    top of any other freeze (the customer cannot then lift their own to get back in);
    ``AlreadyFrozen`` if a protective freeze is in force already."""
    ensure_staff(principal, Role.COMPLIANCE, message="only compliance may freeze an account")
    reason = _text(reason, "reason")
    if not _place(wf, principal, uid, reason, "account_frozen_protective"):
        raise AlreadyFrozen("the account is under a protective freeze already")


#: What the audit entry and the compliance console say of a freeze the customer placed.
REPORTED_BY_CUSTOMER = (
    "Reported by the customer: someone else may have changed their security settings"
)


def report_takeover(wf: Workflow, principal: Principal, uid: str) -> bool:
    """The account holder freezes their own account to protect it: a protective freeze,
    lifted only by compliance once the security team has checked with them. Idempotent:
    ``False`` (and nothing changed, nothing recorded) if one is in force already; on top
    of any other freeze otherwise, since the customer's own freeze and a closure's
    cooling-off can each be undone by whoever holds the account."""
    ensure_account_holder(principal, uid)
    return _place(wf, principal, uid, REPORTED_BY_CUSTOMER, "account_frozen_reported")


def _place(wf: Workflow, principal: Principal, uid: str, reason: str, notice: str) -> bool:
    """Place the protective freeze, audited, the customer told with ``notice``; ``False``
    (nothing changed) if one is in force already."""
    open_account(wf, principal, uid)
    now = wf.clock()
    subject = f"account:{uid}"
    with wf.unit_of_work() as uow:
        if protected(uow, uid):
            return False
        freeze_id = uow.freezes.add(uid, PROTECTIVE_FREEZE, at=now, unfreeze_after=None)
        uow.actions.freeze(uid)
        uow.audit.record(
            actor=principal.subject,
            action="account.protective_freeze",
            subject=subject,
            payload={"freeze_id": freeze_id, "role": principal.role.value, "reason": reason},
        )
        uow.notifier.notify_customer(uid, notice, {}, subject_ref=subject)
        uow.notifier.publish_event(
            "account.freeze", {"uid": uid, "cause": PROTECTIVE_FREEZE}, subject_ref=subject
        )
        request = uow.closures.open_for(uid)
        if request is not None:
            stop_closure(uow, uow.closures.get(request.id, lock=True), principal.subject, now)
    return True


def is_protected(wf: Workflow, principal: Principal, uid: str) -> bool:
    """Whether a protective freeze holds ``uid`` now (``steps.protected``): then its pages
    say it cannot be closed and offer no closure."""
    ensure_may_read_account(principal, uid)
    with wf.unit_of_work() as uow:
        return protected(uow, uid)


def stop_closure(uow: UnitOfWork, request: ClosureRequest, actor: str, now: datetime) -> None:
    """An open closure request of an account now under a protective freeze goes no
    further: the customer's own is cancelled (whoever is in the account may have asked
    for it; the customer asks again once the freeze is lifted), the platform's is paused
    (on hold) and goes on when it is lifted, as after a hold. The final check stops one
    that got as far as executing the same way (``execution``)."""
    note = {"cause": PROTECTIVE_FREEZE}
    if request.origin is ClosureOrigin.CUSTOMER and request.state in CANCELLABLE_STATES:
        # Its closure freeze is released; the protective freeze stays.
        cancelled = cancel_request(uow, request, actor=actor, now=now, note=note)
        uow.notifier.notify_customer(
            request.uid, "closure_cancelled_protected", {}, subject_ref=closure_subject(cancelled)
        )
    elif LIFECYCLE.allows(request.state, ClosureEvent.HOLD):
        held = transition(uow, request, ClosureEvent.HOLD, actor=actor, now=now, note=note)
        uow.notifier.void(closure_subject(held), ["cooling_off_reminder"])


def lift_protective_freeze(wf: Workflow, principal: Principal, uid: str, note: str) -> None:
    """Lift the protective freeze: a compliance officer, with a note. The account stays
    frozen while another cause applies (the customer's own freeze, a cooling-off); the
    customer is told it is unfrozen, or that the protective freeze is lifted and what
    still holds the account (``model.freezes.freeze_left``), with a link to the secure page."""
    ensure_staff(principal, Role.COMPLIANCE, message="only compliance may lift this freeze")
    note = _text(note, "note")
    open_account(wf, principal, uid)
    now = wf.clock()
    subject = f"account:{uid}"
    with wf.unit_of_work() as uow:
        if not uow.freezes.lift(uid, PROTECTIVE_FREEZE, at=now):
            raise NotFrozen("the account is not under a protective freeze")
        left = freeze_left(uow.freezes.active_causes(uid))
        unfrozen = left is None
        if left is not None:
            uow.notifier.notify_customer(
                uid, "protective_freeze_lifted", {"freeze_left": left}, subject_ref=subject
            )
        else:
            uow.actions.unfreeze(uid)
            uow.notifier.publish_event(
                "account.unfreeze", {"uid": uid, "cause": PROTECTIVE_FREEZE}, subject_ref=subject
            )
            uow.notifier.notify_customer(uid, "account_unfrozen", {}, subject_ref=subject)
        request = uow.closures.open_for(uid)
        held_alone = not set(uow.holds.active(uid)) & STOPPING_HOLDS  # by the freeze alone
        if request is not None and request.state is ClosureState.ON_HOLD and held_alone:
            held = uow.closures.get(request.id, lock=True)
            resume(wf, uow, held, actor=principal.subject, now=now, hold_id=None)
        uow.audit.record(
            actor=principal.subject,
            action="account.protective_freeze_lifted",
            subject=subject,
            payload={"role": principal.role.value, "note": note, "unfrozen": unfrozen},
        )
