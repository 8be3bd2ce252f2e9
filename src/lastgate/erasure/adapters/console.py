"""What the staff console and the customer's page read of erasure: the retention schedule
and issued certificates (also, as ``IssuedCertificates``, for the eligibility service)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from lastgate.erasure.adapters.tables import customer_keys, erasure_runs


@dataclass(frozen=True, slots=True)
class RetentionRow:
    """One closed customer's retained records and when their key is destroyed."""

    uid: str
    closed_at: datetime
    retain_until: datetime
    destroyed_at: datetime | None


def retention_schedule(engine: Engine) -> list[RetentionRow]:
    """Every retained customer key, the soonest to expire first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                erasure_runs.c.uid,
                erasure_runs.c.closed_at,
                customer_keys.c.retain_until,
                customer_keys.c.destroyed_at,
            )
            .join(customer_keys, customer_keys.c.run_id == erasure_runs.c.id)
            .order_by(customer_keys.c.retain_until)
        ).all()
    return [RetentionRow(r.uid, r.closed_at, r.retain_until, r.destroyed_at) for r in rows]


def closed_at(engine: Engine, uid: str) -> datetime | None:
    """When ``uid``'s account was closed (its erasure run's clock, the certificate's
    ``closed_at``), or None if it was not closed through lastgate."""
    with engine.connect() as conn:
        found: datetime | None = conn.execute(
            select(erasure_runs.c.closed_at).where(erasure_runs.c.uid == uid)
        ).scalar_one_or_none()
    return found


def certificate(engine: Engine, uid: str) -> dict[str, Any] | None:
    """The signed certificate of a closed customer, once erasure has issued it."""
    with engine.connect() as conn:
        document = conn.execute(
            select(erasure_runs.c.certificate).where(
                erasure_runs.c.uid == uid, erasure_runs.c.certificate.is_not(None)
            )
        ).scalar_one_or_none()
    return None if document is None else dict(json.loads(document))


class IssuedCertificates:
    """The eligibility service's ``Certificates`` port: is a closed account's certificate
    issued yet (its erasure finished), or still on its way?"""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def issued(self, uid: str) -> bool:
        with self._engine.connect() as conn:
            found = conn.execute(
                select(erasure_runs.c.id)
                .where(erasure_runs.c.uid == uid, erasure_runs.c.certificate.is_not(None))
                .limit(1)
            ).first()
        return found is not None
