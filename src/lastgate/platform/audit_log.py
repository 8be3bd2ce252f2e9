"""The audit log on the database: append inside the caller's transaction, verify the chain.

Every string of an entry's payload is redacted (``kernel.redaction``) before it is hashed
and stored: the log is append-only and never erased, so a secret that reached it would
stay there for good."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from lastgate.kernel.audit import GENESIS, AuditEntry, canonical_payload, entry_hash
from lastgate.kernel.redaction import redact_payload
from lastgate.platform.db.audit_tables import audit_head, audit_log

_BATCH = 5000


def append(
    conn: Connection,
    *,
    now: datetime,
    actor: str,
    action: str,
    subject: str,
    payload: Mapping[str, Any],
) -> AuditEntry:
    """Add one entry to the chain, its payload redacted; commits or rolls back with the
    caller's transaction."""
    head = conn.execute(
        update(audit_head)
        .where(audit_head.c.id == 1)
        .values(seq=audit_head.c.seq + 1)
        .returning(audit_head.c.seq, audit_head.c.hash)
    ).first()
    if head is None:
        raise RuntimeError("audit_head has no row: run the migrations")
    seq, prev_hash = head.seq, head.hash
    text = canonical_payload(redact_payload(payload))
    digest = entry_hash(
        seq=seq,
        occurred_at=now,
        actor=actor,
        action=action,
        subject=subject,
        payload=text,
        prev_hash=prev_hash,
    )
    conn.execute(
        insert(audit_log).values(
            seq=seq,
            occurred_at=now,
            actor=actor,
            action=action,
            subject=subject,
            payload=text,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=digest))
    return AuditEntry(seq, now, actor, action, subject, text, prev_hash, digest)


def entries(conn: Connection, *, subject: str | None = None) -> Iterator[AuditEntry]:
    """Entries in chain order (all, or those about one subject), read in batches."""
    last = 0
    while True:
        query = select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq)
        if subject is not None:
            query = query.where(audit_log.c.subject == subject)
        rows = conn.execute(query.limit(_BATCH)).all()
        for r in rows:
            yield AuditEntry(
                r.seq, r.occurred_at, r.actor, r.action, r.subject, r.payload, r.prev_hash, r.hash
            )
        if len(rows) < _BATCH:
            return
        last = rows[-1].seq


def head(conn: Connection) -> tuple[int, str]:
    """The latest sequence number and hash; publish it to anchor the chain's end."""
    row = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
    return (0, GENESIS) if row is None else (row.seq, row.hash)
