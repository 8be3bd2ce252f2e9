"""scan indexes: substring indexes for the erasure verification scan

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:35:00

The verification scan searches every free-text column for the erased customer's UID and
identifiers with ``LIKE '%…%'``, which no B-tree serves, so its cost grew with the size
of every table. PostgreSQL gets a GIN trigram index (``pg_trgm``) on each searched
column; SQLite gets one FTS5 trigram table kept by triggers
(``lastgate.platform.db.textsearch_0009``; 0011 replaced them with a token index).
Existing rows are indexed here, so on a large PostgreSQL database build the indexes
first with ``CREATE INDEX CONCURRENTLY`` under the same names
(``textsearch_<table>__<column>``): the migration keeps indexes that already exist.
"""

from __future__ import annotations

from alembic import op

from lastgate.platform.db import textsearch_0009 as textsearch

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        statements = textsearch.postgresql_create()
    else:
        statements = textsearch.sqlite_create()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        statements = textsearch.postgresql_drop()
    else:
        statements = textsearch.sqlite_drop()
    for statement in statements:
        op.execute(statement)
