"""The eligibility checks as specifications: each code alone and in combination; their
boundaries in ``test_checks_amounts`` and ``test_checks_states``, which (with other unit
tests) take the accounts and helpers here."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from lastgate.eligibility.model.checks import CHECKS, evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.ledger import model as a
from tests.account_states import AGO, CLEAN, NOW, POLICY, balance, failing, hold, transfer


def test_a_clean_account_passes_every_check() -> None:
    report = evaluate(CLEAN, POLICY, NOW)
    assert report.eligible and not report.needs_review
    assert report.outcome is CheckStatus.PASS
    assert [c.code for c in report.checks] == [code for code, _ in CHECKS]


# -- each code alone ----------------------------------------------------------------------

ALONE: list[tuple[CheckCode, a.AccountState]] = [
    (CheckCode.ASSETS_REMAINING, replace(CLEAN, balances=(balance("0.5"),))),
    (CheckCode.DUST_REMAINING, replace(CLEAN, balances=(balance("0.00001"),))),
    (
        CheckCode.DEPOSIT_PENDING,
        replace(
            CLEAN, transfers=(transfer(a.TransferDirection.DEPOSIT, a.TransferStatus.CONFIRMING),)
        ),
    ),
    (
        CheckCode.WITHDRAWAL_PENDING,
        replace(
            CLEAN,
            transfers=(
                transfer(a.TransferDirection.WITHDRAWAL, a.TransferStatus.PROCESSING, "0.001"),
            ),
        ),
    ),
    (
        CheckCode.OPEN_ORDERS,
        replace(
            CLEAN,
            orders=(
                a.Order(
                    "o1", a.Product.SPOT, "BTC/USDT", a.OrderKind.LIMIT, a.OrderStatus.OPEN, AGO
                ),
            ),
        ),
    ),
    (
        CheckCode.OPEN_POSITIONS,
        replace(
            CLEAN, positions=(a.Position("p1", a.Product.PERPETUAL, "BTCUSDT", Decimal("-0.2")),)
        ),
    ),
    (
        CheckCode.OUTSTANDING_LOANS,
        replace(CLEAN, loans=(a.Loan("l1", a.LoanKind.MARGIN_BORROW, "USDT", Decimal("120")),)),
    ),
    (
        CheckCode.ACTIVE_EARN,
        replace(
            CLEAN,
            earn=(
                a.EarnSubscription(
                    "e1",
                    a.EarnKind.LOCKED,
                    "ETH",
                    Decimal("1"),
                    a.EarnStatus.ACTIVE,
                    NOW + timedelta(days=20),
                ),
            ),
        ),
    ),
    (
        CheckCode.ACTIVE_AUTOMATION,
        replace(
            CLEAN,
            automations=(
                a.Automation("r1", a.AutomationKind.RECURRING_BUY, a.AutomationStatus.PAUSED),
            ),
        ),
    ),
    (
        CheckCode.P2P_ORDER_OPEN,
        replace(CLEAN, p2p_orders=(a.P2POrder("c1", a.P2POrderStatus.PAID),)),
    ),
    (
        CheckCode.DISPUTE_OPEN,
        replace(CLEAN, disputes=(a.Dispute("d1", a.DisputeKind.CHARGEBACK, a.DisputeStatus.OPEN),)),
    ),
    (
        CheckCode.API_KEYS_ACTIVE,
        replace(CLEAN, api_keys=(a.ApiKey("k1", a.ApiKeyKind.THIRD_PARTY, "tax tool", AGO),)),
    ),
    (
        CheckCode.SUB_ACCOUNTS_OPEN,
        replace(CLEAN, sub_accounts=(a.SubAccount("U1-SUB", a.SubAccountStatus.FROZEN),)),
    ),
    (
        CheckCode.SECURITY_COOLDOWN,
        replace(CLEAN, security_events=(a.SecurityEvent(a.SecurityChange.TWO_FACTOR, AGO),)),
    ),
    (CheckCode.RISK_LOCK, replace(CLEAN, holds=(hold(a.HoldKind.RISK_LOCK),))),
    (
        CheckCode.WITHDRAWAL_REVIEW,
        replace(
            CLEAN,
            transfers=(transfer(a.TransferDirection.WITHDRAWAL, a.TransferStatus.COMPLETED, "1"),),
        ),
    ),
    (CheckCode.KYC_INCOMPLETE, replace(CLEAN, kyc=a.Kyc(a.KycStatus.PENDING))),
    (
        CheckCode.KYC_DISPUTED,
        replace(CLEAN, kyc=a.Kyc(a.KycStatus.VERIFIED, applicant_mismatch=True)),
    ),
    (CheckCode.LEGAL_HOLD, replace(CLEAN, holds=(hold(a.HoldKind.JUDICIAL_FREEZE),))),
    (CheckCode.COMPLIANCE_REVIEW, replace(CLEAN, holds=(hold(a.HoldKind.AML_INVESTIGATION),))),
]


@pytest.mark.parametrize(("code", "state"), ALONE, ids=[c.value for c, _ in ALONE])
def test_each_check_fails_alone_on_its_own_condition(code: CheckCode, state: a.AccountState):
    expected = CheckStatus.REVIEW if code is CheckCode.WITHDRAWAL_REVIEW else CheckStatus.BLOCK
    assert failing(state) == {code: expected}


def test_every_check_code_has_an_alone_case() -> None:
    assert {code for code, _ in ALONE} == {code for code, _ in CHECKS}


@pytest.mark.parametrize(("code", "state"), ALONE, ids=[c.value for c, _ in ALONE])
def test_every_failing_check_says_how_to_fix_it(code: CheckCode, state: a.AccountState):
    result = evaluate(state, POLICY, NOW).result(code)
    assert result.message.msgid and result.remediation.message.msgid
    assert result.detail.msgid


def test_all_failures_are_reported_together() -> None:
    state = CLEAN
    for _, alone in ALONE:
        state = replace(
            state,
            **{
                f: getattr(alone, f)
                for f in (
                    "balances",
                    "transfers",
                    "orders",
                    "positions",
                    "loans",
                    "earn",
                    "automations",
                    "p2p_orders",
                    "disputes",
                    "api_keys",
                    "sub_accounts",
                    "security_events",
                )
                if getattr(alone, f)
            },
        )
    state = replace(
        state,
        kyc=a.Kyc(a.KycStatus.DISPUTED),
        holds=(
            hold(a.HoldKind.RISK_LOCK),
            hold(a.HoldKind.LAW_ENFORCEMENT),
            hold(a.HoldKind.AML_INVESTIGATION),
        ),
        balances=(balance("0.5"), balance("100", "SHIB")),
        transfers=(
            transfer(a.TransferDirection.DEPOSIT, a.TransferStatus.PENDING),
            transfer(a.TransferDirection.WITHDRAWAL, a.TransferStatus.PROCESSING, "1"),
        ),
    )
    found = failing(state)
    assert set(found) == {code for code, _ in CHECKS} - {CheckCode.KYC_INCOMPLETE}
    assert found[CheckCode.WITHDRAWAL_REVIEW] is CheckStatus.REVIEW


def test_review_alone_leaves_the_account_eligible_but_routed_to_a_human() -> None:
    state = dict(ALONE)[CheckCode.WITHDRAWAL_REVIEW]
    report = evaluate(state, POLICY, NOW)
    assert report.eligible and report.needs_review
    assert report.outcome is CheckStatus.REVIEW


def test_a_block_outranks_a_review() -> None:
    state = replace(dict(ALONE)[CheckCode.WITHDRAWAL_REVIEW], kyc=a.Kyc(a.KycStatus.PENDING))
    assert evaluate(state, POLICY, NOW).outcome is CheckStatus.BLOCK
