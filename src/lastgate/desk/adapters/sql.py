"""The desk's stores on lastgate's database, and the desk unit of work around them."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update

from lastgate.closure.adapters.sql import SqlApprovals
from lastgate.closure.adapters.tables import second_factors, verification_attempts
from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.desk.adapters.tables import (
    credential_recoveries,
    ticket_attachments,
    ticket_messages,
    tickets,
)
from lastgate.desk.model import tickets as t
from lastgate.desk.ports import CredentialRecovery
from lastgate.kernel.errors import ConcurrentUpdate, NotFound
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import HoldKind

_TICKET_COLUMNS = (
    "id",
    "uid",
    "subject",
    "created_at",
    "updated_at",
    "version",
    "assignee",
    "queue",
    "first_response_at",
    "resolved_at",
    "related_closure_id",
    "first_response_due",
    "resolution_due",
)


def _ticket_row(ticket: t.Ticket) -> dict[str, Any]:
    row = {name: getattr(ticket, name) for name in _TICKET_COLUMNS}
    row.update(category=ticket.category.value, state=ticket.state.value)
    return row


def _ticket(row: Row[Any]) -> t.Ticket:
    m = row._mapping
    return t.Ticket(
        **{name: m[name] for name in _TICKET_COLUMNS},
        category=t.TicketCategory(m["category"]),
        state=t.TicketState(m["state"]),
    )


def _visible(column: Any, include_internal: bool) -> Any:
    return True if include_internal else column == t.Visibility.PUBLIC.value


class SqlTickets:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, ticket: t.Ticket) -> None:
        self._conn.execute(insert(tickets), _ticket_row(ticket))

    def get(self, ticket_id: str, *, lock: bool = False) -> t.Ticket:
        query = select(tickets).where(tickets.c.id == ticket_id)
        if lock:
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        if row is None:
            raise NotFound(f"no ticket {ticket_id}")
        return _ticket(row)

    def save(self, ticket: t.Ticket) -> None:
        row = _ticket_row(ticket)
        del row["id"]
        result = self._conn.execute(
            update(tickets)
            .where(tickets.c.id == ticket.id, tickets.c.version == ticket.version - 1)
            .values(**row)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"ticket {ticket.id} changed meanwhile; try again")

    def for_customer(self, uid: str) -> Sequence[t.Ticket]:
        query = select(tickets).where(tickets.c.uid == uid).order_by(tickets.c.created_at.desc())
        return [_ticket(r) for r in self._conn.execute(query)]

    def queue(
        self,
        *,
        queue: str | None,
        assignee: str | None,
        open_only: bool,
        limit: int,
        state: t.TicketState | None = None,
        category: t.TicketCategory | None = None,
    ) -> Sequence[t.Ticket]:
        c = tickets.c
        query = select(tickets).order_by(c.created_at).limit(limit)
        if queue is not None:
            query = query.where(c.queue == queue)
        if assignee is not None:
            query = query.where(c.assignee == assignee)
        if state is not None:
            query = query.where(c.state == state.value)
        if category is not None:
            query = query.where(c.category == category.value)
        if open_only:
            query = query.where(c.state.in_(sorted(s.value for s in t.UNRESOLVED_STATES)))
        return [_ticket(r) for r in self._conn.execute(query)]

    def add_message(self, message: t.TicketMessage) -> None:
        last = self._conn.execute(
            select(func.max(ticket_messages.c.seq)).where(
                ticket_messages.c.ticket_id == message.ticket_id
            )
        ).scalar()
        self._conn.execute(
            insert(ticket_messages).values(
                id=message.id,
                seq=(last or 0) + 1,
                ticket_id=message.ticket_id,
                author=message.author,
                author_role=message.author_role,
                visibility=message.visibility.value,
                body=message.body,
                redacted=",".join(message.redacted),
                created_at=message.created_at,
            )
        )

    def messages(self, ticket_id: str, *, include_internal: bool) -> Sequence[t.TicketMessage]:
        c = ticket_messages.c
        query = (
            select(ticket_messages)
            .where(c.ticket_id == ticket_id, _visible(c.visibility, include_internal))
            .order_by(c.seq)
        )
        return [
            t.TicketMessage(
                id=r.id,
                ticket_id=r.ticket_id,
                author=r.author,
                author_role=r.author_role,
                visibility=t.Visibility(r.visibility),
                body=r.body,
                created_at=r.created_at,
                redacted=tuple(k for k in r.redacted.split(",") if k),
            )
            for r in self._conn.execute(query)
        ]

    def add_attachment(self, attachment: t.Attachment) -> None:
        values = {name: getattr(attachment, name) for name in _ATTACHMENT_COLUMNS}
        values.update(purpose=attachment.purpose.value, visibility=attachment.visibility.value)
        self._conn.execute(insert(ticket_attachments).values(**values))

    def attachments(self, ticket_id: str, *, include_internal: bool) -> Sequence[t.Attachment]:
        c = ticket_attachments.c
        query = (
            select(ticket_attachments)
            .where(c.ticket_id == ticket_id, _visible(c.visibility, include_internal))
            .order_by(c.uploaded_at, c.id)
        )
        return [
            t.Attachment(
                **{name: r._mapping[name] for name in _ATTACHMENT_COLUMNS},
                purpose=t.AttachmentPurpose(r.purpose),
                visibility=t.Visibility(r.visibility),
            )
            for r in self._conn.execute(query)
        ]


_ATTACHMENT_COLUMNS = (
    "id",
    "ticket_id",
    "content_type",
    "size",
    "sha256",
    "storage_key",
    "uploaded_by",
    "uploaded_at",
)
_RECOVERY_COLUMNS = (
    "id",
    "ticket_id",
    "uid",
    "state",
    "requested_at",
    "reviewed_by",
    "reviewed_at",
    "effective_at",
    "completed_at",
)


class SqlRecoveries:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, recovery: CredentialRecovery) -> None:
        self._conn.execute(
            insert(credential_recoveries).values(
                **{n: getattr(recovery, n) for n in _RECOVERY_COLUMNS}
            )
        )

    def get(self, recovery_id: str, *, lock: bool = False) -> CredentialRecovery:
        query = select(credential_recoveries).where(credential_recoveries.c.id == recovery_id)
        if lock:
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        if row is None:
            raise NotFound(f"no credential recovery {recovery_id}")
        return CredentialRecovery(**{n: row._mapping[n] for n in _RECOVERY_COLUMNS})

    def for_ticket(self, ticket_id: str) -> CredentialRecovery | None:
        row = self._conn.execute(
            select(credential_recoveries.c.id).where(credential_recoveries.c.ticket_id == ticket_id)
        ).first()
        return None if row is None else self.get(row.id)

    def save(self, recovery: CredentialRecovery) -> None:
        values = {n: getattr(recovery, n) for n in _RECOVERY_COLUMNS if n != "id"}
        self._conn.execute(
            update(credential_recoveries)
            .where(credential_recoveries.c.id == recovery.id)
            .values(**values)
        )


class SqlHoldRefs:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def active(self, uid: str, kind: HoldKind) -> Sequence[str]:
        h, c = ledger.holds.c, ledger.customers.c
        return list(
            self._conn.execute(
                select(h.ref)
                .join_from(ledger.holds, ledger.customers, h.customer_id == c.id)
                .where(c.uid == uid, h.kind == kind.value, h.lifted_at.is_(None))
            ).scalars()
        )


class SqlSecondFactorReset:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def remove(self, uid: str) -> bool:
        # The recovered account starts with no wrong tries: a lock that only recovery
        # lifts (max_consecutive_failures) is lifted here.
        self._conn.execute(delete(verification_attempts).where(verification_attempts.c.uid == uid))
        return (
            self._conn.execute(delete(second_factors).where(second_factors.c.uid == uid)).rowcount
            > 0
        )


class SqlDeskUnitOfWork(SqlUnitOfWork):
    """The workflow's unit of work plus the desk's stores, on the same transaction."""

    def __enter__(self) -> SqlDeskUnitOfWork:
        super().__enter__()
        conn = self.connection
        self.tickets = SqlTickets(conn)
        self.recoveries = SqlRecoveries(conn)
        self.hold_refs = SqlHoldRefs(conn)
        self.factors = SqlSecondFactorReset(conn)
        return self


class SqlLockReads:
    """The records ``lock_kept_on_appeal`` reads (the active risk locks, the decisions on
    them) on a plain read: a customer's report asks on every look, so it takes no write
    lock, unlike a unit of work on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __enter__(self) -> SqlLockReads:
        self._conn = self._engine.connect()
        self.hold_refs = SqlHoldRefs(self._conn)
        self.approvals = SqlApprovals(self._conn)
        self.tickets = SqlTickets(self._conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._conn.close()
