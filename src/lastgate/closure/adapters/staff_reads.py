"""Read models for the staff pages' history: the approvals a request in review has had,
holds with who placed and who lifted them (the two officers, their notes and times), so
that a lifted hold stays on record, and an audit timeline in the reader's words. Reads
only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from lastgate.closure.adapters import console as console_reads
from lastgate.closure.adapters.tables import approvals
from lastgate.closure.service.steps import REVIEW_APPROVAL
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.kernel.present import Kind, label
from lastgate.ledger.adapters import tables as ledger

#: The approvals' kind for a hold's lift (``review.lift_hold``).
LIFT_APPROVAL = "lift"


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
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class TimelineLine:
    """One audit entry as staff read it: when, who, the event's name and what its
    payload adds in sentences; ``data`` (the raw payload) only when nothing speaks for
    it. ``action`` stays as a small reference for support."""

    at: datetime
    actor: str
    name: str
    said: tuple[str, ...]
    action: str
    data: Mapping[str, Any]


def timeline(
    engine: Engine,
    subject: str,
    lang: str,
    details: Callable[[str, Mapping[str, Any]], list[Message]],
    explained: Callable[[str], bool],
    label_params: frozenset[str] = frozenset(),
) -> list[TimelineLine]:
    """The subject's audit entries, oldest first, in ``lang``. ``details`` gives the
    payload's sentences (the feature's own); parameters named in ``label_params`` are
    msgids, translated before they fill a sentence."""

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
                said=tuple(said(m) for m in details(entry.action, payload)),
                action=entry.action,
                data={} if explained(entry.action) else payload,
            )
        )
    return lines
