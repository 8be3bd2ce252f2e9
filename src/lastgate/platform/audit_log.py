"""The audit log on the database: append inside the caller's transaction, seal the
committed entries into the chain, verify it.

Appending inserts one row (the database numbers it) with a hash of its content, and
takes no lock another writer needs: any number of transactions append at once. Sealing
(``seal``) is one short transaction that locks the ``audit_head`` row, links every
committed, unsealed entry onto the chain's end in the order they were written, and moves
the head; the worker runs it on every pass and ``verify`` runs it first. A link never
depends on another transaction's uncommitted entry: the sealer only sees committed ones,
and an entry that commits later (or a number a rolled-back transaction used, a gap) just
joins, or is absent from, the next seal. See docs/security.md, "Audit log".

Every string of an entry's payload is redacted (``kernel.redaction``) before it is hashed
and stored: the log is append-only and never erased, so a secret that reached it would
stay there for good."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Row, bindparam, insert, select, update

from lastgate.kernel import audit
from lastgate.kernel.audit import GENESIS, AuditEntry, ChainBreak, canonical_payload
from lastgate.kernel.redaction import redact_payload
from lastgate.platform.db.audit_tables import audit_head, audit_log

_BATCH = 5000


#: One entry, built once (a worker appends several per closure); values bound.
_APPEND = (
    insert(audit_log)
    .values(
        {
            name: bindparam(name)
            for name in ("occurred_at", "actor", "action", "subject", "payload", "content_hash")
        }
    )
    .returning(audit_log.c.seq)
)


def entry(
    *,
    now: datetime,
    actor: str,
    action: str,
    subject: str,
    payload: Mapping[str, Any],
) -> tuple[Insert, dict[str, Any]]:
    """The statement that adds one entry, its payload redacted, and its values: for a
    caller that sends it with others (``append`` runs it)."""
    text = canonical_payload(redact_payload(payload))
    digest = audit.content_hash(
        occurred_at=now, actor=actor, action=action, subject=subject, payload=text
    )
    values = {
        "occurred_at": now,
        "actor": actor,
        "action": action,
        "subject": subject,
        "payload": text,
        "content_hash": digest,
    }
    return _APPEND, values


def append(
    conn: Connection,
    *,
    now: datetime,
    actor: str,
    action: str,
    subject: str,
    payload: Mapping[str, Any],
) -> AuditEntry:
    """Add one entry, its payload redacted; commits or rolls back with the caller's
    transaction. It joins the chain when sealed, after it committed."""
    statement, values = entry(now=now, actor=actor, action=action, subject=subject, payload=payload)
    seq = conn.execute(statement, values).scalar_one()
    text, digest = values["payload"], values["content_hash"]
    return AuditEntry(seq, now, actor, action, subject, text, None, None, None, digest)


def _entry(r: Row[Any]) -> AuditEntry:
    return AuditEntry(
        r.seq,
        r.occurred_at,
        r.actor,
        r.action,
        r.subject,
        r.payload,
        r.prev_hash,
        r.hash,
        r.chain_seq,
        r.content_hash,
    )


def entries(conn: Connection, *, subject: str | None = None) -> Iterator[AuditEntry]:
    """Entries in chain order (all, or those about one subject), read in batches: the
    sealed ones by their place in the chain, then the unsealed ones as written."""
    for key, sealed in ((audit_log.c.chain_seq, True), (audit_log.c.seq, False)):
        last = 0
        while True:
            query = select(audit_log).where(key > last).order_by(key).limit(_BATCH)
            if not sealed:
                query = query.where(audit_log.c.chain_seq.is_(None))
            if subject is not None:
                query = query.where(audit_log.c.subject == subject)
            rows = conn.execute(query).all()
            yield from (_entry(r) for r in rows)
            if len(rows) < _BATCH:
                break
            last = rows[-1].chain_seq if sealed else rows[-1].seq


def head(conn: Connection) -> tuple[int, str]:
    """The place and hash of the last sealed entry; publish it to anchor the chain's end."""
    row = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
    return (0, GENESIS) if row is None else (row.seq, row.hash)


def _seal_batch(conn: Connection, limit: int) -> int:
    # A no-op update takes the head's row lock (SQLite: the write lock) before reading,
    # so two sealers take turns; writers never wait for it.
    locked = conn.execute(
        update(audit_head)
        .where(audit_head.c.id == 1)
        .values(seq=audit_head.c.seq)
        .returning(audit_head.c.seq, audit_head.c.hash)
    ).first()
    if locked is None:
        raise RuntimeError("audit_head has no row: run the migrations")
    rows = conn.execute(
        select(audit_log)
        .where(audit_log.c.chain_seq.is_(None))
        .order_by(audit_log.c.seq)
        .limit(limit)
    ).all()
    sealed = audit.seal((_entry(r) for r in rows), (locked.seq, locked.hash))
    if not sealed:
        return 0
    conn.execute(
        update(audit_log)
        .where(audit_log.c.seq == bindparam("b_seq"))
        .values(
            chain_seq=bindparam("b_chain_seq"),
            prev_hash=bindparam("b_prev_hash"),
            hash=bindparam("b_hash"),
        ),
        [
            {
                "b_seq": e.seq,
                "b_chain_seq": e.chain_seq,
                "b_prev_hash": e.prev_hash,
                "b_hash": e.hash,
            }
            for e in sealed
        ],
    )
    last = sealed[-1]
    conn.execute(
        update(audit_head).where(audit_head.c.id == 1).values(seq=last.chain_seq, hash=last.hash)
    )
    return len(sealed)


def seal(engine: Engine, *, batch: int = 1000) -> int:
    """Link every committed, unsealed entry onto the chain; how many it linked. Safe to run
    from any number of processes at once; takes no lock when there is nothing to seal."""
    total = 0
    with engine.connect() as conn:  # one connection: a worker's pass pays one checkout
        while True:
            pending = conn.execute(
                select(audit_log.c.seq).where(audit_log.c.chain_seq.is_(None)).limit(1)
            ).first()
            if pending is None:
                conn.rollback()
                return total
            count = _seal_batch(conn, batch)
            conn.commit()
            total += count
            if count < batch:
                return total


@dataclass(frozen=True, slots=True)
class ChainCheck:
    breaks: list[ChainBreak]
    head: tuple[int, str]  # read before the entries
    unsealed: int  # entries that committed after the seal this check ran

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify(engine: Engine, *, seal_first: bool = True) -> ChainCheck:
    """Seal what has committed (unless told not to write), then walk the whole chain
    against its head; unsealed entries are checked against their content hash."""
    if seal_first:
        seal(engine)
    with engine.connect() as conn:
        anchor = head(conn)
        unsealed = 0

        def counted() -> Iterator[AuditEntry]:
            nonlocal unsealed
            for entry in entries(conn):
                unsealed += not entry.sealed
                yield entry

        breaks = audit.verify_chain(counted(), anchor)
    return ChainCheck(breaks, anchor, unsealed)
