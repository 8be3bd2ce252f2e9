"""Erasing a closed customer's desk data: tickets, messages, attachments (files too)
and credential recoveries.

Ticket content is customer data with no legal obligation to keep it (GDPR art. 17(1)):
it is deleted. What anti-money-laundering law needs of the desk — who lifted a risk lock,
who approved a recovery, when — is in the audit log, which names only the UID and is
retained with it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, delete, select

from lastgate.desk.adapters.tables import (
    credential_recoveries,
    ticket_attachments,
    ticket_messages,
    tickets,
)

DESK_FILES = "desk"


def delete_desk_data(conn: Connection, uid: str, evidence_dir: Path) -> int:
    """Delete ``uid``'s desk rows, then their files; returns the rows deleted."""
    ids = select(tickets.c.id).where(tickets.c.uid == uid)
    keys = (
        conn.execute(
            select(ticket_attachments.c.storage_key).where(ticket_attachments.c.ticket_id.in_(ids))
        )
        .scalars()
        .all()
    )
    deleted = 0
    for table in (credential_recoveries, ticket_attachments, ticket_messages):
        deleted += conn.execute(delete(table).where(table.c.ticket_id.in_(ids))).rowcount
    deleted += conn.execute(delete(tickets).where(tickets.c.uid == uid)).rowcount
    for key in keys:  # after the rows: a crash here leaves files, never rows without files
        (Path(evidence_dir) / DESK_FILES / Path(str(key)).name).unlink(missing_ok=True)
    return deleted
