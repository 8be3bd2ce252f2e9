"""The temporary freeze: what many customers want instead of closing. Reversible, but a
thief who takes the account cannot undo it at once: unfreezing waits the policy's delay
and needs the customer's authenticator code."""

from __future__ import annotations

from datetime import datetime, timedelta

from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Principal, ensure_may_read_account
from lastgate.kernel.errors import Conflict, Forbidden, VerificationFailed

CUSTOMER_FREEZE = "customer"


class AlreadyFrozen(Conflict):
    code = "ALREADY_FROZEN"


class NotFrozen(Conflict):
    code = "NOT_FROZEN"


class UnfreezeTooEarly(Conflict):
    code = "UNFREEZE_TOO_EARLY"


def freeze(wf: Workflow, principal: Principal, uid: str) -> datetime:
    """Freeze the account now; returns when it may be unfrozen."""
    ensure_may_read_account(principal, uid)
    now = wf.clock()
    state = wf.accounts.load(uid, withdrawals_since=now)
    delay = wf.policies.for_jurisdiction(state.jurisdiction).workflow.unfreeze_delay_hours
    unfreeze_after = now + timedelta(hours=delay)
    with wf.unit_of_work() as uow:
        if uow.freezes.active(uid, CUSTOMER_FREEZE) is not None:
            raise AlreadyFrozen("the account is already frozen at your request")
        uow.freezes.add(uid, CUSTOMER_FREEZE, at=now, unfreeze_after=unfreeze_after)
        uow.actions.freeze(uid)
        uow.audit.record(
            actor=principal.subject,
            action="account.frozen",
            subject=f"account:{uid}",
            payload={"unfreeze_after": unfreeze_after.isoformat()},
        )
        uow.notifier.notify_customer(
            uid,
            "account_frozen",
            {"unfreeze_after": unfreeze_after.isoformat()},
            subject_ref=f"account:{uid}",
        )
        uow.notifier.publish_event(
            "account.freeze", {"uid": uid, "cause": CUSTOMER_FREEZE}, subject_ref=f"account:{uid}"
        )
    return unfreeze_after


def unfreeze(wf: Workflow, principal: Principal, uid: str, totp_code: str) -> None:
    """Lift the customer's freeze after the delay, with their authenticator code. The
    account stays frozen while a closure's cooling-off (or any other freeze) applies."""
    ensure_may_read_account(principal, uid)
    if principal.is_staff:
        raise Forbidden("only the account holder may unfreeze, with their own second factor")
    now = wf.clock()
    failure: VerificationFailed | Forbidden | None = None
    with wf.unit_of_work() as uow:
        active = uow.freezes.active(uid, CUSTOMER_FREEZE)
        if active is None:
            raise NotFrozen("the account is not frozen at your request")
        _, unfreeze_after = active
        if unfreeze_after is not None and now < unfreeze_after:
            raise UnfreezeTooEarly(f"the account can be unfrozen from {unfreeze_after.isoformat()}")
        try:
            uow.step_up.check_account_totp(uid, totp_code)
        except (VerificationFailed, Forbidden) as exc:
            failure = exc  # the failed try is kept (and counted) by committing
        else:
            uow.freezes.lift(uid, CUSTOMER_FREEZE, at=now)
            if not uow.freezes.active_causes(uid):
                uow.actions.unfreeze(uid)
                uow.notifier.publish_event(
                    "account.unfreeze",
                    {"uid": uid, "cause": CUSTOMER_FREEZE},
                    subject_ref=f"account:{uid}",
                )
            uow.audit.record(
                actor=principal.subject,
                action="account.unfrozen",
                subject=f"account:{uid}",
                payload={},
            )
            uow.notifier.notify_customer(uid, "account_unfrozen", {}, subject_ref=f"account:{uid}")
    if failure is not None:
        raise failure
