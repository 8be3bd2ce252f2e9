"""Read models for the web console: a request's timeline, protective freezes in force,
the audit-chain status, the retention schedule and a closed customer's certificate
(holds and their history: ``staff_reads``). Reads only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from lastgate.closure.adapters.tables import account_freezes, approvals, closure_requests
from lastgate.closure.model.freezes import PROTECTIVE_FREEZE
from lastgate.kernel.audit import AuditEntry
from lastgate.platform import audit_log


@dataclass(frozen=True, slots=True)
class ChainStatus:
    intact: bool
    problems: tuple[str, ...]
    head_seq: int
    head_hash: str
    unsealed: int  # entries written since the worker last linked the chain (checked by content)


@dataclass(frozen=True, slots=True)
class AwaitingSecondApproval:
    """A review override one staff member approved; a second, different one must too."""

    closure_id: str
    uid: str
    first_approver: str
    approved_at: datetime


def awaiting_second_approval(engine: Engine) -> list[AwaitingSecondApproval]:
    """Requests still in review with exactly one approval, oldest approval first."""
    a, r = approvals.c, closure_requests.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.subject, a.actor, a.decided_at).where(a.kind == "review").order_by(a.id)
        ).all()
        by_subject: dict[str, list[tuple[str, datetime]]] = {}
        for row in rows:
            by_subject.setdefault(row.subject, []).append((row.actor, row.decided_at))
        single = {s.removeprefix("closure:"): v[0] for s, v in by_subject.items() if len(v) == 1}
        if not single:
            return []
        requests = conn.execute(
            select(r.id, r.uid).where(r.id.in_(list(single)), r.state == "in_review")
        ).all()
    found = [AwaitingSecondApproval(q.id, q.uid, *single[q.id]) for q in requests]
    return sorted(found, key=lambda item: item.approved_at)


def timeline(engine: Engine, subject: str) -> list[AuditEntry]:
    with engine.connect() as conn:
        return list(audit_log.entries(conn, subject=subject))


def payload(entry: AuditEntry) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(entry.payload)
    return loaded


@dataclass(frozen=True, slots=True)
class ActiveProtectiveFreeze:
    """A protective freeze in force, with who placed it and why (from its audit entry)."""

    uid: str
    frozen_at: datetime
    frozen_by: str
    reason: str


def protective_freezes(engine: Engine) -> list[ActiveProtectiveFreeze]:
    """Protective freezes in force, oldest first."""
    f = account_freezes.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(f.id, f.uid, f.frozen_at)
            .where(f.cause == PROTECTIVE_FREEZE, f.unfrozen_at.is_(None))
            .order_by(f.frozen_at)
        ).all()
    found = []
    for row in rows:
        placed = [
            (e.actor, payload(e).get("reason", ""))
            for e in timeline(engine, f"account:{row.uid}")
            if e.action == "account.protective_freeze" and payload(e).get("freeze_id") == row.id
        ]
        actor, reason = placed[-1] if placed else ("", "")
        found.append(ActiveProtectiveFreeze(row.uid, row.frozen_at, actor, str(reason)))
    return found


def chain_status(engine: Engine) -> ChainStatus:
    check = audit_log.verify(engine, seal_first=False)  # reads only; the worker seals
    breaks, (seq, digest) = check.breaks, check.head
    problems = tuple(f"#{b.seq}: {b.problem}" for b in breaks)
    return ChainStatus(not breaks, problems, seq, digest, check.unsealed)
