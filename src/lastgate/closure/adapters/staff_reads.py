"""Read models for the staff pages' history: the approvals a request in review has had,
holds with who placed and who lifted them (the two officers, their notes and times), so
that a lifted hold stays on record, lifted protective freezes likewise, and an audit
timeline in the reader's words. Reads only."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine, select

from lastgate.closure.adapters import console as console_reads
from lastgate.closure.adapters.tables import account_freezes, approvals
from lastgate.closure.model.freezes import PROTECTIVE_FREEZE
from lastgate.closure.service.steps import REVIEW_APPROVAL
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.kernel.present import Kind, label
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db.audit_tables import audit_log

#: The approvals' kind for a hold's lift (``review.lift_hold``).
LIFT_APPROVAL = "lift"
#: The audit action of a granted risk-lock appeal; its payload names the holds it lifted.
APPEAL_LIFT = "desk.risk_lock_appeal.approved"


@dataclass(frozen=True, slots=True)
class AppealLift:
    """A hold lifted by one compliance officer granting a risk-lock appeal (ticket)."""

    actor: str
    ticket_id: str


@dataclass(frozen=True, slots=True)
class Approval:
    """One approval given: who, when, and their note."""

    actor: str
    at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class HoldRecord:
    """A hold, in force or lifted: placed by whom, when and why; the officers who asked
    and confirmed its lift, with their notes (the last one lifted it at ``lifted_at``)."""

    id: str
    uid: str
    kind: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_at: datetime | None
    lifts: tuple[Approval, ...]
    #: When the hold was lifted by granting a risk-lock appeal, not by two officers.
    appeal: AppealLift | None = None

    @property
    def requested_by(self) -> tuple[str, ...]:
        return tuple(a.actor for a in self.lifts)


def _approvals(engine: Engine, kind: str, subjects: Iterable[str]) -> dict[str, list[Approval]]:
    wanted = list(subjects)
    if not wanted:
        return {}
    a = approvals.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.subject, a.actor, a.decided_at, a.note)
            .where(a.kind == kind, a.subject.in_(wanted))
            .order_by(a.id)
        ).all()
    found: dict[str, list[Approval]] = {}
    for row in rows:
        found.setdefault(row.subject, []).append(Approval(row.actor, row.decided_at, row.note))
    return found


def review_approvals(engine: Engine, request_ids: Iterable[str]) -> dict[str, list[Approval]]:
    """Each request's review approvals so far, oldest first (requests without: absent)."""
    found = _approvals(engine, REVIEW_APPROVAL, (f"closure:{i}" for i in request_ids))
    return {subject.removeprefix("closure:"): given for subject, given in found.items()}


def holds(engine: Engine, *, lifted: bool, limit: int = 100) -> list[HoldRecord]:
    """Holds in force (oldest first), or lifted ones (most recently lifted first)."""
    h, c = ledger.holds.c, ledger.customers.c
    query = select(h.ref, c.uid, h.kind, h.reason, h.placed_by, h.placed_at, h.lifted_at).join(
        ledger.customers, c.id == h.customer_id
    )
    if lifted:
        query = query.where(h.lifted_at.is_not(None)).order_by(h.lifted_at.desc())
    else:
        query = query.where(h.lifted_at.is_(None)).order_by(h.placed_at)
    with engine.connect() as conn:
        rows = conn.execute(query.limit(limit)).all()
    lifts = _approvals(engine, LIFT_APPROVAL, (f"hold:{r.ref}" for r in rows))
    by_appeal = _appeal_lifts(engine, {r.lifted_at for r in rows if r.lifted_at is not None})
    return [
        HoldRecord(
            r.ref,
            r.uid,
            r.kind,
            r.reason,
            r.placed_by,
            r.placed_at,
            r.lifted_at,
            tuple(lifts.get(f"hold:{r.ref}", ())),
            None if f"hold:{r.ref}" in lifts else by_appeal.get(r.ref),
        )
        for r in rows
    ]


def _appeal_lifts(engine: Engine, moments: set[datetime]) -> dict[str, AppealLift]:
    """Holds (by id) lifted by granting a risk-lock appeal, from the appeals' audit
    entries written since the earliest of ``moments`` (the lifts shown)."""
    if not moments:
        return {}
    a = audit_log.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(a.actor, a.subject, a.payload).where(
                a.action == APPEAL_LIFT, a.occurred_at >= min(moments)
            )
        ).all()
    found: dict[str, AppealLift] = {}
    for row in rows:
        ticket_id = row.subject.removeprefix("ticket:")
        for hold_id in json.loads(row.payload).get("holds_lifted", ()):
            found[str(hold_id)] = AppealLift(row.actor, ticket_id)
    return found


@dataclass(frozen=True, slots=True)
class TimelineLine:
    """One audit entry as staff read it: when, who, the event's name and what its
    payload adds in sentences; ``data`` (the raw payload) only when nothing speaks for
    it. ``action`` stays as a small reference for support."""

    at: datetime
    actor: str
    name: str
    said: tuple[str, ...]
    typed: tuple[tuple[str, str], ...]
    action: str
    data: Mapping[str, Any]


class TimelineWords(Protocol):
    """A feature's events module (``closure.model.events``, ``desk.model.events``)."""

    def details(self, action: str, payload: Mapping[str, Any]) -> list[Message]: ...

    def typed(self, action: str, payload: Mapping[str, Any]) -> list[tuple[str, str]]: ...

    def explained(self, action: str) -> bool: ...


def timeline(
    engine: Engine,
    subject: str,
    lang: str,
    feature: TimelineWords,
    label_params: frozenset[str] = frozenset(),
) -> list[TimelineLine]:
    """The subject's audit entries, oldest first, in ``lang``. ``feature`` gives the
    payload's sentences and typed texts (the feature's own events module); parameters
    named in ``label_params`` are msgids, translated before they fill a sentence."""

    def said(message: Message) -> str:
        params = {
            k: translate(Message(v), lang) if k in label_params else v
            for k, v in message.params.items()
        }
        return translate(Message(message.msgid, params), lang)

    lines = []
    for entry in console_reads.timeline(engine, subject):
        payload = console_reads.payload(entry)
        lines.append(
            TimelineLine(
                at=entry.occurred_at,
                actor=entry.actor,
                name=label(Kind.EVENT, entry.action, lang),
                said=tuple(said(m) for m in feature.details(entry.action, payload)),
                typed=tuple(
                    (translate(Message(name), lang), value)
                    for name, value in feature.typed(entry.action, payload)
                ),
                action=entry.action,
                data={} if feature.explained(entry.action) else payload,
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class LiftedProtectiveFreeze:
    """A protective freeze no longer in force: who froze the account, when and why; who
    lifted it, when, and their note (from the two audit entries)."""

    uid: str
    frozen_at: datetime
    frozen_by: str
    reason: str
    lifted_at: datetime
    lifted_by: str
    note: str


def lifted_protective_freezes(engine: Engine, limit: int = 50) -> list[LiftedProtectiveFreeze]:
    """Protective freezes lifted, most recently lifted first."""
    f = account_freezes.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(f.id, f.uid, f.frozen_at, f.unfrozen_at)
            .where(f.cause == PROTECTIVE_FREEZE, f.unfrozen_at.is_not(None))
            .order_by(f.unfrozen_at.desc())
            .limit(limit)
        ).all()
    found = []
    for row in rows:
        entries = console_reads.timeline(engine, f"account:{row.uid}")
        placed = next(
            (
                i
                for i, e in enumerate(entries)
                if e.action == "account.protective_freeze"
                and console_reads.payload(e).get("freeze_id") == row.id
            ),
            None,
        )
        after = entries[placed:] if placed is not None else []
        lift = next((e for e in after if e.action == "account.protective_freeze_lifted"), None)
        found.append(
            LiftedProtectiveFreeze(
                uid=row.uid,
                frozen_at=row.frozen_at,
                frozen_by=after[0].actor if after else "",
                reason=str(console_reads.payload(after[0]).get("reason", "")) if after else "",
                lifted_at=row.unfrozen_at,
                lifted_by=lift.actor if lift else "",
                note=str(console_reads.payload(lift).get("note", "")) if lift else "",
            )
        )
    return found
