"""The eligibility service over fakes of its ports (the account reader, the policy book).

tests/unit/test_customer_report.py checks which report each role receives; these check
what the service asks the reader for and which jurisdiction's policy it applies.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus, customer_view
from lastgate.eligibility.service import Eligibility, check_account
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import AccountNotFound
from lastgate.ledger import model as a
from lastgate.platform.policy_files import PolicyDirectory
from tests.fakes import FakeAccounts, FakeStore, account_state, shipped_policies

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
AGENT = Principal("agent-ada", Role.AGENT)


def strict_us() -> PolicyDirectory:
    """The shipped policies, but the US reviews withdrawals over 1,000 USD in 60 days."""
    shipped = shipped_policies().policies
    us = shipped["US"]
    rules = us.eligibility.model_copy(
        update={
            "withdrawal_review_threshold_usd": Decimal("1000"),
            "withdrawal_review_window_days": 60,
        }
    )
    return PolicyDirectory({**shipped, "US": us.model_copy(update={"eligibility": rules})})


def withdrawal(usdt: str, days_ago: int) -> a.Transfer:
    return a.Transfer(
        f"w-{days_ago}",
        a.TransferDirection.WITHDRAWAL,
        "USDT",
        Decimal(usdt),
        a.TransferStatus.COMPLETED,
        NOW - timedelta(days=days_ago),
    )


def test_the_reader_is_asked_for_the_longest_withdrawal_window_of_any_policy() -> None:
    store = FakeStore(account_state("U1"))
    for book, days in ((shipped_policies(), 30), (strict_us(), 60)):
        accounts = FakeAccounts(store)
        check_account("U1", accounts=accounts, policies=book, clock=lambda: NOW)
        assert accounts.loads == [("U1", NOW - timedelta(days=days))]


@pytest.mark.parametrize(
    ("usdt", "days_ago", "reviewed_in"),
    [
        ("5000", 2, {"US"}),  # over the US threshold only
        ("20000", 2, {"EU", "US"}),  # over both
        ("20000", 45, {"US"}),  # inside the US window only: read because the US needs it
        ("20000", 61, set()),  # outside every window
    ],
)
def test_each_account_is_judged_by_its_own_jurisdictions_policy(
    usdt: str, days_ago: int, reviewed_in: set[str]
) -> None:
    states = [
        account_state(j, jurisdiction=j, transfers=(withdrawal(usdt, days_ago),))
        for j in ("EU", "US")
    ]
    eligibility = Eligibility(FakeAccounts(FakeStore(*states)), strict_us(), lambda: NOW)
    reviewed = set()
    for state in states:
        report = eligibility.staff_report(AGENT, state.uid)
        assert report.eligible, report.blockers
        if report.needs_review:
            reviewed.add(state.jurisdiction)
        status = report.result(CheckCode.WITHDRAWAL_REVIEW).status
        assert (status is CheckStatus.REVIEW) == report.needs_review
    assert reviewed == reviewed_in


def test_an_unknown_account_is_not_found_whoever_asks() -> None:
    eligibility = Eligibility(FakeAccounts(FakeStore()), shipped_policies(), lambda: NOW)
    with pytest.raises(AccountNotFound):
        eligibility.staff_report(AGENT, "U404")
    with pytest.raises(AccountNotFound):
        eligibility.report_for(Principal("U404", Role.CUSTOMER), "U404")


def test_both_views_come_from_the_same_check_of_the_committed_ledger() -> None:
    btc = a.Balance(a.AccountType.FUNDING, "BTC", Decimal("0.5"), Decimal("0"))
    store = FakeStore(account_state("U1"))
    eligibility = Eligibility(FakeAccounts(store), shipped_policies(), lambda: NOW)
    assert eligibility.customer_report(Principal("U1", Role.CUSTOMER), "U1").eligible
    store.put_account(account_state("U1", balances=(btc,)))
    internal = eligibility.staff_report(AGENT, "U1")
    seen = eligibility.customer_report(Principal("U1", Role.CUSTOMER), "U1")
    assert internal == evaluate(
        store.committed.accounts["U1"], shipped_policies().policies["EU"], NOW
    )
    assert seen == customer_view(internal)
    assert [c.code for c in seen.blockers] == [CheckCode.ASSETS_REMAINING]
