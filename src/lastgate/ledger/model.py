"""What lastgate knows of one account at one moment: the input of the eligibility checks.

The account-state port returns an ``AccountState``; the reference ledger builds one from
its tables, and an exchange's own adapter builds one from its systems. Only the facts the
checks need are here: open orders, not the whole order history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from lastgate.kernel.errors import AccountClosed


class AccountType(StrEnum):
    FUNDING = "funding"
    TRADING = "trading"
    MARGIN = "margin"
    FUTURES = "futures"
    OPTIONS = "options"
    EARN = "earn"
    FIAT = "fiat"


class KycStatus(StrEnum):
    NOT_STARTED = "not_started"
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"
    DISPUTED = "disputed"


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    CLOSED = "closed"


def refuse_if_closed(status: CustomerStatus) -> None:
    """The one rule for a closed account: nothing more is done to it. Every use case that
    acts on an account calls this first; ``AccountClosed`` (409 ``ACCOUNT_CLOSED``)."""
    if status is CustomerStatus.CLOSED:
        raise AccountClosed("the account is closed: nothing more can be done to it")


class SecurityChange(StrEnum):
    PASSWORD = "password"
    EMAIL = "email"
    PHONE = "phone"
    TWO_FACTOR = "2fa"


class Product(StrEnum):
    SPOT = "spot"
    MARGIN = "margin"
    FUTURES = "futures"
    PERPETUAL = "perpetual"
    OPTIONS = "options"
    CONVERT = "convert"


class OrderKind(StrEnum):
    LIMIT = "limit"
    MARKET = "market"
    STOP = "stop"
    TAKE_PROFIT = "take_profit"
    TRAILING_STOP = "trailing_stop"
    OCO = "oco"


class OrderStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    TRIGGER_PENDING = "trigger_pending"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"


OPEN_ORDER_STATUSES = frozenset(
    {OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED, OrderStatus.TRIGGER_PENDING}
)


class LoanKind(StrEnum):
    MARGIN_BORROW = "margin_borrow"
    COLLATERALISED = "collateralised"


class EarnKind(StrEnum):
    FLEXIBLE = "flexible"
    LOCKED = "locked"
    STAKING = "staking"


class EarnStatus(StrEnum):
    ACTIVE = "active"
    REDEEMING = "redeeming"
    REDEEMED = "redeemed"


class AutomationKind(StrEnum):
    RECURRING_BUY = "recurring_buy"
    TRADING_BOT = "trading_bot"
    COPY_TRADING = "copy_trading"


class AutomationStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


class P2POrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    APPEALING = "appealing"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


P2P_DONE_STATUSES = frozenset({P2POrderStatus.COMPLETED, P2POrderStatus.CANCELLED})


class DisputeKind(StrEnum):
    P2P = "p2p"
    CHARGEBACK = "chargeback"
    COMPLAINT = "complaint"


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class TransferDirection(StrEnum):
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"


class TransferStatus(StrEnum):
    PENDING = "pending"
    CONFIRMING = "confirming"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


IN_FLIGHT_TRANSFER_STATUSES = frozenset(
    {TransferStatus.PENDING, TransferStatus.CONFIRMING, TransferStatus.PROCESSING}
)


class ApiKeyKind(StrEnum):
    API_KEY = "api_key"
    THIRD_PARTY = "third_party"


class SubAccountStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    CLOSED = "closed"


class HoldKind(StrEnum):
    JUDICIAL_FREEZE = "judicial_freeze"
    LAW_ENFORCEMENT = "law_enforcement"
    AML_INVESTIGATION = "aml_investigation"
    RISK_LOCK = "risk_lock"


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    kind: SecurityChange
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Balance:
    account_type: AccountType
    asset: str
    available: Decimal
    frozen: Decimal

    @property
    def total(self) -> Decimal:
        return self.available + self.frozen


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    product: Product
    symbol: str
    kind: OrderKind
    status: OrderStatus
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Position:
    id: str
    product: Product
    symbol: str
    size: Decimal


@dataclass(frozen=True, slots=True)
class Loan:
    id: str
    kind: LoanKind
    asset: str
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class EarnSubscription:
    id: str
    kind: EarnKind
    asset: str
    amount: Decimal
    status: EarnStatus
    matures_at: datetime | None


@dataclass(frozen=True, slots=True)
class Automation:
    id: str
    kind: AutomationKind
    status: AutomationStatus


@dataclass(frozen=True, slots=True)
class P2POrder:
    id: str
    status: P2POrderStatus


@dataclass(frozen=True, slots=True)
class Dispute:
    id: str
    kind: DisputeKind
    status: DisputeStatus


@dataclass(frozen=True, slots=True)
class Transfer:
    id: str
    direction: TransferDirection
    asset: str
    amount: Decimal
    status: TransferStatus
    created_at: datetime
    expected_completion_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    kind: ApiKeyKind
    label: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True, slots=True)
class SubAccount:
    uid: str
    status: SubAccountStatus


@dataclass(frozen=True, slots=True)
class Hold:
    id: str
    kind: HoldKind
    reason: str
    placed_at: datetime
    lifted_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None


@dataclass(frozen=True, slots=True)
class Kyc:
    status: KycStatus
    applicant_mismatch: bool = False


@dataclass(frozen=True, slots=True)
class AccountState:
    """Everything the checks read about one account, as of ``as_of``.

    ``transfers`` holds in-flight transfers plus the withdrawals inside the policy's
    review window; ``orders`` holds open orders only. ``prices`` are USD prices of the
    assets held; an asset missing from it has no market price (for example delisted).
    """

    uid: str
    jurisdiction: str
    status: CustomerStatus
    kyc: Kyc
    security_events: tuple[SecurityEvent, ...] = ()
    balances: tuple[Balance, ...] = ()
    prices: dict[str, Decimal] = field(default_factory=dict)
    orders: tuple[Order, ...] = ()
    positions: tuple[Position, ...] = ()
    loans: tuple[Loan, ...] = ()
    earn: tuple[EarnSubscription, ...] = ()
    automations: tuple[Automation, ...] = ()
    p2p_orders: tuple[P2POrder, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    api_keys: tuple[ApiKey, ...] = ()
    sub_accounts: tuple[SubAccount, ...] = ()
    holds: tuple[Hold, ...] = ()
