"""The hash-chained audit log's tables: append-only entries and the chain's head.

An entry is inserted unsealed (``chain_seq``, ``prev_hash`` and ``hash`` empty, its
``content_hash`` set); the sealer fills those three once, after the entry committed.
"""

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
    Column("content_hash", String(64), nullable=True),  # empty on entries before 0010
    Column("chain_seq", Id, nullable=True, unique=True),  # set by the sealer
    Column("prev_hash", String(64), nullable=True),  # set by the sealer
    Column("hash", String(64), nullable=True, unique=True),  # set by the sealer
    Index("ix_audit_log_subject", "subject"),
)

#: One row: the place and hash of the last sealed entry. Only the sealer locks it, for
#: one short transaction; writers never touch it.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Id, nullable=False),
    Column("hash", String(64), nullable=False),
)


#: An UPDATE the triggers let through: the sealer filling an unsealed entry's link once,
#: every column it does not own unchanged. (Names only columns that existed before 0010,
#: so migration 0002 can create the same triggers.)
_SEALING = (
    "OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.seq = OLD.seq "
    "AND NEW.occurred_at = OLD.occurred_at AND NEW.actor = OLD.actor "
    "AND NEW.action = OLD.action AND NEW.subject = OLD.subject AND NEW.payload = OLD.payload"
)


def append_only_ddl(dialect: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements for triggers that refuse DELETE on audit_log, and every
    UPDATE except the sealer's one-time link.

    Defence in depth: ``lastgate audit verify`` detects tampering; these stop the
    application's own database user from doing it by mistake.
    """
    if dialect == "postgresql":
        return (
            [
                "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'UPDATE' THEN IF {_SEALING} THEN RETURN NEW; END IF; END IF; "
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
            f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN NOT ({_SEALING}) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        ],
        [
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
        ],
    )
