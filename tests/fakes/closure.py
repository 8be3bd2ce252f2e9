"""Fakes of the closure unit of work's stores: requests, audit, notices, ledger, approvals.

Each works on its unit's ``Transaction`` and behaves as the SQL adapter does where the
services rely on it: one open request per customer, versioned saves, freezes by cause.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import AccountNotFound, ClosureAlreadyOpen, ConcurrentUpdate, NotFound
from lastgate.ledger.model import AccountState, CustomerStatus, Hold, HoldKind
from tests.fakes.store import (
    Approval,
    AuditEntry,
    ErasureRun,
    Event,
    Freeze,
    Notice,
    Transaction,
)


class FakeClosures:
    """Closure requests: one open request per customer, saves checked by version."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add(self, request: ClosureRequest) -> None:
        t = self._tx.tables
        if request.id in t.closures or (request.is_open and self.open_for(request.uid)):
            raise ClosureAlreadyOpen(f"{request.uid} already has an open closure request")
        t.closures[request.id] = request

    def get(self, request_id: str, *, lock: bool = False) -> ClosureRequest:
        try:
            return self._tx.tables.closures[request_id]
        except KeyError:
            raise NotFound(f"no closure request {request_id}") from None

    def open_for(self, uid: str) -> ClosureRequest | None:
        return next(
            (r for r in self._tx.tables.closures.values() if r.uid == uid and r.is_open), None
        )

    def latest_for(self, uid: str) -> ClosureRequest | None:
        mine = [r for r in self._tx.tables.closures.values() if r.uid == uid]
        return max(mine, key=lambda r: r.created_at, default=None)

    def last_rejected_for(self, uid: str) -> ClosureRequest | None:
        mine = [
            r
            for r in self._tx.tables.closures.values()
            if r.uid == uid and r.state is ClosureState.REJECTED
        ]
        return max(mine, key=lambda r: r.created_at, default=None)

    def save(self, request: ClosureRequest) -> None:
        stored = self._tx.tables.closures.get(request.id)
        if stored is None or stored.version != request.version - 1:
            raise ConcurrentUpdate(f"closure request {request.id} changed meanwhile; try again")
        self._tx.tables.closures[request.id] = request

    def claim_due(self, now: datetime, limit: int) -> Sequence[ClosureRequest]:
        due = [
            r
            for r in self._tx.tables.closures.values()
            if r.state is ClosureState.EXECUTING
            or (
                r.state is ClosureState.COOLING_OFF
                and r.cooling_off_ends_at is not None
                and r.cooling_off_ends_at <= now
            )
        ]
        return sorted(due, key=lambda r: r.cooling_off_ends_at or r.created_at)[:limit]

    def in_states(self, states: Sequence[ClosureState], limit: int) -> Sequence[ClosureRequest]:
        chosen = [r for r in self._tx.tables.closures.values() if r.state in states]
        return sorted(chosen, key=lambda r: r.created_at)[:limit]


class FakeAudit:
    """The audit trail as a list of entries, stamped by the clock."""

    def __init__(self, tx: Transaction, clock: Clock) -> None:
        self._tx, self._clock = tx, clock

    def record(self, *, actor: str, action: str, subject: str, payload: Mapping[str, Any]) -> None:
        entry = AuditEntry(actor, action, subject, dict(payload), self._clock())
        self._tx.tables.audit.append(entry)


class FakeNotifier:
    """Notices and events as the outbox would hold them; nothing is delivered."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def notify_customer(
        self,
        uid: str,
        topic: str,
        params: Mapping[str, str],
        *,
        subject_ref: str,
        deliver_after: datetime | None = None,
        channels: Sequence[str] | None = None,
        language: str | None = None,
    ) -> None:
        if topic == self._tx.store.failing_topic:
            raise RuntimeError(f"injected failure sending {topic}")
        chosen = None if channels is None else tuple(channels)
        notice = Notice(
            uid, topic, dict(params), subject_ref, deliver_after, chosen, language=language
        )
        self._tx.tables.notices.append(notice)

    def publish_event(self, topic: str, payload: Mapping[str, Any], *, subject_ref: str) -> None:
        self._tx.tables.events.append(Event(topic, dict(payload), subject_ref))

    def void(self, subject_ref: str, topics: Sequence[str]) -> int:
        notices = self._tx.tables.notices
        hits = [
            i
            for i, n in enumerate(notices)
            if n.subject_ref == subject_ref and n.topic in topics and not n.voided
        ]
        for i in hits:
            notices[i] = replace(notices[i], voided=True)
        return len(hits)

    def remember_language(self, uid: str, language: str) -> None:
        self._tx.tables.languages[uid] = language


class _LedgerPart:
    """A part working on the in-memory reference ledger (``Tables.accounts``)."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def _account(self, uid: str) -> AccountState:
        try:
            return self._tx.tables.accounts[uid]
        except KeyError:
            raise AccountNotFound(f"no account with UID {uid}") from None


class FakeAccountActions(_LedgerPart):
    """The customer's status on the ledger; a closed account stays closed."""

    def _set(self, uid: str, status: CustomerStatus, *, unless_closed: bool = True) -> None:
        state = self._account(uid)
        if not (unless_closed and state.status is CustomerStatus.CLOSED):
            self._tx.tables.accounts[uid] = replace(state, status=status)

    def freeze(self, uid: str) -> None:
        self._set(uid, CustomerStatus.FROZEN)

    def unfreeze(self, uid: str) -> None:
        self._set(uid, CustomerStatus.ACTIVE)

    def close(self, uid: str) -> None:
        self._set(uid, CustomerStatus.CLOSED, unless_closed=False)

    def restrict_to_withdrawals(self, uid: str) -> None:
        self._account(uid)
        self._tx.tables.withdraw_only.add(uid)

    def lift_withdrawal_restriction(self, uid: str) -> None:
        self._account(uid)
        self._tx.tables.withdraw_only.discard(uid)


class FakeHolds(_LedgerPart):
    """Holds kept on the account's ``AccountState``, so the account reader sees them."""

    def place(self, uid: str, kind: HoldKind, *, reason: str, placed_by: str, at: datetime) -> str:
        state = self._account(uid)
        hold_id = f"H-{uuid.uuid4().hex[:16]}"
        held = replace(state, holds=(*state.holds, Hold(hold_id, kind, reason, at)))
        self._tx.tables.accounts[uid] = held
        self._tx.tables.hold_placers[hold_id] = placed_by
        return hold_id

    def _find(self, hold_id: str) -> tuple[AccountState, Hold]:
        for state in self._tx.tables.accounts.values():
            for hold in state.holds:
                if hold.id == hold_id:
                    return state, hold
        raise NotFound(f"no hold {hold_id}")

    def get(self, hold_id: str) -> tuple[str, HoldKind, datetime | None]:
        state, hold = self._find(hold_id)
        return state.uid, hold.kind, hold.lifted_at

    def lift(self, hold_id: str, *, at: datetime) -> None:
        state, hold = self._find(hold_id)
        if hold.lifted_at is None:
            lifted = tuple(replace(h, lifted_at=at) if h is hold else h for h in state.holds)
            self._tx.tables.accounts[state.uid] = replace(state, holds=lifted)

    def active(self, uid: str) -> Sequence[HoldKind]:
        return [h.kind for h in self._account(uid).holds if h.active]


class FakeFreezes:
    """Freezes kept apart by cause, as ``account_freezes`` rows are."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add(self, uid: str, cause: str, *, at: datetime, unfreeze_after: datetime | None) -> str:
        freeze = Freeze(str(uuid.uuid4()), uid, cause, at, unfreeze_after)
        self._tx.tables.freezes.append(freeze)
        return freeze.id

    def lift(self, uid: str, cause: str, *, at: datetime) -> bool:
        freezes = self._tx.tables.freezes
        hits = [
            i
            for i, f in enumerate(freezes)
            if (f.uid, f.cause, f.unfrozen_at) == (uid, cause, None)
        ]
        for i in hits:
            freezes[i] = replace(freezes[i], unfrozen_at=at)
        return bool(hits)

    def active_causes(self, uid: str) -> Sequence[str]:
        return [f.cause for f in self._tx.tables.freezes if f.uid == uid and f.unfrozen_at is None]

    def last_lifted(self, uid: str, cause: str) -> datetime | None:
        lifted = [
            f.unfrozen_at for f in self._tx.tables.freezes if (f.uid, f.cause) == (uid, cause)
        ]
        return max((at for at in lifted if at is not None), default=None)

    def active(self, uid: str, cause: str) -> tuple[str, datetime | None] | None:
        for f in self._tx.tables.freezes:
            if (f.uid, f.cause, f.unfrozen_at) == (uid, cause, None):
                return f.id, f.unfreeze_after
        return None


class FakeApprovals:
    """Decisions by people, in the order they were recorded."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def record(
        self, subject: str, *, kind: str, actor: str, decision: str, note: str, at: datetime
    ) -> None:
        self._tx.tables.approvals.append(Approval(subject, kind, actor, decision, note, at))

    def actors(self, subject: str, kind: str) -> Sequence[str]:
        return [
            a.actor for a in self._tx.tables.approvals if (a.subject, a.kind) == (subject, kind)
        ]


class FakeErasureQueue:
    """Erasure runs queued for closed accounts (none is carried out)."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def begin(self, uid: str, *, closure_id: str, closed_at: datetime) -> str:
        run = ErasureRun(str(uuid.uuid4()), uid, closure_id, closed_at)
        self._tx.tables.erasures.append(run)
        return run.id
