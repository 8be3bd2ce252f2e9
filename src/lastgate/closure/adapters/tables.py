"""lastgate's own tables for the closure workflow: requests, verification, evidence,
freezes, the audit chain and the notification outbox.

Customers are named by ``uid`` here, not by the ledger's internal id: an exchange that
plugs its own ledger in keeps these tables and drops the reference ledger's.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from lastgate.closure.model.lifecycle import TERMINAL_STATES, ClosureState
from lastgate.platform.db.metadata import Id, metadata
from lastgate.platform.db.types import UTCDateTime

# In the enum's order, so that the text is the one migration 0002 wrote for the index.
_TERMINAL = ", ".join(f"'{s.value}'" for s in ClosureState if s in TERMINAL_STATES)
_OPEN_CLOSURE = f"state NOT IN ({_TERMINAL})"

closure_requests = Table(
    "closure_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("uid", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("reason_text", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("held_from", String(16)),
    Column("needs_review", Boolean, nullable=False),
    Column("needs_evidence", Boolean, nullable=False),
    Column("cooling_off_ends_at", UTCDateTime()),
    Column("decided_by", String(64)),
    Column("decision_note", Text),
    Column("factor_verified_at", UTCDateTime()),
    # Who asked: the customer, or the platform (an offboarding campaign, docs/campaign.md).
    Column("origin", String(16), nullable=False, server_default=text("'customer'")),
    Column("initiated_by", String(80)),
    Index("ix_closure_requests_uid", "uid"),
    Index("ix_closure_requests_due", "state", "cooling_off_ends_at"),
    # At most one open request per customer: a double submit cannot create a second.
    Index(
        "uq_closure_requests_open_uid",
        "uid",
        unique=True,
        postgresql_where=text(_OPEN_CLOSURE),
        sqlite_where=text(_OPEN_CLOSURE),
    ),
)

approvals = Table(
    "approvals",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject", String(80), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("decided_at", UTCDateTime(), nullable=False),
    Index("ix_approvals_subject", "subject", "kind"),
)

second_factors = Table(
    "second_factors",
    metadata,
    Column("uid", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("secret", Text, nullable=False),
    Column("enrolled_at", UTCDateTime(), nullable=False),
    Column("last_used_step", Integer),
)

# The account's consecutive wrong tries, every method and closure request together, and
# the end of the lock they started (``lastgate.closure.model.attempts``): one row per
# account, locked by each check, so two concurrent tries are both counted.
verification_attempts = Table(
    "verification_attempts",
    metadata,
    Column("uid", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", UTCDateTime()),
    Column("updated_at", UTCDateTime(), nullable=False),
)

verification_challenges = Table(
    "verification_challenges",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("closure_requests.id"), nullable=False),
    Column("method", String(8), nullable=False),
    Column("channel", String(320)),
    Column("code_hash", String(128)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("verified_at", UTCDateTime()),
    Index("ix_verification_challenges_request", "request_id"),
)

evidence_files = Table(
    "evidence_files",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), ForeignKey("closure_requests.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(128), nullable=False),
    Column("uploaded_at", UTCDateTime(), nullable=False),
    Column("reviewed_by", String(64)),
    Column("review_decision", String(16)),
    Column("reviewed_at", UTCDateTime()),
    Column("refusal", String(32)),  # why it was refused: an EvidenceRefusal code
    Index("ix_evidence_files_request", "request_id"),
)

account_freezes = Table(
    "account_freezes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("uid", String(64), nullable=False),
    Column("cause", String(16), nullable=False),
    Column("frozen_at", UTCDateTime(), nullable=False),
    Column("unfreeze_after", UTCDateTime()),
    Column("unfrozen_at", UTCDateTime()),
    Column("version", Integer, nullable=False),
    Index("ix_account_freezes_uid", "uid"),
)


outbox = Table(
    "outbox",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("topic", String(48), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject_ref", String(80), nullable=False),
    Column("payload", Text, nullable=False),
    Column("deliver_after", UTCDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("delivered_at", UTCDateTime()),
    Column("voided_at", UTCDateTime()),
    Column("failed_at", UTCDateTime()),
    Column("last_error", Text),
    Index("ix_outbox_due", "delivered_at", "deliver_after"),
    Index("ix_outbox_subject", "subject_ref"),
)


customer_settings = Table(
    "customer_settings",
    metadata,
    Column("uid", String(64), primary_key=True),
    Column("anti_phishing_code", String(32)),
    Column("language", String(8)),
    Column("updated_at", UTCDateTime(), nullable=False),
)
