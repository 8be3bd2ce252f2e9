"""Tables of the one-step fixes on the reference ledger: dust-sweep quotes, and the ledger
entries that record every amount a sweep moves or a customer gives up."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text

from lastgate.platform.db.metadata import Id, metadata
from lastgate.platform.db.types import Amount, UTCDateTime

#: A quote is honoured once: ``executed_at`` is set by the one execution that claims it.
dust_quotes = Table(
    "dust_quotes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", Id, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("target_asset", String(32), nullable=False),
    Column("target_price_usd", Amount(), nullable=False),
    Column("fee_percent", Amount(), nullable=False),
    Column("gross", Amount(), nullable=False),
    Column("fee", Amount(), nullable=False),
    Column("net", Amount(), nullable=False),
    # JSON list of lines: account_type, asset, and amounts as decimal strings.
    Column("lines", Text, nullable=False),
    Column("executed_at", UTCDateTime()),
    Column("forfeit_consent", Boolean),
    Index("ix_dust_quotes_customer_executed", "customer_id", "executed_at"),
)

#: Movements the ledger makes on its own account of the customer (not trades): amounts
#: are positive, ``kind`` says which way. ``consent_by`` names who consented to a forfeit:
#: ``account_holder``, or the staff member acting for them.
ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("customer_id", Id, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("account_type", String(16), nullable=False),
    Column("asset", String(32), nullable=False),
    Column("amount", Amount(), nullable=False),
    Column("ref", String(64), nullable=False),
    Column("consent_by", String(64)),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_ledger_entries_customer_at", "customer_id", "at"),
    Index("ix_ledger_entries_ref", "ref"),
)
