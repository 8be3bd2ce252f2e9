"""When time alone resolves a blocker, the check says when: a cooldown's end, the last
transfer's expected completion, the last locked product's maturity; never a guess."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, customer_view
from lastgate.eligibility.wire import report_to_wire
from lastgate.ledger import model as a
from tests.account_states import AGO, CLEAN, NOW, POLICY


def resolves_at(state: a.AccountState, code: CheckCode):
    return evaluate(state, POLICY, NOW).result(code).remediation.resolves_at


def deposit(expected):
    return a.Transfer(
        "t-" + str(expected),
        a.TransferDirection.DEPOSIT,
        "BTC",
        Decimal("0.1"),
        a.TransferStatus.CONFIRMING,
        AGO,
        expected_completion_at=expected,
    )


def test_a_cooldown_is_resolved_when_the_latest_change_has_cooled_down() -> None:
    events = (
        a.SecurityEvent(a.SecurityChange.PASSWORD, NOW - timedelta(days=3)),
        a.SecurityEvent(a.SecurityChange.PHONE, NOW - timedelta(days=1)),
    )
    state = replace(CLEAN, security_events=events)
    assert resolves_at(state, CheckCode.SECURITY_COOLDOWN) == NOW + timedelta(days=6)


def test_deposits_are_expected_by_the_latest_completion_and_unknown_makes_it_unknown() -> None:
    soon, later = NOW + timedelta(hours=1), NOW + timedelta(hours=3)
    state = replace(CLEAN, transfers=(deposit(soon), deposit(later)))
    assert resolves_at(state, CheckCode.DEPOSIT_PENDING) == later
    state = replace(CLEAN, transfers=(deposit(soon), deposit(None)))
    assert resolves_at(state, CheckCode.DEPOSIT_PENDING) is None


def test_locked_products_mature_on_the_latest_date_and_flexible_ones_never() -> None:
    def earn(matures_at):
        return a.EarnSubscription(
            f"e-{matures_at}",
            a.EarnKind.STAKING,
            "ETH",
            Decimal("1"),
            a.EarnStatus.ACTIVE,
            matures_at,
        )

    matures = NOW + timedelta(days=45)
    assert resolves_at(replace(CLEAN, earn=(earn(matures),)), CheckCode.ACTIVE_EARN) == matures
    assert resolves_at(replace(CLEAN, earn=(earn(None),)), CheckCode.ACTIVE_EARN) is None


def test_a_passing_check_has_no_date_and_the_wire_carries_it_in_utc() -> None:
    assert resolves_at(CLEAN, CheckCode.SECURITY_COOLDOWN) is None
    state = replace(
        CLEAN, security_events=(a.SecurityEvent(a.SecurityChange.EMAIL, NOW - timedelta(days=1)),)
    )
    wire = report_to_wire(customer_view(evaluate(state, POLICY, NOW)), "en")
    cooldown = next(c for c in wire.checks if c.code is CheckCode.SECURITY_COOLDOWN)
    assert cooldown.remediation.resolves_at == NOW + timedelta(days=6)
    assert '"resolves_at":"2026-11-29T12:00:00Z"' in wire.model_dump_json()
