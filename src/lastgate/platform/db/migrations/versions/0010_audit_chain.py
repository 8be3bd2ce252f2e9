"""audit chain: entries are sealed into the chain after they commit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:50:00

Appending used to update the one ``audit_head`` row, so every audited transaction held
that row's lock until it committed and writers ran one at a time. Entries now carry a
hash of their own content and no link; the sealer fills ``chain_seq``, ``prev_hash`` and
``hash`` after they committed (so the last two become nullable) and keeps the head.
Entries already stored are sealed as they are: their place is their ``seq`` and their
hashes stay valid. The append-only triggers now let the sealer's one-time update through.

Going down needs every entry sealed (``lastgate audit verify`` seals them) and its place
equal to its ``seq`` (true while one writer at a time appended; with concurrent writers
the older code would report the differing places as breaks).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lastgate.platform.db.audit_tables import append_only_ddl

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_HASH = sa.String(length=64)


def _triggers(index: int) -> None:
    for statement in append_only_ddl(op.get_bind().dialect.name)[index]:
        op.execute(statement)


def _other_sqlite_triggers() -> list[str]:
    """SQLite drops a table's triggers with it, and batch mode rebuilds audit_log: the
    CREATE statements of every other trigger on it (e.g. the text-search index's), to
    run again after the rebuild."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    ours = ("audit_log_no_update", "audit_log_no_delete")
    rows = op.get_bind().execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        )
    )
    return [sql for name, sql in rows if name not in ours]


def upgrade() -> None:
    others = _other_sqlite_triggers()
    _triggers(1)  # dropped: SQLite rebuilds the table, and the rule changes
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", _HASH, nullable=True))
        batch_op.add_column(sa.Column("chain_seq", _ID, nullable=True))
        batch_op.alter_column("prev_hash", existing_type=_HASH, nullable=True)
        batch_op.alter_column("hash", existing_type=_HASH, nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_chain_seq"), ["chain_seq"])
    op.execute("UPDATE audit_log SET chain_seq = seq")
    if op.get_bind().dialect.name == "postgresql":
        # seq was always given explicitly; the database numbers entries from now on.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), "
            "COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1, false)"
        )
    _triggers(0)
    for statement in others:
        op.execute(statement)


def downgrade() -> None:
    unsealed = (
        op.get_bind()
        .execute(sa.text("SELECT COUNT(*) FROM audit_log WHERE chain_seq IS NULL"))
        .scalar_one()
    )
    if unsealed:
        raise RuntimeError(f"{unsealed} audit entries are not sealed: run lastgate audit verify")
    others = _other_sqlite_triggers()
    _triggers(1)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_chain_seq"), type_="unique")
        batch_op.alter_column("hash", existing_type=_HASH, nullable=False)
        batch_op.alter_column("prev_hash", existing_type=_HASH, nullable=False)
        batch_op.drop_column("chain_seq")
        batch_op.drop_column("content_hash")
    _triggers(0)
    for statement in others:
        op.execute(statement)
