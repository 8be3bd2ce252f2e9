"""Ports of the appeals desk: ticket and recovery stores, attachment files, and the
few account operations appeals and recoveries need, behind a desk unit of work.

``lastgate.desk.adapters.sql.SqlDeskUnitOfWork`` implements them on lastgate's database.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lastgate.closure.ports import Approvals, UnitOfWork
from lastgate.desk.model.tickets import (
    Attachment,
    Ticket,
    TicketCategory,
    TicketMessage,
    TicketState,
)
from lastgate.ledger.model import HoldKind


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> None: ...

    def get(self, ticket_id: str, *, lock: bool = False) -> Ticket:
        """The ticket; ``NotFound`` if none. ``lock`` takes a row lock until commit."""
        ...

    def save(self, ticket: Ticket) -> None:
        """Write ``ticket`` if the stored version is ``ticket.version - 1``;
        ``ConcurrentUpdate`` otherwise."""
        ...

    def for_customer(self, uid: str) -> Sequence[Ticket]: ...

    def queue(
        self,
        *,
        queue: str | None,
        assignee: str | None,
        open_only: bool,
        limit: int,
        state: TicketState | None = None,
        category: TicketCategory | None = None,
    ) -> Sequence[Ticket]: ...

    def add_message(self, message: TicketMessage) -> None: ...

    def messages(self, ticket_id: str, *, include_internal: bool) -> Sequence[TicketMessage]: ...

    def add_attachment(self, attachment: Attachment) -> None: ...

    def attachments(self, ticket_id: str, *, include_internal: bool) -> Sequence[Attachment]: ...


@dataclass(frozen=True, slots=True)
class CredentialRecovery:
    """A reviewed request to replace a lost second factor, effective after a wait."""

    id: str
    ticket_id: str
    uid: str
    state: str  # pending, approved, rejected, cancelled, completed
    requested_at: datetime
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    effective_at: datetime | None = None
    completed_at: datetime | None = None


class RecoveryRepository(Protocol):
    def add(self, recovery: CredentialRecovery) -> None: ...

    def get(self, recovery_id: str, *, lock: bool = False) -> CredentialRecovery: ...

    def for_ticket(self, ticket_id: str) -> CredentialRecovery | None: ...

    def save(self, recovery: CredentialRecovery) -> None: ...


class HoldRefs(Protocol):
    """The ids of a customer's active holds of one kind (to lift them by id)."""

    def active(self, uid: str, kind: HoldKind) -> Sequence[str]: ...


class SecondFactorReset(Protocol):
    def remove(self, uid: str) -> bool:
        """Forget the customer's enrolled second factor; False if there was none."""
        ...


class DecisionNotes(Protocol):
    """The notes of the decisions recorded on a subject, oldest first (the ticket a risk
    lock was kept on)."""

    def notes(self, subject: str, kind: str) -> Sequence[str]: ...

    def decisions(self, subject: str, kind: str) -> Sequence[str]: ...


class DeskApprovals(Approvals, DecisionNotes, Protocol):
    """The workflow's approvals, whose notes the desk reads back."""


class LockRecords(Protocol):
    """What ``desk.service.appeals.kept_lock`` reads: a customer's active risk locks, the
    decisions recorded on them and the appeal's ticket (does it still take a reply). A
    desk unit of work is one; so is a read-only view of the same tables
    (``desk.adapters.sql.SqlLockReads``)."""

    @property
    def hold_refs(self) -> HoldRefs: ...

    @property
    def approvals(self) -> DecisionNotes: ...

    @property
    def tickets(self) -> TicketRepository: ...


class DeskUnitOfWork(UnitOfWork, Protocol):
    @property
    def approvals(self) -> DeskApprovals: ...

    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def recoveries(self) -> RecoveryRepository: ...

    @property
    def hold_refs(self) -> HoldRefs: ...

    @property
    def factors(self) -> SecondFactorReset: ...


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    storage_key: str
    content_type: str
    size: int
    sha256: str


class AttachmentFiles(Protocol):
    """Attachment files outside anything served, each under a random key."""

    def sniff(self, content: bytes) -> str | None:
        """The type ``content`` really is, from its bytes; None if not one we take."""
        ...

    def put(self, content: bytes, content_type: str) -> StoredAttachment:
        """Store what a real parser keeps of ``content`` (a photo re-encoded, a PDF
        rewritten); ``AttachmentRefused`` when it does not parse or is not safe."""
        ...

    def read(self, storage_key: str) -> Iterator[bytes]: ...

    def delete(self, storage_key: str) -> None: ...
