"""Revoking bearer tokens before they expire: signing out of the pages, or
``DELETE /v1/tokens/current``. Every authenticated request looks the token's id up once,
by primary key (``platform.http.deps``), so a revoked token is refused from the very
next request, in every process; expired rows are purged by the worker.

The lookup runs on every authenticated request, so it is one prepared statement on the
raw DBAPI connection (as the eligibility reader does), not a SQLAlchemy statement built
and compiled each time; ``bench/README.md`` ("Eligibility over HTTP") gives its cost.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from lastgate.platform.auth_tokens import VerifiedToken
from lastgate.platform.db.token_tables import revoked_tokens

_c = revoked_tokens.c


def revoke(engine: Engine, token: VerifiedToken, now: datetime) -> None:
    """Refuse ``token`` from now on; revoking it again changes nothing."""
    with engine.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(
            dialect.insert(revoked_tokens)
            .values(token_id=token.token_id, expires_at=token.expires_at, revoked_at=now)
            .on_conflict_do_nothing(index_elements=[_c.token_id])
        )


_LOOKUP = {
    "sqlite": "SELECT 1 FROM revoked_tokens WHERE token_id = ?",
    "postgresql": "SELECT 1 FROM revoked_tokens WHERE token_id = %s",
}


def is_revoked(engine: Engine, token: VerifiedToken) -> bool:
    """Whether ``token`` was revoked: one primary-key lookup."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One statement, one snapshot: no transaction, so the pool's rollback on
            # return is a no-op and psycopg keeps the statement prepared.
            conn.execution_options(isolation_level="AUTOCOMMIT")
        return _found(conn, token.token_id)


def _found(conn: Connection, token_id: str) -> bool:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_LOOKUP[conn.dialect.name], (token_id,))
        return bool(cursor.fetchall())
    finally:
        cursor.close()


def purge_expired(engine: Engine, now: datetime, *, leeway_seconds: int = 0) -> int:
    """Delete the rows of tokens that have expired (past the clock leeway, during which
    an expired token is still accepted); how many."""
    cutoff = now - timedelta(seconds=leeway_seconds)
    with engine.begin() as conn:
        return conn.execute(delete(revoked_tokens).where(_c.expires_at < cutoff)).rowcount
