"""verification attempts: wrong tries counted per account, not per closure request

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:40:00

A closure request counted its own wrong tries and the authenticator counted those that
lift a freeze, so cancelling and asking again gave five more guesses. The account now
has one count, every method and request together (``verification_attempts``), with
lockouts that grow; the per-request and per-factor counters are dropped. Counts made
before this revision are not carried over (they were per request); a lock in force at
the upgrade ends with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lastgate.platform.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "verification_attempts",
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _at("locked_until"),
        _at("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("uid", name=op.f("pk_verification_attempts")),
    )
    with op.batch_alter_table("second_factors", schema=None) as batch_op:
        batch_op.drop_column("locked_at")
        batch_op.drop_column("failed_attempts")
    with op.batch_alter_table("verification_challenges", schema=None) as batch_op:
        batch_op.drop_column("locked_at")
        batch_op.drop_column("attempts")


def downgrade() -> None:
    with op.batch_alter_table("verification_challenges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(_at("locked_at"))
    with op.batch_alter_table("second_factors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(_at("locked_at"))
    op.drop_table("verification_attempts")
