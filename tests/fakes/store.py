"""The fakes' database: what is committed, and the working copy of one unit of work.

``FakeStore`` stands for lastgate's database and the reference ledger together; its
``committed`` tables are what a later unit of work, the account reader or a test sees. A
``Transaction`` works on a copy and puts it back only on commit, so a use case that
raises changes nothing, as with ``SqlUnitOfWork``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from lastgate.closure.model.attempts import AttemptCount
from lastgate.closure.model.lifecycle import ClosureRequest
from lastgate.closure.model.verification import EvidenceFile
from lastgate.ledger.model import AccountState, CustomerStatus

# -- what the store keeps ----------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One audit record, as ``AuditTrail.record`` was given it."""

    actor: str
    action: str
    subject: str
    payload: Mapping[str, Any]
    at: datetime


@dataclass(frozen=True)
class Notice:
    """A notice to the customer; ``channels`` None means every verified channel."""

    uid: str
    topic: str
    params: Mapping[str, str]
    subject_ref: str
    deliver_after: datetime | None
    channels: tuple[str, ...] | None
    voided: bool = False
    language: str | None = None  # the notice's own; None: the customer's setting


@dataclass(frozen=True)
class Event:
    """One webhook event to the exchange."""

    topic: str
    payload: Mapping[str, Any]
    subject_ref: str


@dataclass(frozen=True)
class Approval:
    """One person's decision on a subject (a request's review, a hold's lifting)."""

    subject: str
    kind: str
    actor: str
    decision: str
    note: str
    at: datetime


@dataclass(frozen=True)
class Freeze:
    """One cause of an account's freeze; lifted when ``unfrozen_at`` is set."""

    id: str
    uid: str
    cause: str
    frozen_at: datetime
    unfreeze_after: datetime | None
    unfrozen_at: datetime | None = None


@dataclass(frozen=True)
class Challenge:
    """A one-time code sent for a closure request; ``spent`` once accepted or superseded."""

    request_id: str
    method: str
    code: str
    expires_at: datetime
    uid: str
    sent_at: datetime
    spent: bool = False


@dataclass(frozen=True)
class StoredEvidence:
    """An evidence file, the request it belongs to and its bytes."""

    request_id: str
    file: EvidenceFile
    content: bytes


@dataclass(frozen=True)
class ErasureRun:
    """An erasure queued by ``ErasureQueue.begin``."""

    id: str
    uid: str
    closure_id: str
    closed_at: datetime


@dataclass
class Tables:
    """Every row the fakes keep. Rows are immutable, so a shallow copy is a snapshot."""

    accounts: dict[str, AccountState] = field(default_factory=dict)
    withdraw_only: set[str] = field(default_factory=set)
    closures: dict[str, ClosureRequest] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    freezes: list[Freeze] = field(default_factory=list)
    hold_placers: dict[str, str] = field(default_factory=dict)
    challenges: list[Challenge] = field(default_factory=list)
    attempts: dict[str, AttemptCount] = field(default_factory=dict)
    evidence: dict[str, StoredEvidence] = field(default_factory=dict)
    erasures: list[ErasureRun] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Tables:
        return Tables(**{f.name: copy.copy(getattr(self, f.name)) for f in fields(self)})


class FakeStore:
    """The committed state, plus what tests read of it."""

    def __init__(self, *accounts: AccountState) -> None:
        self.committed = Tables(accounts={a.uid: a for a in accounts})
        self.commits = 0
        self.rollbacks = 0
        #: A notice topic whose sending raises, to make a use case fail midway.
        self.failing_topic: str | None = None

    def put_account(self, state: AccountState) -> None:
        """Replace an account on the ledger, as a snapshot import does."""
        self.committed.accounts[state.uid] = state

    def snapshot(self) -> Tables:
        return self.committed.copy()

    def status(self, uid: str) -> CustomerStatus:
        return self.committed.accounts[uid].status

    def audit_actions(self, subject: str) -> list[str]:
        return [e.action for e in self.committed.audit if e.subject == subject]

    def notices(self, topic: str) -> list[Notice]:
        return [n for n in self.committed.notices if n.topic == topic]

    def event_topics(self) -> list[str]:
        return [e.topic for e in self.committed.events]


class Transaction:
    """One unit of work's working copy; refuses use once the unit has ended."""

    def __init__(self, store: FakeStore) -> None:
        self._tables: Tables | None = store.committed.copy()
        self._began_after = store.commits
        self.store = store

    @property
    def tables(self) -> Tables:
        if self._tables is None:
            raise RuntimeError("the unit of work has ended; open a new one")
        return self._tables

    def end(self, *, commit: bool) -> None:
        if commit:
            if self.store.commits != self._began_after:
                # Whole-store copies would silently undo the other unit's commit.
                raise RuntimeError("overlapping units of work are not faked")
            self.store.committed = self.tables
            self.store.commits += 1
        else:
            self.store.rollbacks += 1
        self._tables = None
