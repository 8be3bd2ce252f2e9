"""scan indexes: substring indexes for the erasure verification scan

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:35:00

Stub; the indexes follow.
"""

from __future__ import annotations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
