"""Appeals and recoveries with effect: a risk-lock appeal approved by compliance lifts
the lock; a rejected closure is re-reviewed by a different agent; a lost second factor
is replaced after reviewed evidence and a waiting period.

Each decision is one unit of work: the ticket, the account change, the audit entries
and the customer's notices commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service.appeal import reopen_on_appeal, uphold_on_appeal
from lastgate.closure.service.steps import DifferentReviewerRequired
from lastgate.desk.model import tickets as t
from lastgate.desk.model.staff_actions import may_review_closure_appeal, recovery_evidence_complete
from lastgate.desk.ports import CredentialRecovery, DeskUnitOfWork, LockRecords
from lastgate.desk.service.desk import Desk
from lastgate.desk.service.spoken import ticket_language
from lastgate.desk.service.steps import _audit, _message, _move, _readable, subject_of
from lastgate.eligibility.model.checks.restrictions import KeptLock
from lastgate.kernel.access import (
    Principal,
    Role,
    ensure_account_holder,
    ensure_may_read_account,
    ensure_staff,
)
from lastgate.kernel.errors import Conflict, IllegalTransition, InvalidInput
from lastgate.kernel.policy import DeskPolicy
from lastgate.kernel.redaction import redact
from lastgate.ledger.model import HoldKind


class RecoveryWaiting(Conflict):
    """The recovery's waiting period has not ended."""

    code = "RECOVERY_WAITING"


class EvidenceMissing(Conflict):
    """A recovery needs an identity document and a video statement on the ticket."""

    code = "EVIDENCE_MISSING"


#: Recorded on each risk lock a refused appeal keeps (its subject ``lock_subject``): that
#: lock's appeal is decided, so the self-check and the assistant offer it no more.
KEPT_ON_APPEAL = "risk_lock_kept_on_appeal"
LOCK_APPEALS = t.TicketCategory.ACCOUNT_LOCKED
#: The decision recorded on a risk-lock appeal's ticket (``approved`` or ``rejected``).
LOCK_APPEAL_DECISION = "risk_lock_appeal"


def lock_subject(hold_id: str) -> str:
    return f"hold:{hold_id}"


def lock_kept_on_appeal(records: LockRecords, uid: str) -> str | None:
    """The appeal ticket whose refusal keeps the account's risk lock, when every active
    risk lock was kept on appeal (a lock placed since is appealable like any); else None.
    The one rule: whatever lies behind the lock, the answer is the same."""
    locks = records.hold_refs.active(uid, HoldKind.RISK_LOCK)
    kept = [records.approvals.notes(lock_subject(h), KEPT_ON_APPEAL) for h in locks]
    if not kept or not all(kept):
        return None
    # Each refusal is recorded on every lock active then, so the latest refusal, the one
    # that keeps them all, is the last decision on each of them: its note is its ticket.
    return kept[0][-1]


def kept_lock(records: LockRecords, uid: str, policy: DeskPolicy, now: datetime) -> KeptLock | None:
    """``lock_kept_on_appeal`` with whether its ticket still takes the customer's reply
    (``tickets.takes_reply``, the one rule): past it, they write in a new ticket."""
    ticket_id = lock_kept_on_appeal(records, uid)
    if ticket_id is None:
        return None
    return KeptLock(ticket_id, t.takes_reply(records.tickets.get(ticket_id), policy, now))


@dataclass(frozen=True, slots=True)
class LocksKeptOnAppeal:
    """``eligibility.ports.LockAppeals`` over the desk's records: every customer view of
    the report says a lock kept on appeal stays (``kept_lock``)."""

    records: Callable[[], AbstractContextManager[LockRecords]]

    def kept_on_appeal(self, uid: str, policy: DeskPolicy, now: datetime) -> KeptLock | None:
        with self.records() as records:
            return kept_lock(records, uid, policy, now)


def risk_lock_appeal_refused(desk: Desk, principal: Principal, uid: str) -> KeptLock | None:
    """``kept_lock`` for ``uid``'s own pages: where the card and Help lead."""
    ensure_may_read_account(principal, uid)
    policy, now = desk.policy_for(uid), desk.clock()
    with desk.unit_of_work() as uow:
        return kept_lock(uow, uid, policy, now)


def lock_kept_on_ticket(desk: Desk, principal: Principal, ticket: t.Ticket) -> KeptLock | None:
    """``kept_lock`` when ``ticket`` is the appeal whose refusal keeps the lock: what its
    page says (``KeptLock.on_its_ticket``), the same whatever lies behind the lock."""
    if ticket.category is not LOCK_APPEALS:
        return None
    kept = risk_lock_appeal_refused(desk, principal, ticket.uid)
    return kept if kept is not None and kept.ticket_id == ticket.id else None


def lock_lifted_on_appeal(desk: Desk, principal: Principal, ticket: t.Ticket) -> bool:
    """``ticket`` is a risk-lock appeal that was approved (``decide_risk_lock_appeal``
    lifted every risk lock then active)."""
    if ticket.category is not LOCK_APPEALS:
        return False
    ensure_may_read_account(principal, ticket.uid)
    with desk.unit_of_work() as uow:
        decided = uow.approvals.decisions(subject_of(ticket.id), LOCK_APPEAL_DECISION)
    return bool(decided) and decided[-1] == "approved"


def _ticket_of(uow: DeskUnitOfWork, ticket_id: str, category: t.TicketCategory) -> t.Ticket:
    ticket = uow.tickets.get(ticket_id, lock=True)
    if ticket.category is not category:
        raise InvalidInput(f"ticket {ticket_id} is not a {category.value} ticket")
    if not ticket.is_open:
        raise IllegalTransition(f"ticket {ticket_id} is {ticket.state.value}")
    return ticket


def _resolve(
    desk: Desk, uow: DeskUnitOfWork, ticket: t.Ticket, principal: Principal, note: str
) -> t.Ticket:
    now = desk.clock()
    _message(uow, ticket, principal, note, t.Visibility.PUBLIC, now)
    first = {"first_response_at": now} if ticket.first_response_at is None else {}
    return _move(
        uow,
        ticket,
        t.TicketEvent.RESOLVE,
        actor=principal.subject,
        now=now,
        policy=desk.policy_for(ticket.uid),
        **first,
    )


def _tell_decision(
    desk: Desk, uow: DeskUnitOfWork, ticket: t.Ticket, topic: str, **more: str
) -> None:
    """The customer's notice of an appeal decided on ``ticket``, in the language they
    wrote it in, in the decision's unit of work: the decision and the next step, with a
    link to the answer posted on the ticket (the reasons, in the words staff wrote);
    ``more``: the topic's other parameters."""
    uow.notifier.notify_customer(
        ticket.uid,
        topic,
        {"ticket_ref": ticket.id[:8], "ticket_url": desk.ticket_url(ticket.id), **more},
        subject_ref=subject_of(ticket.id),
        language=ticket_language(uow, desk.files, ticket.id),
    )


def decide_risk_lock_appeal(
    desk: Desk, principal: Principal, ticket_id: str, *, approve: bool, note: str
) -> list[str]:
    """A compliance officer decides an ``account_locked`` appeal; approving lifts every
    active risk lock. The customer is told either way (``risk_lock_lifted``: approved,
    even when no lock was left to lift; ``risk_lock_appeal_rejected``). Returns the ids
    of the holds lifted."""
    ensure_staff(principal, Role.COMPLIANCE)
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = _ticket_of(uow, ticket_id, LOCK_APPEALS)
        locks = list(uow.hold_refs.active(ticket.uid, HoldKind.RISK_LOCK))
        lifted = locks if approve else []
        for hold_id in lifted:
            uow.holds.lift(hold_id, at=now)
        for hold_id in [] if approve else locks:  # kept: its appeal is decided
            uow.approvals.record(
                lock_subject(hold_id),
                kind=KEPT_ON_APPEAL,
                actor=principal.subject,
                decision="kept",
                note=ticket.id,
                at=now,
            )
        uow.approvals.record(
            subject_of(ticket.id),
            kind=LOCK_APPEAL_DECISION,
            actor=principal.subject,
            decision="approved" if approve else "rejected",
            note=redact(note).text,  # the message posted below is redacted too
            at=now,
        )
        _audit(
            uow,
            principal.subject,
            "risk_lock_appeal." + ("approved" if approve else "rejected"),
            ticket.id,
            holds_lifted=lifted,
        )
        resolved = _resolve(desk, uow, ticket, principal, note)
        if approve:
            _tell_decision(desk, uow, ticket, "risk_lock_lifted")
        else:  # more to say goes on this ticket while it takes replies, then in a new one
            reply_by = t.reopen_until(resolved, desk.policy_for(ticket.uid))
            assert reply_by is not None  # resolved just now
            _tell_decision(
                desk, uow, ticket, "risk_lock_appeal_rejected", reply_by_at=reply_by.isoformat()
            )
        if lifted:
            uow.notifier.publish_event(
                "account.risk_lock_lifted",
                {"uid": ticket.uid, "holds": lifted},
                subject_ref=subject_of(ticket.id),
            )
    return lifted


def decide_closure_appeal(
    desk: Desk, principal: Principal, ticket_id: str, *, overturn: bool, note: str
) -> ClosureState:
    """Another agent than the one who rejected the closure re-reviews it; overturning
    sends the request back to review. Returns the closure's state afterwards."""
    ensure_staff(principal)
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = _ticket_of(uow, ticket_id, t.TicketCategory.CLOSURE_REJECTED)
        if ticket.related_closure_id is None:
            raise InvalidInput("the appeal names no closure request")
        request = uow.closures.get(ticket.related_closure_id, lock=True)
        if request.uid != ticket.uid or request.state is not ClosureState.REJECTED:
            raise IllegalTransition("the closure request is not rejected")
        if not may_review_closure_appeal(request.decided_by, principal.subject):
            raise DifferentReviewerRequired("the agent who rejected it may not re-review it")
        state: ClosureState = request.state
        if overturn:
            after = reopen_on_appeal(
                uow, request, actor=principal.subject, now=now, ticket_id=ticket.id
            )
            state = after.state
        else:
            uphold_on_appeal(uow, request, actor=principal.subject, now=now, ticket_id=ticket.id)
        uow.approvals.record(
            subject_of(ticket.id),
            kind="closure_appeal",
            actor=principal.subject,
            decision="overturned" if overturn else "upheld",
            note=redact(note).text,  # the message posted below is redacted too
            at=now,
        )
        _audit(
            uow,
            principal.subject,
            "closure_appeal." + ("overturned" if overturn else "upheld"),
            ticket.id,
            closure_id=request.id,
        )
        _resolve(desk, uow, ticket, principal, note)
        _tell_decision(
            desk, uow, ticket, "closure_appeal_overturned" if overturn else "closure_appeal_upheld"
        )
    return state


# -- credential recovery ------------------------------------------------------------------


def review_recovery(
    desk: Desk, principal: Principal, ticket_id: str, *, approve: bool, note: str
) -> CredentialRecovery:
    """An agent decides a ``credential_recovery`` ticket on its document and video
    statement; approval takes effect after the policy's waiting period, and the
    customer is told on every verified channel so that a real owner can stop it."""
    ensure_staff(principal)
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = _ticket_of(uow, ticket_id, t.TicketCategory.CREDENTIAL_RECOVERY)
        present = {a.purpose for a in uow.tickets.attachments(ticket.id, include_internal=True)}
        if approve and not recovery_evidence_complete(present):
            raise EvidenceMissing("an identity document and a video statement are needed")
        if uow.recoveries.for_ticket(ticket.id) is not None:
            raise IllegalTransition("this recovery is already decided")
        wait = timedelta(hours=desk.policy_for(ticket.uid).recovery_waiting_hours)
        recovery = CredentialRecovery(
            id=str(uuid.uuid4()),
            ticket_id=ticket.id,
            uid=ticket.uid,
            state="approved" if approve else "rejected",
            requested_at=ticket.created_at,
            reviewed_by=principal.subject,
            reviewed_at=now,
            effective_at=now + wait if approve else None,
        )
        uow.recoveries.add(recovery)
        _audit(
            uow,
            principal.subject,
            "recovery." + recovery.state,
            ticket.id,
            recovery_id=recovery.id,
            effective_at=recovery.effective_at.isoformat() if recovery.effective_at else None,
        )
        _resolve(desk, uow, ticket, principal, note)
        if approve:
            assert recovery.effective_at is not None
            uow.notifier.notify_customer(
                ticket.uid,
                "recovery_approved",
                {
                    "effective_at": recovery.effective_at.isoformat(),
                    "ticket_url": desk.ticket_url(ticket.id),
                },
                subject_ref=subject_of(ticket.id),
            )
    return recovery


def recovery_of(desk: Desk, principal: Principal, ticket_id: str) -> CredentialRecovery | None:
    """The recovery decided on a ticket, if any, for its owner or staff."""
    with desk.unit_of_work() as uow:
        _readable(principal, uow.tickets.get(ticket_id))
        return uow.recoveries.for_ticket(ticket_id)


def _recovery(uow: DeskUnitOfWork, principal: Principal, ticket_id: str) -> CredentialRecovery:
    ticket = uow.tickets.get(ticket_id)
    _readable(principal, ticket)
    found = uow.recoveries.for_ticket(ticket_id)
    if found is None or found.state != "approved":
        raise IllegalTransition("no approved recovery on this ticket")
    return uow.recoveries.get(found.id, lock=True)


def complete_recovery(desk: Desk, principal: Principal, ticket_id: str) -> CredentialRecovery:
    """After the waiting period, the customer's old second factor is forgotten, so that
    they can enrol a new one; before it, ``RecoveryWaiting``. The account holder's alone."""
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id)
        _readable(principal, ticket)  # another customer's ticket: not found
        ensure_account_holder(principal, ticket.uid)  # staff: forbidden
        recovery = _recovery(uow, principal, ticket_id)
        assert recovery.effective_at is not None
        if now < recovery.effective_at:
            raise RecoveryWaiting(
                f"the new factor can be set up after {recovery.effective_at.isoformat()}"
            )
        removed = uow.factors.remove(recovery.uid)
        done = replace(recovery, state="completed", completed_at=now)
        uow.recoveries.save(done)
        _audit(uow, principal.subject, "recovery.completed", ticket_id, factor_removed=removed)
    return done


def cancel_recovery(desk: Desk, principal: Principal, ticket_id: str) -> CredentialRecovery:
    """The account holder (or staff) stops an approved recovery before it completes."""
    now = desk.clock()
    with desk.unit_of_work() as uow:
        recovery = _recovery(uow, principal, ticket_id)
        done = replace(recovery, state="cancelled", completed_at=now)
        uow.recoveries.save(done)
        _audit(uow, principal.subject, "recovery.cancelled", ticket_id)
    return done


def rejected_closure(desk: Desk, principal: Principal, uid: str) -> bool:
    """Whether ``uid`` has a rejected closure request to appeal (the topic is offered)."""
    ensure_may_read_account(principal, uid)
    with desk.unit_of_work() as uow:
        return uow.closures.last_rejected_for(uid) is not None
