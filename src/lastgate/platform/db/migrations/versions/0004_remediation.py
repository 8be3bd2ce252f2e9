"""remediation: dust-sweep quotes and ledger entries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:30:00

The one-step dust sweep quotes first and executes once; every amount it moves or the
customer forfeits is a ledger entry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lastgate.platform.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dust_quotes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", _ID, nullable=False),
        sa.Column(
            "created_at", lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "expires_at", lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("target_asset", sa.String(length=32), nullable=False),
        sa.Column("target_price_usd", lastgate.platform.db.types.Amount(), nullable=False),
        sa.Column("fee_percent", lastgate.platform.db.types.Amount(), nullable=False),
        sa.Column("gross", lastgate.platform.db.types.Amount(), nullable=False),
        sa.Column("fee", lastgate.platform.db.types.Amount(), nullable=False),
        sa.Column("net", lastgate.platform.db.types.Amount(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column(
            "executed_at", lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("forfeit_consent", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_dust_quotes_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dust_quotes")),
    )
    op.create_index(
        "ix_dust_quotes_customer_executed",
        "dust_quotes",
        ["customer_id", "executed_at"],
        unique=False,
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("customer_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("account_type", sa.String(length=16), nullable=False),
        sa.Column("asset", sa.String(length=32), nullable=False),
        sa.Column("amount", lastgate.platform.db.types.Amount(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("consent_by", sa.String(length=64), nullable=True),
        sa.Column("at", lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_ledger_entries_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(
        "ix_ledger_entries_customer_at", "ledger_entries", ["customer_id", "at"], unique=False
    )
    op.create_index("ix_ledger_entries_ref", "ledger_entries", ["ref"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_ref", table_name="ledger_entries")
    op.drop_index("ix_ledger_entries_customer_at", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index("ix_dust_quotes_customer_executed", table_name="dust_quotes")
    op.drop_table("dust_quotes")
