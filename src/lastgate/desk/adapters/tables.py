"""The appeals desk's tables: tickets, their messages and attachments, credential
recoveries. Customers are named by ``uid``, as in the workflow tables."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from lastgate.platform.db.metadata import metadata
from lastgate.platform.db.types import UTCDateTime

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("uid", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("state", String(24), nullable=False),
    Column("queue", String(32), nullable=False),
    Column("assignee", String(64)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("first_response_at", UTCDateTime()),
    Column("resolved_at", UTCDateTime()),
    Column("related_closure_id", String(36)),
    Column("first_response_due", UTCDateTime()),
    Column("resolution_due", UTCDateTime()),
    Column("version", Integer, nullable=False),
    Index("ix_tickets_uid", "uid"),
    Index("ix_tickets_queue", "queue", "state"),
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ticket_id", String(36), ForeignKey("tickets.id"), nullable=False),
    # Order within the ticket: messages written at the same instant keep their order.
    Column("seq", Integer, nullable=False),
    Column("author", String(64), nullable=False),
    Column("author_role", String(16), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("body", Text, nullable=False),
    Column("redacted", String(200), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_ticket_messages_ticket", "ticket_id", "seq", unique=True),
)

ticket_attachments = Table(
    "ticket_attachments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ticket_id", String(36), ForeignKey("tickets.id"), nullable=False),
    Column("purpose", String(24), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(128), nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    Column("uploaded_at", UTCDateTime(), nullable=False),
    Index("ix_ticket_attachments_ticket", "ticket_id"),
)

credential_recoveries = Table(
    "credential_recoveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ticket_id", String(36), ForeignKey("tickets.id"), nullable=False),
    Column("uid", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("reviewed_by", String(64)),
    Column("reviewed_at", UTCDateTime()),
    Column("effective_at", UTCDateTime()),
    Column("completed_at", UTCDateTime()),
    Index("ix_credential_recoveries_uid", "uid"),
)
