"""``check_account`` on the reference ledger, both databases: the boundaries, end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastgate.eligibility.model.report import CheckCode, CheckStatus, EligibilityReport
from lastgate.eligibility.service import check_account
from lastgate.kernel.errors import AccountNotFound
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory
from tests.builders import T0, account, iso, load

POLICIES = PolicyDirectory.load()


def check(engine, uid: str = "U1000", clock=lambda: T0) -> EligibilityReport:
    return check_account(uid, accounts=LedgerStateReader(engine), policies=POLICIES, clock=clock)


def failing(report: EligibilityReport) -> dict[str, str]:
    return {c.code.value: c.status.value for c in report.checks if c.status is not CheckStatus.PASS}


def test_a_clean_account_may_close(engine) -> None:
    load(engine, account())
    report = check(engine)
    assert report.eligible and failing(report) == {}


def test_an_unknown_uid_is_refused(engine) -> None:
    with pytest.raises(AccountNotFound):
        check(engine, "NOBODY")


def test_dust_exactly_at_the_tolerance_is_dust_after_a_database_round_trip(engine) -> None:
    load(
        engine,
        account(
            balances=[
                {
                    "account_type": "trading",
                    "asset": "SHIB",
                    "available": "999999.999999999999999999",
                    "frozen": "0.000000000000000001",
                },
            ]
        ),
    )
    report = check(engine)
    assert failing(report) == {"DUST_REMAINING": "block"}
    assert report.result(CheckCode.DUST_REMAINING).evidence[0]["value_usd"] == "10"


def test_frozen_balance_in_a_futures_account_blocks(engine) -> None:
    load(
        engine,
        account(
            balances=[
                {"account_type": "futures", "asset": "USDT", "available": "0", "frozen": "250"},
            ]
        ),
    )
    assert failing(check(engine)) == {"ASSETS_REMAINING": "block"}


def test_a_deposit_still_confirming_blocks_with_its_expected_completion(engine) -> None:
    expected = T0 + timedelta(minutes=40)
    load(
        engine,
        account(
            transfers=[
                {
                    "id": "dep-1",
                    "direction": "deposit",
                    "asset": "BTC",
                    "amount": "0.2",
                    "status": "confirming",
                    "network": "bitcoin",
                    "created_at": iso(T0 - timedelta(minutes=5)),
                    "expected_completion_at": iso(expected),
                }
            ]
        ),
    )
    result = check(engine).result(CheckCode.DEPOSIT_PENDING)
    assert result.status is CheckStatus.BLOCK
    assert result.evidence[0]["expected_completion_at"] == expected.isoformat()


def test_a_security_cooldown_ending_today_blocks_until_its_moment(engine) -> None:
    changed = T0 - timedelta(days=7) + timedelta(hours=3)  # ends today at 15:00 UTC
    load(engine, account(security_events=[{"kind": "password", "occurred_at": iso(changed)}]))
    assert failing(check(engine)) == {"SECURITY_COOLDOWN": "block"}
    later = T0 + timedelta(hours=3)
    assert failing(check(engine, clock=lambda: later)) == {}


def test_only_open_orders_of_a_long_history_block(engine) -> None:
    history = [
        {
            "id": f"o{i}",
            "product": "spot",
            "symbol": "ETH/USDT",
            "side": "sell",
            "kind": "limit",
            "status": "filled" if i % 2 else "cancelled",
            "quantity": "1",
            "price": "3000",
            "created_at": iso(T0 - timedelta(days=i + 1)),
        }
        for i in range(50)
    ]
    history.append({**history[0], "id": "open-1", "status": "trigger_pending", "kind": "stop"})
    load(engine, account(orders=history))
    result = check(engine).result(CheckCode.OPEN_ORDERS)
    assert result.status is CheckStatus.BLOCK
    assert [e["id"] for e in result.evidence] == ["open-1"]


def test_withdrawals_in_the_window_route_to_review(engine) -> None:
    load(
        engine,
        account(
            transfers=[
                {
                    "id": f"w{i}",
                    "direction": "withdrawal",
                    "asset": "USDT",
                    "amount": "4000",
                    "status": "completed",
                    "created_at": iso(T0 - timedelta(days=10 * i + 1)),
                }
                for i in range(4)  # days 1, 11, 21 in the 30-day window; day 31 outside
            ]
        ),
    )
    report = check(engine)
    assert failing(report) == {"WITHDRAWAL_REVIEW": "review"}
    assert report.result(CheckCode.WITHDRAWAL_REVIEW).detail.params["total"] == "12000"


def test_the_jurisdiction_picks_the_policy_and_unknown_ones_fall_back(engine) -> None:
    load(engine, account("U-XX", jurisdiction="XX"), account("U-US", jurisdiction="US"))
    assert check(engine, "U-XX").jurisdiction == "XX"
    assert check(engine, "U-US").eligible


def test_a_hold_placed_and_lifted_is_read_from_the_ledger(engine) -> None:
    hold = {
        "id": "h1",
        "kind": "aml_investigation",
        "reason": "case 7",
        "placed_by": "cy",
        "placed_at": iso(T0 - timedelta(days=2)),
    }
    load(engine, account(holds=[hold]))
    assert failing(check(engine)) == {"COMPLIANCE_REVIEW": "block"}
    load(engine, account(holds=[{**hold, "lifted_at": iso(T0 - timedelta(days=1))}]))
    assert failing(check(engine)) == {}
