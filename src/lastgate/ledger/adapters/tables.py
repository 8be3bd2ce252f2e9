"""The reference exchange ledger's tables: a small but faithful model of an exchange.

Every row that belongs to a customer carries ``customer_id``. Identifiers an exchange
gives its own records (order ids, transfer ids) are kept in ``ref``.
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
    false,
    text,
)

from lastgate.ledger.model import OPEN_ORDER_STATUSES
from lastgate.platform.db.metadata import Id, metadata
from lastgate.platform.db.types import Amount, UTCDateTime


def _id() -> Column[int]:
    return Column("id", Id, primary_key=True, autoincrement=True)


def _customer() -> Column[int]:
    return Column("customer_id", Id, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)


customers = Table(
    "customers",
    metadata,
    _id(),
    Column("uid", String(64), nullable=False, unique=True),
    Column("jurisdiction", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("email", String(320)),
    Column("phone", String(32)),
    Column("full_name", String(200)),
    Column("id_number", String(64)),
    Column("country", String(2)),
    Column("kyc_status", String(16), nullable=False),
    Column("kyc_level", Integer, nullable=False, default=0),
    Column("kyc_applicant_mismatch", Boolean, nullable=False, default=False),
    Column("kyc_verified_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
    # Withdraw-only (an offboarding campaign's grace period): no deposits, trading, P2P
    # or earn; withdrawals stay open. Apart from ``status``: a freeze comes and goes on
    # its own while the restriction stays.
    Column("withdraw_only", Boolean, nullable=False, server_default=false()),
)

security_events = Table(
    "security_events",
    metadata,
    _id(),
    _customer(),
    Column("kind", String(16), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Index("ix_security_events_customer", "customer_id", "occurred_at"),
)

asset_prices = Table(
    "asset_prices",
    metadata,
    Column("asset", String(32), primary_key=True),
    Column("price_usd", Amount(), nullable=False),
    Column("tradeable", Boolean, nullable=False, default=True),
    Column("updated_at", UTCDateTime(), nullable=False),
)

balances = Table(
    "balances",
    metadata,
    Column(
        "customer_id",
        Id,
        ForeignKey("customers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("account_type", String(16), primary_key=True),
    Column("asset", String(32), primary_key=True),
    Column("available", Amount(), nullable=False),
    Column("frozen", Amount(), nullable=False),
)

#: The open orders' condition, as the partial index ``ix_orders_open`` holds it.
OPEN_ORDERS = "status IN ({})".format(
    ", ".join(sorted(f"'{status.value}'" for status in OPEN_ORDER_STATUSES))
)

orders = Table(
    "orders",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("product", String(16), nullable=False),
    Column("symbol", String(32), nullable=False),
    Column("side", String(4), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(20), nullable=False),
    Column("quantity", Amount(), nullable=False),
    Column("price", Amount()),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_orders_customer_status", "customer_id", "status"),
    # Only the open ones (migration 0012): the open-orders check skips the rest.
    Index(
        "ix_orders_open",
        "customer_id",
        postgresql_where=text(OPEN_ORDERS),
        sqlite_where=text(OPEN_ORDERS),
    ),
)

positions = Table(
    "positions",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("product", String(16), nullable=False),
    Column("symbol", String(32), nullable=False),
    Column("size", Amount(), nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Index("ix_positions_customer", "customer_id"),
)

loans = Table(
    "loans",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("asset", String(32), nullable=False),
    Column("outstanding", Amount(), nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Index("ix_loans_customer", "customer_id"),
)

earn_subscriptions = Table(
    "earn_subscriptions",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("asset", String(32), nullable=False),
    Column("amount", Amount(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("matures_at", UTCDateTime()),
    Index("ix_earn_subscriptions_customer", "customer_id"),
)

automations = Table(
    "automations",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_automations_customer", "customer_id"),
)

p2p_orders = Table(
    "p2p_orders",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("status", String(20), nullable=False),
    Column("asset", String(32), nullable=False),
    Column("amount", Amount(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_p2p_orders_customer", "customer_id"),
)

disputes = Table(
    "disputes",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Index("ix_disputes_customer", "customer_id"),
)

transfers = Table(
    "transfers",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("direction", String(12), nullable=False),
    Column("asset", String(32), nullable=False),
    Column("amount", Amount(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("network", String(32)),
    Column("address", String(128)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expected_completion_at", UTCDateTime()),
    Column("completed_at", UTCDateTime()),
    Index("ix_transfers_customer_created", "customer_id", "created_at"),
    Index("ix_transfers_customer_status", "customer_id", "status"),
)

api_keys = Table(
    "api_keys",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime()),
    Column("revoked_at", UTCDateTime()),
    Index("ix_api_keys_customer", "customer_id"),
)

sub_accounts = Table(
    "sub_accounts",
    metadata,
    _id(),
    _customer(),
    Column("sub_uid", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Index("ix_sub_accounts_customer", "customer_id"),
)

holds = Table(
    "holds",
    metadata,
    _id(),
    _customer(),
    Column("ref", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_by", String(64), nullable=False),
    Column("placed_at", UTCDateTime(), nullable=False),
    Column("lifted_at", UTCDateTime()),
    Index("ix_holds_customer", "customer_id"),
)

#: Tables whose rows belong to one customer, in the order they may be deleted.
CUSTOMER_TABLES = (
    security_events,
    balances,
    orders,
    positions,
    loans,
    earn_subscriptions,
    automations,
    p2p_orders,
    disputes,
    transfers,
    api_keys,
    sub_accounts,
    holds,
)
