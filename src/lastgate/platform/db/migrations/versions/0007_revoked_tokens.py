"""revoked tokens; one-time codes no longer kept in clear in the outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:00:00

Signing out revokes the token: ``revoked_tokens`` keeps the id and expiry of each token
revoked before it expired (the worker purges rows once the token has expired).

One-time codes are now sealed in the outbox and scrubbed once delivered, given up or
voided. Rows written before this revision hold their code in clear: every one is
scrubbed, and those not yet delivered are voided (their codes expire within minutes;
the customer asks for a new one).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import lastgate.platform.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_SCRUBBED = '{"scrubbed": "secret parameters removed"}'


def upgrade() -> None:
    op.create_table(
        "revoked_tokens",
        sa.Column("token_id", sa.String(length=80), nullable=False),
        sa.Column(
            "expires_at", lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "revoked_at", lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_revoked_tokens")),
    )
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_revoked_tokens_expires_at", ["expires_at"], unique=False)
    outbox = sa.table(
        "outbox",
        sa.column("topic", sa.String()),
        sa.column("payload", sa.Text()),
        sa.column("delivered_at", lastgate.platform.db.types.UTCDateTime()),
        sa.column("voided_at", lastgate.platform.db.types.UTCDateTime()),
        sa.column("failed_at", lastgate.platform.db.types.UTCDateTime()),
    )
    codes = outbox.c.topic == "verification_code"
    op.execute(
        outbox.update()
        .where(
            codes,
            outbox.c.delivered_at.is_(None),
            outbox.c.voided_at.is_(None),
            outbox.c.failed_at.is_(None),
        )
        .values(voided_at=datetime.now(UTC))
    )
    op.execute(outbox.update().where(codes).values(payload=_SCRUBBED))


def downgrade() -> None:
    with op.batch_alter_table("revoked_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_revoked_tokens_expires_at")
    op.drop_table("revoked_tokens")
