"""Revoking bearer tokens before they expire: signing out of the pages, or
``DELETE /v1/tokens/current``. Every verification looks the token's id up once, by
primary key (``platform.http.deps.authenticate``); expired rows are purged by the worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select
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


def is_revoked(engine: Engine, token: VerifiedToken) -> bool:
    """Whether ``token`` was revoked: one primary-key lookup."""
    with engine.connect() as conn:
        found = conn.execute(select(_c.token_id).where(_c.token_id == token.token_id)).first()
    return found is not None


def purge_expired(engine: Engine, now: datetime, *, leeway_seconds: int = 0) -> int:
    """Delete the rows of tokens that have expired (past the clock leeway, during which
    an expired token is still accepted); how many."""
    cutoff = now - timedelta(seconds=leeway_seconds)
    with engine.begin() as conn:
        return conn.execute(delete(revoked_tokens).where(_c.expires_at < cutoff)).rowcount
