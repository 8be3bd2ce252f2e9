"""The eligibility checks' boundaries in time and in states: a security cooldown to the
second, what is finished and no longer blocks (a key, a hold, an order, a plan), an
identity not yet verified or in dispute, and what a legal hold says. The accounts and
helpers are ``test_checks``'."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus, Resolver
from lastgate.ledger import model as a
from tests.account_states import AGO, CLEAN, NOW, POLICY, failing, hold

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
