"""The unit of work on lastgate's database: one connection, one transaction, all stores."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from lastgate.closure.adapters.tables import account_freezes, approvals, closure_requests
from lastgate.closure.model.lifecycle import (
    TERMINAL_STATES,
    ClosureOrigin,
    ClosureReason,
    ClosureRequest,
    ClosureState,
)
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import AccountNotFound, ClosureAlreadyOpen, ConcurrentUpdate, NotFound
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import HoldKind
from lastgate.platform import audit_log
from lastgate.platform.db import pipeline

_COLUMNS = (
    "id",
    "uid",
    "state",
    "reason",
    "reason_text",
    "created_at",
    "updated_at",
    "version",
    "held_from",
    "needs_review",
    "needs_evidence",
    "cooling_off_ends_at",
    "decided_by",
    "decision_note",
    "factor_verified_at",
    "origin",
    "initiated_by",
)


def _to_row(request: ClosureRequest) -> dict[str, Any]:
    row = {name: getattr(request, name) for name in _COLUMNS}
    row["state"] = request.state.value
    row["reason"] = request.reason.value
    row["held_from"] = request.held_from.value if request.held_from else None
    row["origin"] = request.origin.value
    return row


def _from_row(row: Row[Any]) -> ClosureRequest:
    m = row._mapping
    return ClosureRequest(
        **{
            name: m[name]
            for name in _COLUMNS
            if name not in ("state", "reason", "held_from", "origin")
        },
        state=ClosureState(m["state"]),
        origin=ClosureOrigin(m["origin"]),
        reason=ClosureReason(m["reason"]),
        held_from=ClosureState(m["held_from"]) if m["held_from"] else None,
    )


_r = closure_requests.c
# Built once: a worker runs these for every closure (values bound).
_GET = select(closure_requests).where(_r.id == bindparam("request_id"))
_GET_LOCKED = _GET.with_for_update()
#: The new version of a request over the one it was read as (``version`` one less).
_SAVE = update(closure_requests).where(
    _r.id == bindparam("request_id"), _r.version == bindparam("read_version")
)


class SqlClosures:
    """Closure requests, with optimistic versions and row locks for workers."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, request: ClosureRequest) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(closure_requests), _to_row(request))
        except IntegrityError:
            raise ClosureAlreadyOpen(f"{request.uid} already has an open closure request") from None

    def get(self, request_id: str, *, lock: bool = False) -> ClosureRequest:
        query = _GET_LOCKED if lock else _GET
        row = self._conn.execute(query, {"request_id": request_id}).first()
        if row is None:
            raise NotFound(f"no closure request {request_id}")
        return _from_row(row)

    def open_for(self, uid: str) -> ClosureRequest | None:
        closed = [s.value for s in ClosureState if s in TERMINAL_STATES]
        row = self._conn.execute(
            select(closure_requests).where(
                closure_requests.c.uid == uid, closure_requests.c.state.not_in(closed)
            )
        ).first()
        return None if row is None else _from_row(row)

    def latest_for(self, uid: str) -> ClosureRequest | None:
        row = self._conn.execute(
            select(closure_requests)
            .where(closure_requests.c.uid == uid)
            .order_by(closure_requests.c.created_at.desc())
            .limit(1)
        ).first()
        return None if row is None else _from_row(row)

    def last_rejected_for(self, uid: str) -> ClosureRequest | None:
        row = self._conn.execute(
            select(closure_requests)
            .where(
                closure_requests.c.uid == uid,
                closure_requests.c.state == ClosureState.REJECTED.value,
            )
            .order_by(closure_requests.c.created_at.desc())
            .limit(1)
        ).first()
        return None if row is None else _from_row(row)

    def save(self, request: ClosureRequest) -> None:
        row = _to_row(request)
        del row["id"]
        where = {"request_id": request.id, "read_version": request.version - 1}
        result = self._conn.execute(_SAVE, {**row, **where})
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"closure request {request.id} changed meanwhile; try again")

    def claim_due(self, now: datetime, limit: int) -> Sequence[ClosureRequest]:
        c = closure_requests.c
        query = (
            select(closure_requests)
            .where(
                or_(
                    and_(c.state == ClosureState.COOLING_OFF.value, c.cooling_off_ends_at <= now),
                    c.state == ClosureState.EXECUTING.value,
                )
            )
            .order_by(c.cooling_off_ends_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_from_row(row) for row in self._conn.execute(query)]

    def in_states(self, states: Sequence[ClosureState], limit: int) -> Sequence[ClosureRequest]:
        query = (
            select(closure_requests)
            .where(closure_requests.c.state.in_([s.value for s in states]))
            .order_by(closure_requests.c.created_at)
            .limit(limit)
        )
        return [_from_row(row) for row in self._conn.execute(query)]


class SqlAudit:
    """Entries written with the unit of work's COMMIT (``later``), or at once."""

    def __init__(self, conn: Connection, clock: Clock, later: pipeline.Later | None = None):
        self._conn, self._clock = conn, clock
        self._later = later or pipeline.Later(conn, keep=False)

    def record(self, *, actor: str, action: str, subject: str, payload: Mapping[str, Any]) -> None:
        self._later.add(
            *audit_log.entry(
                now=self._clock(), actor=actor, action=action, subject=subject, payload=payload
            )
        )


_lc = ledger.customers.c
#: A customer's status set (built once: the worker closes an account per closure), and
#: the same unless the account is in one of ``unless``.
_SET_STATUS = (
    update(ledger.customers)
    .where(_lc.uid == bindparam("customer_uid"))
    .values(status=bindparam("new_status"))
)
_SET_STATUS_UNLESS = _SET_STATUS.where(_lc.status.not_in(bindparam("unless", expanding=True)))


class LedgerAccountActions:
    """The account-actions port on the reference ledger: the customer's status."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _set(self, uid: str, status: str, *, unless: tuple[str, ...] = ()) -> None:
        params: dict[str, object] = {"customer_uid": uid, "new_status": status}
        if unless:
            params["unless"] = list(unless)
        result = self._conn.execute(_SET_STATUS_UNLESS if unless else _SET_STATUS, params)
        if (
            result.rowcount == 0
            and not self._conn.execute(select(_lc.id).where(_lc.uid == uid)).first()
        ):
            raise AccountNotFound(f"no account with UID {uid}")

    def freeze(self, uid: str) -> None:
        self._set(uid, "frozen", unless=("closed",))

    def unfreeze(self, uid: str) -> None:
        self._set(uid, "active", unless=("closed",))

    def close(self, uid: str) -> None:
        self._set(uid, "closed")

    def restrict_to_withdrawals(self, uid: str) -> None:
        self._restrict(uid, True)

    def lift_withdrawal_restriction(self, uid: str) -> None:
        self._restrict(uid, False)

    def _restrict(self, uid: str, on: bool) -> None:
        c = ledger.customers.c
        result = self._conn.execute(
            update(ledger.customers).where(c.uid == uid).values(withdraw_only=on)
        )
        if result.rowcount == 0:
            raise AccountNotFound(f"no account with UID {uid}")


class SqlApprovals:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(
        self, subject: str, *, kind: str, actor: str, decision: str, note: str, at: datetime
    ) -> None:
        self._conn.execute(
            insert(approvals).values(
                subject=subject,
                kind=kind,
                actor=actor,
                decision=decision,
                note=note,
                decided_at=at,
            )
        )

    def actors(self, subject: str, kind: str) -> Sequence[str]:
        return self._column(approvals.c.actor, subject, kind)

    def notes(self, subject: str, kind: str) -> Sequence[str]:
        """The decisions' notes, oldest first (the desk reads a kept lock's ticket)."""
        return self._column(approvals.c.note, subject, kind)

    def decisions(self, subject: str, kind: str) -> Sequence[str]:
        """The decisions themselves, oldest first (was a risk-lock appeal approved)."""
        return self._column(approvals.c.decision, subject, kind)

    def _column(self, column: Any, subject: str, kind: str) -> list[str]:
        return list(
            self._conn.execute(
                select(column)
                .where(approvals.c.subject == subject, approvals.c.kind == kind)
                .order_by(approvals.c.id)
            ).scalars()
        )


_fc = account_freezes.c
#: An active freeze of one cause lifted (built once: every closure lifts one).
_LIFT = (
    update(account_freezes)
    .where(
        _fc.uid == bindparam("frozen_uid"),
        _fc.cause == bindparam("frozen_cause"),
        _fc.unfrozen_at.is_(None),
    )
    .values(unfrozen_at=bindparam("lifted_at"), version=_fc.version + 1)
)


class SqlFreezes:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, uid: str, cause: str, *, at: datetime, unfreeze_after: datetime | None) -> str:
        freeze_id = str(uuid.uuid4())
        self._conn.execute(
            insert(account_freezes).values(
                id=freeze_id,
                uid=uid,
                cause=cause,
                frozen_at=at,
                unfreeze_after=unfreeze_after,
                version=1,
            )
        )
        return freeze_id

    def lift(self, uid: str, cause: str, *, at: datetime) -> bool:
        result = self._conn.execute(
            _LIFT, {"frozen_uid": uid, "frozen_cause": cause, "lifted_at": at}
        )
        return result.rowcount > 0

    def active_causes(self, uid: str) -> Sequence[str]:
        c = account_freezes.c
        return list(
            self._conn.execute(
                select(c.cause).where(c.uid == uid, c.unfrozen_at.is_(None))
            ).scalars()
        )

    def last_lifted(self, uid: str, cause: str) -> datetime | None:
        c = account_freezes.c
        latest = select(func.max(c.unfrozen_at)).where(c.uid == uid, c.cause == cause)
        return self._conn.execute(latest).scalar()

    def active(self, uid: str, cause: str) -> tuple[str, datetime | None] | None:
        c = account_freezes.c
        row = self._conn.execute(
            select(c.id, c.unfreeze_after).where(
                c.uid == uid, c.cause == cause, c.unfrozen_at.is_(None)
            )
        ).first()
        return None if row is None else (row.id, row.unfreeze_after)


class LedgerHolds:
    """Holds on the reference ledger's ``holds`` table."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _customer_id(self, uid: str) -> int:
        cid = self._conn.execute(
            select(ledger.customers.c.id).where(ledger.customers.c.uid == uid)
        ).scalar_one_or_none()
        if cid is None:
            raise AccountNotFound(f"no account with UID {uid}")
        return int(cid)

    def place(self, uid: str, kind: HoldKind, *, reason: str, placed_by: str, at: datetime) -> str:
        hold_id = f"H-{uuid.uuid4().hex[:16]}"
        self._conn.execute(
            insert(ledger.holds).values(
                customer_id=self._customer_id(uid),
                ref=hold_id,
                kind=kind.value,
                reason=reason,
                placed_by=placed_by,
                placed_at=at,
            )
        )
        return hold_id

    def get(self, hold_id: str) -> tuple[str, HoldKind, datetime | None]:
        h, c = ledger.holds.c, ledger.customers.c
        row = self._conn.execute(
            select(c.uid, h.kind, h.lifted_at)
            .join_from(ledger.holds, ledger.customers, h.customer_id == c.id)
            .where(h.ref == hold_id)
        ).first()
        if row is None:
            raise NotFound(f"no hold {hold_id}")
        return row.uid, HoldKind(row.kind), row.lifted_at

    def lift(self, hold_id: str, *, at: datetime) -> None:
        h = ledger.holds.c
        self._conn.execute(
            update(ledger.holds).where(h.ref == hold_id, h.lifted_at.is_(None)).values(lifted_at=at)
        )

    def active(self, uid: str) -> Sequence[HoldKind]:
        h = ledger.holds.c
        return [
            HoldKind(kind)
            for kind in self._conn.execute(
                select(h.kind).where(h.customer_id == self._customer_id(uid), h.lifted_at.is_(None))
            ).scalars()
        ]


class SqlErasureQueue:
    def __init__(self, conn: Connection, later: pipeline.Later | None = None) -> None:
        self._later = later or pipeline.Later(conn, keep=False)

    def begin(self, uid: str, *, closure_id: str, closed_at: datetime) -> str:
        from lastgate.erasure.adapters.executor import begin

        return begin(self._later, uid=uid, closure_id=closure_id, closed_at=closed_at)
