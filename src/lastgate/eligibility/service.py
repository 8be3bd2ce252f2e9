"""Use case: may this account be closed now?"""

from __future__ import annotations

from datetime import timedelta

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import EligibilityReport
from lastgate.kernel.clock import Clock
from lastgate.ledger.ports import AccountStateReader, PolicyBook


def check_account(
    uid: str, *, accounts: AccountStateReader, policies: PolicyBook, clock: Clock
) -> EligibilityReport:
    """Run every check on ``uid`` under its jurisdiction's policy.

    The full report carries internal detail; callers showing it to the customer pass it
    through ``customer_view`` first.
    """
    now = clock()
    since = now - timedelta(days=policies.longest_withdrawal_window_days)
    state = accounts.load(uid, withdrawals_since=since)
    return evaluate(state, policies.for_jurisdiction(state.jurisdiction), now)
