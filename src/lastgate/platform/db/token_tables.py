"""Revoked bearer tokens: the id of each token signed out before it expired.

Only the token's id (its ``jti``, or a digest of a token without one) and its expiry are
kept, never whom it named; a row is useless once the token has expired, and the worker
purges it then (``lastgate.platform.token_revocation.purge_expired``).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table

from lastgate.platform.db.metadata import metadata
from lastgate.platform.db.types import UTCDateTime

revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("token_id", String(80), primary_key=True),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=False),
    Index("ix_revoked_tokens_expires_at", "expires_at"),
)
