"""The eligibility checks as specifications: each code alone, the boundaries, combinations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lastgate.eligibility.model.checks import CHECKS, evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus, Resolver
from lastgate.kernel.policy import Policy
from lastgate.ledger import model as a

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = Policy(jurisdiction="EU", name="test")
PRICES = {"BTC": Decimal("90000"), "USDT": Decimal("1"), "SHIB": Decimal("0.00001")}
CLEAN = a.AccountState(
    uid="U1",
    jurisdiction="EU",
    status=a.CustomerStatus.ACTIVE,
    kyc=a.Kyc(a.KycStatus.VERIFIED),
    prices=PRICES,
)
AGO = NOW - timedelta(days=3)


def failing(state: a.AccountState, policy: Policy = POLICY) -> dict[CheckCode, CheckStatus]:
    report = evaluate(state, policy, NOW)
    return {c.code: c.status for c in report.checks if c.status is not CheckStatus.PASS}


def balance(
    amount: str,
    asset: str = "BTC",
    *,
    frozen: str = "0",
    kind: a.AccountType = a.AccountType.FUNDING,
) -> a.Balance:
    return a.Balance(kind, asset, Decimal(amount), Decimal(frozen))


def hold(kind: a.HoldKind, *, lifted: bool = False) -> a.Hold:
    return a.Hold(
        "h1",
        kind,
        f"internal reason for {kind.value}",
        AGO,
        NOW - timedelta(hours=1) if lifted else None,
    )


def transfer(
    direction: a.TransferDirection,
    status: a.TransferStatus,
    amount: str = "0.1",
    *,
    asset: str = "BTC",
    created_at: datetime = AGO,
) -> a.Transfer:
    return a.Transfer(
        "t1", direction, asset, Decimal(amount), status, created_at, NOW + timedelta(hours=2)
    )


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


def test_withdrawals_exactly_at_the_review_threshold_need_no_review() -> None:
    state = replace(
        CLEAN,
        transfers=(
            transfer(
                a.TransferDirection.WITHDRAWAL, a.TransferStatus.COMPLETED, "10000", asset="USDT"
            ),
        ),
    )
    assert failing(state) == {}


def test_withdrawals_outside_the_window_are_not_counted() -> None:
    old = NOW - timedelta(days=31)
    state = replace(
        CLEAN,
        transfers=(
            transfer(
                a.TransferDirection.WITHDRAWAL, a.TransferStatus.COMPLETED, "5", created_at=old
            ),
        ),
    )
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
    state = replace(
        CLEAN,
        transfers=(
            transfer(
                a.TransferDirection.WITHDRAWAL, a.TransferStatus.FAILED, "50000", asset="USDT"
            ),
        ),
    )
    assert failing(state) == {}


# -- time ---------------------------------------------------------------------------------


def test_security_cooldown_blocks_until_the_last_second() -> None:
    changed = NOW - timedelta(days=7) + timedelta(seconds=1)
    state = replace(CLEAN, security_events=(a.SecurityEvent(a.SecurityChange.EMAIL, changed),))
    result = evaluate(state, POLICY, NOW).result(CheckCode.SECURITY_COOLDOWN)
    assert result.status is CheckStatus.BLOCK
    assert result.resolver is Resolver.TIME
    assert result.evidence[0]["ends_at"] == (NOW + timedelta(seconds=1)).isoformat()


def test_security_cooldown_ending_today_has_ended_once_its_moment_passes() -> None:
    changed = NOW - timedelta(days=7)  # ends exactly now
    state = replace(CLEAN, security_events=(a.SecurityEvent(a.SecurityChange.PHONE, changed),))
    assert failing(state) == {}


def test_security_cooldown_reports_the_latest_end() -> None:
    state = replace(
        CLEAN,
        security_events=(
            a.SecurityEvent(a.SecurityChange.PASSWORD, NOW - timedelta(days=5)),
            a.SecurityEvent(a.SecurityChange.TWO_FACTOR, NOW - timedelta(days=1)),
        ),
    )
    result = evaluate(state, POLICY, NOW).result(CheckCode.SECURITY_COOLDOWN)
    assert result.message.params["ends_at"] == (NOW + timedelta(days=6)).isoformat()
    assert [e["change"] for e in result.evidence] == ["password", "2fa"]


def test_an_expired_or_revoked_api_key_does_not_block() -> None:
    state = replace(
        CLEAN,
        api_keys=(
            a.ApiKey("k1", a.ApiKeyKind.API_KEY, "bot", AGO, expires_at=NOW),
            a.ApiKey("k2", a.ApiKeyKind.API_KEY, "old", AGO, revoked_at=AGO),
        ),
    )
    assert failing(state) == {}


def test_a_lifted_hold_does_not_block() -> None:
    state = replace(CLEAN, holds=tuple(hold(kind, lifted=True) for kind in a.HoldKind))
    assert failing(state) == {}


def test_a_redeemed_earn_product_and_a_stopped_plan_do_not_block() -> None:
    state = replace(
        CLEAN,
        earn=(
            a.EarnSubscription(
                "e1", a.EarnKind.FLEXIBLE, "USDT", Decimal(5), a.EarnStatus.REDEEMED, None
            ),
        ),
        automations=(a.Automation("b1", a.AutomationKind.TRADING_BOT, a.AutomationStatus.STOPPED),),
        p2p_orders=(a.P2POrder("c1", a.P2POrderStatus.COMPLETED),),
        disputes=(a.Dispute("d1", a.DisputeKind.P2P, a.DisputeStatus.RESOLVED),),
        sub_accounts=(a.SubAccount("S1", a.SubAccountStatus.CLOSED),),
        positions=(a.Position("p1", a.Product.FUTURES, "BTCUSD", Decimal(0)),),
        loans=(a.Loan("l1", a.LoanKind.COLLATERALISED, "USDT", Decimal(0)),),
        orders=(
            a.Order(
                "o1", a.Product.SPOT, "BTC/USDT", a.OrderKind.STOP, a.OrderStatus.CANCELLED, AGO
            ),
        ),
    )
    assert failing(state) == {}


@pytest.mark.parametrize("status", ["open", "partially_filled", "trigger_pending"])
def test_open_partially_filled_and_conditional_orders_block(status: str) -> None:
    state = replace(
        CLEAN,
        orders=(
            a.Order(
                "o1",
                a.Product.OPTIONS,
                "BTC-27DEC-100000-C",
                a.OrderKind.TAKE_PROFIT,
                a.OrderStatus(status),
                AGO,
            ),
        ),
    )
    assert failing(state) == {CheckCode.OPEN_ORDERS: CheckStatus.BLOCK}


@pytest.mark.parametrize("status", ["not_started", "pending", "rejected", "expired"])
def test_unfinished_identity_verification_blocks(status: str) -> None:
    state = replace(CLEAN, kyc=a.Kyc(a.KycStatus(status)))
    assert failing(state) == {CheckCode.KYC_INCOMPLETE: CheckStatus.BLOCK}


def test_evaluate_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(CLEAN, POLICY, NOW.replace(tzinfo=None))


@pytest.mark.parametrize("status", [a.KycStatus.VERIFIED, a.KycStatus.DISPUTED])
def test_a_disputed_identity_is_never_called_verified_to_its_customer(status) -> None:
    """KYC_INCOMPLETE passes a disputed identity (KYC_DISPUTED, for staff, says why): its
    passing sentence, which the customer reads, must be true of both, in both languages."""
    from lastgate.kernel.i18n import translate

    state = replace(CLEAN, kyc=a.Kyc(status))
    verdict = evaluate(state, POLICY, NOW).result(CheckCode.KYC_INCOMPLETE)
    assert verdict.status is CheckStatus.PASS
    for lang in ("en", "zh_Hans"):
        said = translate(verdict.message, lang)
        assert said and "verified" not in said and "已通过" not in said, said


@pytest.mark.parametrize(
    ("kyc", "en", "zh"),
    [
        (a.Kyc(a.KycStatus.DISPUTED), "KYC status: disputed", "KYC 状态：disputed"),  # noqa: RUF001
        (
            a.Kyc(a.KycStatus.VERIFIED, applicant_mismatch=True),
            "KYC status: verified; the applicant's details do not match their documents.",
            "KYC 状态：verified；申请人信息与其证件不符。",  # noqa: RUF001
        ),
    ],
)
def test_a_disputed_identity_tells_staff_why_in_words(kyc, en, zh) -> None:
    """Staff read why the identity is in dispute as a sentence, not a raw flag."""
    from lastgate.kernel.i18n import translate

    detail = evaluate(replace(CLEAN, kyc=kyc), POLICY, NOW).result(CheckCode.KYC_DISPUTED).detail
    assert detail is not None
    assert (translate(detail, "en"), translate(detail, "zh_Hans")) == (en, zh)


def test_a_legal_hold_says_who_lifts_it_without_contradicting_itself() -> None:
    """The card used to say 'There is nothing you can do; contact support for help.'"""
    from lastgate.kernel.i18n import translate

    state = replace(CLEAN, holds=(hold(a.HoldKind.JUDICIAL_FREEZE),))
    fix = evaluate(state, POLICY, NOW).result(CheckCode.LEGAL_HOLD).remediation
    en, zh = translate(fix.message, "en"), translate(fix.message, "zh_Hans")
    assert "cannot lift this yourself" in en and "nothing you can do" not in en
    assert "无法自行解除" in zh and "法律限制解除" in zh
