"""Use cases: may this account be closed now, and what may the caller see of the answer?

``Eligibility.report_for`` picks the report from the caller's role: the internal
``EligibilityReport`` for staff, a ``CustomerReport`` for anyone else. Code that serves a
customer asks for ``customer_report``, typed so that it cannot receive the internal one.
A closed account has no report for its customer: ``customer_answer`` (and so
``report_for``) says ``ClosedAccount``, and ``customer_report`` refuses it with
``AccountClosed``, the ledger's rule for every action on a closed account. Every
customer's report is made by ``_customer_view``: a risk lock kept on appeal
(``lock_appeals``) reads there as staying, in every view that shows it (API, pages,
assistant, CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lastgate.eligibility.model.agent_view import agent_view
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.checks.restrictions import kept_on_appeal, risk_locked
from lastgate.eligibility.model.closed import CertificateState, ClosedAccount
from lastgate.eligibility.model.report import CustomerReport, EligibilityReport, customer_view
from lastgate.eligibility.ports import Certificates, LockAppeals
from lastgate.kernel.access import (
    Principal,
    Role,
    ensure_may_read_account,
    ensure_staff,
    sees_internal_detail,
)
from lastgate.kernel.clock import Clock
from lastgate.ledger.model import AccountState, CustomerStatus, refuse_if_closed
from lastgate.ledger.ports import AccountStateReader, PolicyBook


def _load(
    uid: str, *, accounts: AccountStateReader, policies: PolicyBook, now: datetime
) -> AccountState:
    since = now - timedelta(days=policies.longest_withdrawal_window_days)
    return accounts.load(uid, withdrawals_since=since)


def check_account(
    uid: str, *, accounts: AccountStateReader, policies: PolicyBook, clock: Clock
) -> EligibilityReport:
    """Run every check on ``uid`` under its jurisdiction's policy: the internal report.

    For the system's own decisions and staff-only records; to answer a caller, use
    ``Eligibility.report_for``.
    """
    now = clock()
    state = _load(uid, accounts=accounts, policies=policies, now=now)
    return evaluate(state, policies.for_jurisdiction(state.jurisdiction), now)


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The eligibility service: each report goes to a caller in the form its role allows.
    ``certificates`` tells a closed account's customer whether their certificate is
    issued yet; without it their answer does not say. ``lock_appeals`` tells whether a
    risk lock was kept on appeal; without it the card always invites an appeal."""

    accounts: AccountStateReader
    policies: PolicyBook
    clock: Clock
    certificates: Certificates | None = None
    lock_appeals: LockAppeals | None = None

    def _check(self, uid: str) -> EligibilityReport:
        return check_account(uid, accounts=self.accounts, policies=self.policies, clock=self.clock)

    def report_for(
        self, principal: Principal, uid: str
    ) -> EligibilityReport | CustomerReport | ClosedAccount:
        """The internal report for staff; for anyone else the customer's report, or that
        the account is closed."""
        if sees_internal_detail(principal):
            return self.staff_report(principal, uid)
        return self.customer_answer(principal, uid)

    def customer_answer(self, principal: Principal, uid: str) -> CustomerReport | ClosedAccount:
        """What the account holder is told: their report, or that the account is closed
        (with where its certificate is) when it is."""
        state, now = self._state(principal, uid)
        if state.status is CustomerStatus.CLOSED:
            return ClosedAccount(uid, state.jurisdiction, now, self._certificate(uid))
        return self._customer_view(state, now)

    def customer_report(self, principal: Principal, uid: str) -> CustomerReport:
        """What the account holder sees, whoever asks (staff may look through their eyes);
        ``AccountClosed`` when the account is closed: nothing is left to check or fix."""
        state, now = self._state(principal, uid)
        refuse_if_closed(state.status)
        return self._customer_view(state, now)

    def _state(self, principal: Principal, uid: str) -> tuple[AccountState, datetime]:
        ensure_may_read_account(principal, uid)
        now = self.clock()
        return _load(uid, accounts=self.accounts, policies=self.policies, now=now), now

    def _customer_view(self, state: AccountState, now: datetime) -> CustomerReport:
        policy = self.policies.for_jurisdiction(state.jurisdiction)
        report = customer_view(evaluate(state, policy, now))
        appeals = self.lock_appeals
        if appeals is None or not risk_locked(report):
            return report
        kept = appeals.kept_on_appeal(state.uid, policy.desk, now)
        return report if kept is None else kept_on_appeal(report, kept)

    def _certificate(self, uid: str) -> CertificateState | None:
        if self.certificates is None:
            return None
        issued = self.certificates.issued(uid)
        return CertificateState.ISSUED if issued else CertificateState.PENDING

    def staff_report(self, principal: Principal, uid: str) -> EligibilityReport:
        """The internal report, with detail: staff only. A compliance officer sees the
        confidential checks whole; an agent sees that compliance must act, not why."""
        ensure_staff(principal, message="only staff may read the internal eligibility report")
        ensure_may_read_account(principal, uid)
        report = self._check(uid)
        return report if principal.role is Role.COMPLIANCE else agent_view(report)
