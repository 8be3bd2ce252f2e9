"""Account states for the eligibility checks' unit tests: a clean account, the instant
and policy they are judged at, and builders of a balance, a hold and a transfer. One home
for the states many unit tests start from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.kernel.policy import Policy
from lastgate.ledger import model as a

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = Policy(jurisdiction="EU", name="test")
PRICES = {"BTC": Decimal("90000"), "USDT": Decimal("1"), "SHIB": Decimal("0.00001")}
CLEAN = a.AccountState(
    uid="U1",
    jurisdiction="EU",
    status=a.CustomerStatus.ACTIVE,
    kyc=a.Kyc(a.KycStatus.VERIFIED),
    prices=PRICES,
)
AGO = NOW - timedelta(days=3)


def failing(state: a.AccountState, policy: Policy = POLICY) -> dict[CheckCode, CheckStatus]:
    report = evaluate(state, policy, NOW)
    return {c.code: c.status for c in report.checks if c.status is not CheckStatus.PASS}


def balance(
    amount: str,
    asset: str = "BTC",
    *,
    frozen: str = "0",
    kind: a.AccountType = a.AccountType.FUNDING,
) -> a.Balance:
    return a.Balance(kind, asset, Decimal(amount), Decimal(frozen))


def hold(kind: a.HoldKind, *, lifted: bool = False) -> a.Hold:
    return a.Hold(
        "h1",
        kind,
        f"internal reason for {kind.value}",
        AGO,
        NOW - timedelta(hours=1) if lifted else None,
    )


def transfer(
    direction: a.TransferDirection,
    status: a.TransferStatus,
    amount: str = "0.1",
    *,
    asset: str = "BTC",
    created_at: datetime = AGO,
) -> a.Transfer:
    return a.Transfer(
        "t1", direction, asset, Decimal(amount), status, created_at, NOW + timedelta(hours=2)
    )
