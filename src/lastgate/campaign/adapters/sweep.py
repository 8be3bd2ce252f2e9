"""The set-based sweep (``bulk_eligibility``) behind the campaigns' ``EligibilitySweep``
port: verdicts as the domain knows them, closed accounts marked, scope checks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, func, select

from lastgate.campaign.model import Verdict
from lastgate.eligibility.adapters.bulk import Sweep, sweep
from lastgate.erasure.adapters.executor import ANONYMISED_UID
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import CustomerStatus
from lastgate.ledger.ports import PolicyBook

_IN_CHUNK = 10_000


class LedgerSweepRun:
    """One sweep's verdicts; accounts already closed come marked ``closed``."""

    def __init__(self, result: Sweep, closed: frozenset[str]) -> None:
        self._result, self._closed = result, closed
        self.total = result.total

    def __iter__(self) -> Iterator[Verdict]:
        for row in self._result:
            if row.uid == ANONYMISED_UID:  # the erasure's shared account, not a customer
                continue
            yield Verdict(
                uid=row.uid,
                jurisdiction=row.jurisdiction,
                outcome=row.outcome.value,
                codes=tuple(code.value for code in row.failures),
                closed=row.uid in self._closed,
            )

    @property
    def assets(self) -> Mapping[str, Decimal]:
        return self._result.summary.assets


class LedgerSweep:
    """``EligibilitySweep`` on the reference ledger."""

    def __init__(self, engine: Engine, policies: PolicyBook) -> None:
        self._engine, self._policies = engine, policies

    def run(
        self, now: datetime, *, uids: Sequence[str] | None = None, jurisdiction: str | None = None
    ) -> LedgerSweepRun:
        result = sweep(self._engine, self._policies, now, uids=uids, jurisdiction=jurisdiction)
        return LedgerSweepRun(result, self._closed(uids=uids, jurisdiction=jurisdiction))

    def _closed(self, *, uids: Sequence[str] | None, jurisdiction: str | None) -> frozenset[str]:
        c = ledger.customers.c
        query = select(c.uid).where(c.status == CustomerStatus.CLOSED.value)
        if jurisdiction:
            query = query.where(func.upper(c.jurisdiction) == jurisdiction.upper())
        with self._engine.connect() as conn:
            if uids is None:
                return frozenset(conn.execute(query).scalars())
            ordered, found = sorted(set(uids)), set[str]()
            for start in range(0, len(ordered), _IN_CHUNK):
                batch = ordered[start : start + _IN_CHUNK]
                found.update(conn.execute(query.where(c.uid.in_(batch))).scalars())
            return frozenset(found)

    def jurisdiction_exists(self, jurisdiction: str) -> bool:
        c = ledger.customers.c
        with self._engine.connect() as conn:
            return (
                conn.execute(
                    select(c.id).where(func.upper(c.jurisdiction) == jurisdiction.upper()).limit(1)
                ).first()
                is not None
            )

    def unknown_uids(self, uids: Sequence[str]) -> list[str]:
        c = ledger.customers.c
        ordered, known = sorted(set(uids)), set[str]()
        with self._engine.connect() as conn:
            for start in range(0, len(ordered), _IN_CHUNK):
                batch = ordered[start : start + _IN_CHUNK]
                known.update(conn.execute(select(c.uid).where(c.uid.in_(batch))).scalars())
        return [uid for uid in ordered if uid not in known or uid == ANONYMISED_UID]
