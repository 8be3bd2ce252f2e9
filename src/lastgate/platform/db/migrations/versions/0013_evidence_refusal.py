"""evidence refusal: why an agent refused an identity evidence file

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:00:00

A refused document or selfie now records why (``evidence_files.refusal``, a code of
``closure.model.verification.EvidenceRefusal``), so that the customer's page and notice
say what was wrong and what to send instead. Files refused before this revision have no
reason; the customer's page then says only that a new one is needed. A code from a
closed list: the verification scan does not search it (``scan_targets.SYSTEM_COLUMNS``).
Neither adding nor dropping the column rebuilds the table, so SQLite's token-index
triggers stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("evidence_files", sa.Column("refusal", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # Not batch_alter_table: rebuilding the table would drop SQLite's token-index
    # triggers; SQLite drops a column in place since 3.35.
    op.drop_column("evidence_files", "refusal")
