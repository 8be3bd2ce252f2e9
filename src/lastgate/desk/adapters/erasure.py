"""Erasing a closed customer's desk data: tickets, messages, attachments (files too)
and credential recoveries.

Ticket content is customer data with no legal obligation to keep it (GDPR art. 17(1)):
it is deleted. What anti-money-laundering law needs of the desk — who lifted a risk lock,
who approved a recovery, when — is in the audit log, which names only the UID and is
retained with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, bindparam, delete, select

from lastgate.desk.adapters.tables import (
    credential_recoveries,
    ticket_attachments,
    ticket_messages,
    tickets,
)

DESK_FILES = "desk"

_tickets = select(tickets.c.id).where(tickets.c.uid == bindparam("uid"))
#: The storage keys of ``uid``'s attachment files: read before their rows are deleted.
DESK_FILE_KEYS = select(ticket_attachments.c.storage_key).where(
    ticket_attachments.c.ticket_id.in_(_tickets)
)
#: ``uid``'s desk rows, deleted in an order their foreign keys allow (built once).
DELETE_DESK_ROWS = (
    *(
        delete(table).where(table.c.ticket_id.in_(_tickets))
        for table in (credential_recoveries, ticket_attachments, ticket_messages)
    ),
    delete(tickets).where(tickets.c.uid == bindparam("uid")),
)


def remove_desk_files(keys: Iterable[object], evidence_dir: Path) -> None:
    """Delete the attachment files once their rows are gone: a crash in between leaves
    files, never rows without files."""
    for key in keys:
        (Path(evidence_dir) / DESK_FILES / Path(str(key)).name).unlink(missing_ok=True)


def delete_desk_data(conn: Connection, uid: str, evidence_dir: Path) -> int:
    """Delete ``uid``'s desk rows, then their files; returns the rows deleted."""
    params = {"uid": uid}
    keys = conn.execute(DESK_FILE_KEYS, params).scalars().all()
    deleted = sum(conn.execute(statement, params).rowcount for statement in DELETE_DESK_ROWS)
    remove_desk_files(keys, evidence_dir)
    return deleted
