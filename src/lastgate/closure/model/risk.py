"""Which closure requests need document and selfie evidence on top of a second factor."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from lastgate.kernel.money import ZERO
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import AccountState, HoldKind, TransferDirection


def holdings_value_usd(state: AccountState) -> Decimal:
    """Priced balances plus recent withdrawals: what a thief could have taken or could take."""
    total = ZERO
    for balance in state.balances:
        price = state.prices.get(balance.asset)
        if price is not None:
            total += balance.total * price
    for transfer in state.transfers:
        price = state.prices.get(transfer.asset)
        if transfer.direction is TransferDirection.WITHDRAWAL and price is not None:
            total += transfer.amount * price
    return total


def needs_identity_evidence(state: AccountState, policy: Policy, now: datetime) -> bool:
    """High-value accounts, and accounts recently locked by risk control, are risky."""
    if holdings_value_usd(state) > policy.workflow.high_value_usd:
        return True
    since = now - timedelta(days=policy.workflow.risk_lookback_days)
    return any(h.kind is HoldKind.RISK_LOCK and h.placed_at >= since for h in state.holds)
