"""The eligibility checks' boundaries in amounts: a balance against the dust tolerance, a
deposit on its way, withdrawals adding up to a review. The accounts and helpers are
``test_checks``'."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.kernel.policy import Policy
from lastgate.ledger import model as a
from tests.account_states import CLEAN, NOW, POLICY, balance, failing, transfer

# -- balances -----------------------------------------------------------------------------


def test_a_balance_worth_exactly_the_dust_tolerance_is_dust() -> None:
    # 1,000,000 SHIB at 0.00001 USD is exactly the default 10 USD tolerance.
    state = replace(CLEAN, balances=(balance("1000000", "SHIB"),))
    result = evaluate(state, POLICY, NOW).result(CheckCode.DUST_REMAINING)
    assert failing(state) == {CheckCode.DUST_REMAINING: CheckStatus.BLOCK}
    assert result.evidence[0]["value_usd"] == "10"


def test_a_balance_one_cent_above_the_tolerance_is_an_asset() -> None:
    state = replace(CLEAN, balances=(balance("10.01", "USDT"),))
    assert failing(state) == {CheckCode.ASSETS_REMAINING: CheckStatus.BLOCK}


def test_frozen_amounts_count_towards_the_balance() -> None:
    state = replace(
        CLEAN, balances=(balance("0", "USDT", frozen="500", kind=a.AccountType.MARGIN),)
    )
    result = evaluate(state, POLICY, NOW).result(CheckCode.ASSETS_REMAINING)
    assert result.status is CheckStatus.BLOCK
    assert result.evidence[0]["frozen"] == "500"
    assert result.evidence[0]["account_type"] == "margin"


def test_zero_balances_are_ignored() -> None:
    state = replace(CLEAN, balances=(balance("0"), balance("0", "USDT")))
    assert failing(state) == {}


def test_a_balance_in_an_asset_without_a_price_is_dust() -> None:
    state = replace(CLEAN, balances=(balance("5000", "DELISTED"),))
    result = evaluate(state, POLICY, NOW).result(CheckCode.DUST_REMAINING)
    assert result.status is CheckStatus.BLOCK
    assert result.evidence[0]["value_usd"] == "unpriced"


def test_each_balance_is_judged_by_itself_across_account_types() -> None:
    small = "0.0001"  # 9 USD each: dust, even though the two add up to 18 USD
    state = replace(CLEAN, balances=(balance(small), balance(small, kind=a.AccountType.EARN)))
    result = evaluate(state, POLICY, NOW).result(CheckCode.DUST_REMAINING)
    assert failing(state) == {CheckCode.DUST_REMAINING: CheckStatus.BLOCK}
    assert len(result.evidence) == 2


def test_assets_and_dust_are_reported_separately() -> None:
    state = replace(CLEAN, balances=(balance("1"), balance("3", "USDT")))
    assert failing(state) == {
        CheckCode.ASSETS_REMAINING: CheckStatus.BLOCK,
        CheckCode.DUST_REMAINING: CheckStatus.BLOCK,
    }


def test_the_policy_sets_the_dust_tolerance() -> None:
    strict = Policy(jurisdiction="EU", name="strict", eligibility={"dust_tolerance_usd": "1"})  # type: ignore[arg-type]
    state = replace(CLEAN, balances=(balance("3", "USDT"),))
    assert failing(state, strict) == {CheckCode.ASSETS_REMAINING: CheckStatus.BLOCK}


# -- transfers ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "confirming", "processing"])
def test_a_deposit_in_any_in_flight_status_blocks(status: str) -> None:
    state = replace(
        CLEAN, transfers=(transfer(a.TransferDirection.DEPOSIT, a.TransferStatus(status)),)
    )
    result = evaluate(state, POLICY, NOW).result(CheckCode.DEPOSIT_PENDING)
    assert result.status is CheckStatus.BLOCK
    assert result.evidence[0]["expected_completion_at"] == (NOW + timedelta(hours=2)).isoformat()


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
def test_a_finished_deposit_does_not_block(status: str) -> None:
    state = replace(
        CLEAN, transfers=(transfer(a.TransferDirection.DEPOSIT, a.TransferStatus(status)),)
    )
    assert failing(state) == {}


def _withdrawn(status: a.TransferStatus, amount: str, **fields: object) -> a.AccountState:
    """The clean account with one withdrawal of ``amount`` in ``status``."""
    withdrawal = transfer(a.TransferDirection.WITHDRAWAL, status, amount, **fields)
    return replace(CLEAN, transfers=(withdrawal,))


def test_withdrawals_exactly_at_the_review_threshold_need_no_review() -> None:
    state = _withdrawn(a.TransferStatus.COMPLETED, "10000", asset="USDT")
    assert failing(state) == {}


def test_withdrawals_outside_the_window_are_not_counted() -> None:
    old = NOW - timedelta(days=31)
    state = _withdrawn(a.TransferStatus.COMPLETED, "5", created_at=old)
    assert failing(state) == {}


def test_withdrawals_in_the_window_add_up_to_a_review() -> None:
    state = replace(
        CLEAN,
        transfers=tuple(
            replace(
                transfer(
                    a.TransferDirection.WITHDRAWAL, a.TransferStatus.COMPLETED, "6000", asset="USDT"
                ),
                id=f"w{i}",
            )
            for i in range(2)
        ),
    )
    result = evaluate(state, POLICY, NOW).result(CheckCode.WITHDRAWAL_REVIEW)
    assert result.status is CheckStatus.REVIEW
    assert result.detail.params["total"] == "12000"
    assert result.evidence == ()  # the customer is told a review happens, not why


def test_failed_withdrawals_do_not_count_towards_review() -> None:
    state = _withdrawn(a.TransferStatus.FAILED, "50000", asset="USDT")
    assert failing(state) == {}
