"""desk: tickets, messages, attachments, credential recoveries

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:00:00

The appeals desk: a customer's tickets with public replies and internal notes (stored
redacted), attachments stored outside served paths, and credential recoveries with
their waiting period.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lastgate.platform.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        _at("created_at", False),
        _at("updated_at", False),
        _at("first_response_at"),
        _at("resolved_at"),
        sa.Column("related_closure_id", sa.String(length=36), nullable=True),
        _at("first_response_due"),
        _at("resolution_due"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tickets_uid", "tickets", ["uid"])
    op.create_index("ix_tickets_queue", "tickets", ["queue", "state"])
    op.create_table(
        "ticket_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("redacted", sa.String(length=200), nullable=False),
        _at("created_at", False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_ticket_messages_ticket", "ticket_messages", ["ticket_id", "seq"], unique=True
    )
    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=128), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        _at("uploaded_at", False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_attachments_ticket", "ticket_attachments", ["ticket_id"])
    op.create_table(
        "credential_recoveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        _at("requested_at", False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        _at("reviewed_at"),
        _at("effective_at"),
        _at("completed_at"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_credential_recoveries_uid", "credential_recoveries", ["uid"])


def downgrade() -> None:
    op.drop_index("ix_credential_recoveries_uid", table_name="credential_recoveries")
    op.drop_table("credential_recoveries")
    op.drop_index("ix_ticket_attachments_ticket", table_name="ticket_attachments")
    op.drop_table("ticket_attachments")
    op.drop_index("ix_ticket_messages_ticket", table_name="ticket_messages")
    op.drop_table("ticket_messages")
    op.drop_index("ix_tickets_queue", table_name="tickets")
    op.drop_index("ix_tickets_uid", table_name="tickets")
    op.drop_table("tickets")
