"""The hash-chained audit log's tables: append-only entries and the chain's head."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from lastgate.platform.db.metadata import Id, metadata
from lastgate.platform.db.types import UTCDateTime

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("subject", String(80), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_log_subject", "subject"),
)

#: One row: the sequence number and hash of the latest audit entry. Appending locks it,
#: so concurrent transactions extend the chain one after the other, never fork it.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Id, nullable=False),
    Column("hash", String(64), nullable=False),
)


def append_only_ddl(dialect: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements for triggers that refuse UPDATE and DELETE on audit_log.

    Defence in depth: ``lastgate audit verify`` detects tampering; these stop the
    application's own database user from doing it by mistake.
    """
    if dialect == "postgresql":
        return (
            [
                "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'audit_log is append-only'; END $$",
                "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            ],
            [
                "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
                "DROP FUNCTION IF EXISTS audit_log_append_only()",
            ],
        )
    return (
        [
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        ],
        [
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
        ],
    )
