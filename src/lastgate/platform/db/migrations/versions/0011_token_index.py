"""token index: the verification scan looks identifiers up by token, not by substring

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 18:00:00

0009's trigram indexes found a string through the posting lists of its three-character
pieces; the identifiers are mostly digits, so those lists grow with the ledger and so
did the scan. An identifier occurs in a value as whole tokens (``U0001234`` inside
``U00012345`` is another customer), so the index now holds tokens
(``lastgate.platform.db.textsearch``): the scan looks up the identifier's rarest token,
whose rows are the ones that really hold it. PostgreSQL: two SQL functions and a GIN
index on ``textsearch_tokenize(column)`` per searched column, replacing the trigram
indexes (``pg_trgm`` stays installed). SQLite: a (token, ref) table kept by triggers,
replacing the FTS5 trigram copy. Existing rows are indexed here; on a large PostgreSQL
database build the indexes first with ``CREATE INDEX CONCURRENTLY`` under the same names
(``textsearch_tok_<table>__<column>``, after creating the functions): the migration keeps
indexes that already exist.
"""

from __future__ import annotations

from alembic import op

from lastgate.platform.db import textsearch, textsearch_0009

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(textsearch_0009.postgresql_drop())
        _run(textsearch.postgresql_create())
    else:
        _run(textsearch_0009.sqlite_drop())
        _run(textsearch.sqlite_create())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(textsearch.postgresql_drop())
        _run(textsearch_0009.postgresql_create())
    else:
        _run(textsearch.sqlite_drop())
        _run(textsearch_0009.sqlite_create())
