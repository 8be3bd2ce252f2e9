"""The temporary freeze: what many customers want instead of closing. Reversible, but a
thief who takes the account cannot undo it at once: unfreezing waits the policy's delay
and needs the customer's authenticator code. ``freeze_terms`` says all this before the
customer decides, and whether the freeze is offered at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lastgate.closure.model.freezes import CUSTOMER_FREEZE, freeze_left
from lastgate.closure.service.closed import open_account
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Principal, ensure_account_holder, ensure_may_read_account
from lastgate.kernel.errors import AlreadyFrozen, Conflict, Forbidden, VerificationFailed
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import CustomerStatus

__all__ = [
    "CUSTOMER_FREEZE",
    "AlreadyFrozen",
    "FreezeTerms",
    "NotFrozen",
    "UnfreezeTooEarly",
    "freeze",
    "freeze_terms",
    "unfreeze",
]


class NotFrozen(Conflict):
    code = "NOT_FROZEN"


class UnfreezeTooEarly(Conflict):
    code = "UNFREEZE_TOO_EARLY"


@dataclass(frozen=True, slots=True)
class FreezeTerms:
    """What the customer is told before freezing. ``available``: the account is active
    (neither frozen nor closed). ``can_undo``: they have a confirmed authenticator, the
    factor that unfreezes; the pages offer the freeze only when both hold.
    ``unfreeze_after``: when a freeze made now could be lifted; ``recovery_waiting_hours``:
    the wait after support verifies a lost authenticator."""

    available: bool
    can_undo: bool
    unfreeze_after: datetime
    recovery_waiting_hours: int


def freeze_terms(wf: Workflow, principal: Principal, uid: str) -> FreezeTerms:
    """The conditions of a freeze made now, read before the customer is asked."""
    ensure_may_read_account(principal, uid)
    now = wf.clock()
    state = wf.accounts.load(uid, withdrawals_since=now)
    policy = wf.policies.for_jurisdiction(state.jurisdiction)
    with wf.unit_of_work() as uow:
        frozen = _is_frozen(state.status, uow.freezes.active_causes(uid))
        options = uow.step_up.verification_options(uid)
    return FreezeTerms(
        available=state.status is CustomerStatus.ACTIVE and not frozen,
        can_undo=options.authenticator_since is not None,
        unfreeze_after=_unfreeze_after(policy, now),
        recovery_waiting_hours=policy.desk.recovery_waiting_hours,
    )


def freezes_in_force(wf: Workflow, principal: Principal, uid: str) -> frozenset[str]:
    """The causes that freeze ``uid`` now (``model.freezes``): the pages say what holds it."""
    ensure_may_read_account(principal, uid)
    with wf.unit_of_work() as uow:
        return frozenset(uow.freezes.active_causes(uid))


def _is_frozen(status: CustomerStatus, causes: Sequence[str]) -> bool:
    return status is CustomerStatus.FROZEN or bool(causes)


def _unfreeze_after(policy: Policy, now: datetime) -> datetime:
    return now + timedelta(hours=policy.workflow.unfreeze_delay_hours)


def freeze(wf: Workflow, principal: Principal, uid: str) -> datetime:
    """Freeze the account now; returns when it may be unfrozen. ``AlreadyFrozen`` if it
    is frozen for any cause (the customer's own freeze, a closure's cooling-off). The
    account holder's alone: staff freeze with ``protective_freeze``."""
    ensure_account_holder(principal, uid)
    state = open_account(wf, principal, uid)
    now = wf.clock()
    unfreeze_after = _unfreeze_after(wf.policies.for_jurisdiction(state.jurisdiction), now)
    with wf.unit_of_work() as uow:
        if _is_frozen(state.status, uow.freezes.active_causes(uid)):
            raise AlreadyFrozen("the account is already frozen")
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
    account stays frozen while a closure's cooling-off (or any other freeze) applies: the
    customer is told it is unfrozen only when nothing else holds it, else what still does
    (``own_freeze_lifted``, ``model.freezes.freeze_left``)."""
    ensure_account_holder(principal, uid)  # with their own second factor
    open_account(wf, principal, uid)
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
            left = freeze_left(uow.freezes.active_causes(uid), lifted=CUSTOMER_FREEZE)
            if left is None:
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
            # "available again" only when true; else what still holds the account.
            topic, params = (
                ("account_unfrozen", {})
                if left is None
                else ("own_freeze_lifted", {"freeze_left": left})
            )
            uow.notifier.notify_customer(uid, topic, params, subject_ref=f"account:{uid}")
    if failure is not None:
        raise failure
