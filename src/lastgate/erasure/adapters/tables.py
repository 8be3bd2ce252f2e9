"""Tables of erasure and retention: the plan's progress, the encrypted vault of retained
records with its per-customer keys, and the identifier quarantine."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from lastgate.platform.db.metadata import Id, metadata
from lastgate.platform.db.types import UTCDateTime

erasure_runs = Table(
    "erasure_runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("uid", String(64), nullable=False, unique=True),
    Column("closure_id", String(36), nullable=False),
    Column("closed_at", UTCDateTime(), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("certificate", Text),
    Index("ix_erasure_runs_open", "finished_at"),
)

erasure_steps = Table(
    "erasure_steps",
    metadata,
    Column("run_id", String(36), nullable=False),
    Column("step", String(48), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("done_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("run_id", "step", name="pk_erasure_steps"),
)

#: One data key per closed customer, wrapped (encrypted) by the master key. Destroying
#: the wrapped key makes every retained record of that customer unreadable for good.
customer_keys = Table(
    "customer_keys",
    metadata,
    Column("key_id", String(36), primary_key=True),
    Column("run_id", String(36), nullable=False, unique=True),
    Column("wrapped_key", Text),
    Column("master_key_id", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("retain_until", UTCDateTime(), nullable=False),
    Column("destroyed_at", UTCDateTime()),
    Index("ix_customer_keys_due", "destroyed_at", "retain_until"),
)

retained_records = Table(
    "retained_records",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key_id", String(36), nullable=False),
    Column("category", String(32), nullable=False),
    Column("source", String(48), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("ciphertext", Text, nullable=False),
    Index("ix_retained_records_key", "key_id"),
)

identifier_quarantine = Table(
    "identifier_quarantine",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("until", UTCDateTime(), nullable=False),
    Index("ix_identifier_quarantine_digest", "digest"),
)
