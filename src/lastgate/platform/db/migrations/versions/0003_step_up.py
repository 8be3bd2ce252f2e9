"""step-up: wrong-try count and lock of an authenticator used outside a closure

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:20:00

Checking the authenticator to lift a temporary freeze has no closure request to count
wrong tries on, so the factor counts them itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lastgate.platform.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("second_factors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "locked_at", lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("second_factors", schema=None) as batch_op:
        batch_op.drop_column("locked_at")
        batch_op.drop_column("failed_attempts")
