"""The unit of work on lastgate's database: one connection, one transaction, every store.

It satisfies each feature's ``UnitOfWork`` protocol (closure, campaign; the desk extends
it), so a use case commits whole or changes nothing, whatever features it touches.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine

from lastgate.campaign.adapters.sql import SqlCampaigns
from lastgate.closure.adapters.sql import (
    LedgerAccountActions,
    LedgerHolds,
    SqlApprovals,
    SqlAudit,
    SqlClosures,
    SqlErasureQueue,
    SqlFreezes,
)
from lastgate.closure.adapters.step_up import SqlStepUp
from lastgate.kernel.clock import Clock
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.outbox import SqlNotifier
from lastgate.platform.db import pipeline
from lastgate.remediation.adapters.ledger import LedgerRemediationActions


class SqlUnitOfWork:
    """Opens a transaction on enter; commits on a clean exit, rolls back on an error."""

    def __init__(self, engine: Engine, clock: Clock, settings: Settings) -> None:
        self._engine, self._clock, self._settings = engine, clock, settings

    def __enter__(self) -> Self:
        self.connection = self._engine.connect()
        self._transaction = self.connection.begin()
        if self.connection.dialect.name == "sqlite":
            # Take SQLite's write lock now, not at the first write: a transaction that read
            # a row and then loses the lock to another writer could not safely go on.
            self.connection.exec_driver_sql("BEGIN IMMEDIATE")
        conn = self.connection
        #: The audit entries and queued notices: sent with the COMMIT (PostgreSQL).
        self.later = pipeline.Later(conn)
        self.closures = SqlClosures(conn)
        self.campaigns = SqlCampaigns(conn)
        self.audit = SqlAudit(conn, self._clock, self.later)
        self.actions = LedgerAccountActions(conn)
        self.approvals = SqlApprovals(conn)
        self.freezes = SqlFreezes(conn)
        self.holds = LedgerHolds(conn)
        self.erasure = SqlErasureQueue(conn, self.later)
        self.remediation = LedgerRemediationActions(conn)
        self.notifier = SqlNotifier(conn, self._clock, self._settings, later=self.later)
        return self

    @property
    def step_up(self) -> SqlStepUp:
        return SqlStepUp(
            self.connection, self._clock, self._settings, self.notifier, audit=self.audit
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.later.commit()  # what was kept, and the COMMIT, in one round trip
                self._transaction.commit()
            else:
                self.later.forget()
                self._transaction.rollback()
        finally:
            self.connection.close()
