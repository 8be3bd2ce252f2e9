"""The eligibility checks: one pure function per code, and ``evaluate`` to run them all.

Every check returns a ``CheckResult``, passing or not, so the customer sees the whole list.
Boundaries, stated once here and in docs/checks.md:

- a balance worth exactly the dust tolerance is dust; above it, it is an asset;
- a balance of an asset with no market price is dust (it can only be forfeited);
- a security cooldown ends at the change time plus the policy's days, to the second;
- withdrawals are reviewed when their total value in the window is above the threshold.

The dust line itself is ``lastgate.eligibility.model.dust_line``, shared with the dust
sweep and the bulk sweep. The checks live by theme: ``balances``, ``transfers``,
``products``, ``access``, ``restrictions``; this module holds their order.
"""

from __future__ import annotations

from datetime import datetime

from lastgate.eligibility.model.checks.access import (
    check_api_keys_active,
    check_security_cooldown,
    check_sub_accounts_open,
)
from lastgate.eligibility.model.checks.balances import (
    check_assets_remaining,
    check_dust_remaining,
)
from lastgate.eligibility.model.checks.products import (
    check_active_automation,
    check_active_earn,
    check_dispute_open,
    check_open_orders,
    check_open_positions,
    check_outstanding_loans,
    check_p2p_order_open,
)
from lastgate.eligibility.model.checks.restrictions import (
    check_compliance_review,
    check_kyc_disputed,
    check_kyc_incomplete,
    check_legal_hold,
    check_risk_lock,
)
from lastgate.eligibility.model.checks.result import Check
from lastgate.eligibility.model.checks.transfers import (
    check_deposit_pending,
    check_withdrawal_pending,
    check_withdrawal_review,
)
from lastgate.eligibility.model.report import CheckCode, EligibilityReport
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import AccountState

CHECKS: tuple[tuple[CheckCode, Check], ...] = (
    (CheckCode.ASSETS_REMAINING, check_assets_remaining),
    (CheckCode.DUST_REMAINING, check_dust_remaining),
    (CheckCode.DEPOSIT_PENDING, check_deposit_pending),
    (CheckCode.WITHDRAWAL_PENDING, check_withdrawal_pending),
    (CheckCode.OPEN_ORDERS, check_open_orders),
    (CheckCode.OPEN_POSITIONS, check_open_positions),
    (CheckCode.OUTSTANDING_LOANS, check_outstanding_loans),
    (CheckCode.ACTIVE_EARN, check_active_earn),
    (CheckCode.ACTIVE_AUTOMATION, check_active_automation),
    (CheckCode.P2P_ORDER_OPEN, check_p2p_order_open),
    (CheckCode.DISPUTE_OPEN, check_dispute_open),
    (CheckCode.API_KEYS_ACTIVE, check_api_keys_active),
    (CheckCode.SUB_ACCOUNTS_OPEN, check_sub_accounts_open),
    (CheckCode.SECURITY_COOLDOWN, check_security_cooldown),
    (CheckCode.RISK_LOCK, check_risk_lock),
    (CheckCode.WITHDRAWAL_REVIEW, check_withdrawal_review),
    (CheckCode.KYC_INCOMPLETE, check_kyc_incomplete),
    (CheckCode.KYC_DISPUTED, check_kyc_disputed),
    (CheckCode.LEGAL_HOLD, check_legal_hold),
    (CheckCode.COMPLIANCE_REVIEW, check_compliance_review),
)


def evaluate(state: AccountState, policy: Policy, now: datetime) -> EligibilityReport:
    """Run every check against ``state`` as of ``now`` (timezone-aware UTC)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return EligibilityReport(
        uid=state.uid,
        jurisdiction=state.jurisdiction,
        checked_at=now,
        checks=tuple(check(state, policy, now) for _, check in CHECKS),
        account_status=state.status,
    )


__all__ = [
    "CHECKS",
    "Check",
    "check_active_automation",
    "check_active_earn",
    "check_api_keys_active",
    "check_assets_remaining",
    "check_compliance_review",
    "check_deposit_pending",
    "check_dispute_open",
    "check_dust_remaining",
    "check_kyc_disputed",
    "check_kyc_incomplete",
    "check_legal_hold",
    "check_open_orders",
    "check_open_positions",
    "check_outstanding_loans",
    "check_p2p_order_open",
    "check_risk_lock",
    "check_security_cooldown",
    "check_sub_accounts_open",
    "check_withdrawal_pending",
    "check_withdrawal_review",
    "evaluate",
]
