"""Use cases: may this account be closed now, and what may the caller see of the answer?

``Eligibility.report_for`` picks the report from the caller's role: the internal
``EligibilityReport`` for staff, a ``CustomerReport`` for anyone else. Code that serves a
customer asks for ``customer_report``, typed so that it cannot receive the internal one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CustomerReport, EligibilityReport, customer_view
from lastgate.kernel.access import (
    Principal,
    ensure_may_read_account,
    ensure_staff,
    sees_internal_detail,
)
from lastgate.kernel.clock import Clock
from lastgate.ledger.ports import AccountStateReader, PolicyBook


def check_account(
    uid: str, *, accounts: AccountStateReader, policies: PolicyBook, clock: Clock
) -> EligibilityReport:
    """Run every check on ``uid`` under its jurisdiction's policy: the internal report.

    For the system's own decisions and staff-only records; to answer a caller, use
    ``Eligibility.report_for``.
    """
    now = clock()
    since = now - timedelta(days=policies.longest_withdrawal_window_days)
    state = accounts.load(uid, withdrawals_since=since)
    return evaluate(state, policies.for_jurisdiction(state.jurisdiction), now)


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The eligibility service: each report goes to a caller in the form its role allows."""

    accounts: AccountStateReader
    policies: PolicyBook
    clock: Clock

    def _check(self, uid: str) -> EligibilityReport:
        return check_account(uid, accounts=self.accounts, policies=self.policies, clock=self.clock)

    def report_for(self, principal: Principal, uid: str) -> EligibilityReport | CustomerReport:
        """The internal report for staff, the customer's report for anyone else."""
        if sees_internal_detail(principal):
            return self.staff_report(principal, uid)
        return self.customer_report(principal, uid)

    def customer_report(self, principal: Principal, uid: str) -> CustomerReport:
        """What the account holder sees, whoever asks (staff may look through their eyes)."""
        ensure_may_read_account(principal, uid)
        return customer_view(self._check(uid))

    def staff_report(self, principal: Principal, uid: str) -> EligibilityReport:
        """The internal report, with detail and confidential checks: staff only."""
        ensure_staff(principal, message="only staff may read the internal eligibility report")
        ensure_may_read_account(principal, uid)
        return self._check(uid)
