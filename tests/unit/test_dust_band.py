"""The band between the two ways out of small balances: dust worth a little more than the
forfeit limit whose conversion, after the fee, would still be dust. It is neither converted
(the sweep would leave dust) nor, before, given up (over the limit): the customer was left
with a ticket. The policy's forfeit limit now covers it (``Policy.dust_forfeit_limit_usd``,
the one rule); and the card of a balance above the line says what to do when the exchange
will not let it be withdrawn (en, zh-Hans)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode
from lastgate.kernel.i18n import translate
from lastgate.kernel.policy import Policy
from lastgate.platform.policy_files import PolicyDirectory
from lastgate.remediation.model import Holding, SweepTerms, forfeit_offer, would_leave
from tests.account_states import CLEAN, NOW, POLICY, balance


def policy(**remediation: str) -> Policy:
    return Policy(jurisdiction="EU", name="t", remediation=remediation)  # type: ignore[arg-type]


def test_every_shipped_policy_lets_dust_that_would_convert_into_dust_be_given_up() -> None:
    for shipped in PolicyDirectory.load().policies.values():
        assert shipped.remediation.dust_forfeit_max_usd == Decimal("10")
        assert shipped.dust_forfeit_limit_usd == Decimal("10.21")  # 10 / 0.98, to the cent up


@pytest.mark.parametrize(
    ("terms", "limit"),
    [
        ({"dust_sweep_fee_percent": "0"}, "10"),  # no fee: converting more than 10 clears it
        ({"dust_forfeit_max_usd": "25"}, "25"),  # a larger limit is the file's own
        ({"dust_sweep_fee_percent": "100"}, "10"),  # nothing ever converts: the file's
        ({"dust_sweep_fee_percent": "50"}, "20"),
    ],
)
def test_the_limit_is_raised_only_as_far_as_the_gap(terms: dict[str, str], limit: str) -> None:
    assert policy(**terms).dust_forfeit_limit_usd == Decimal(limit)


BAND = [  # 10.15 USD of dust: 9.947 USDT once converted, still dust
    Holding("funding", "SHIB", Decimal("600000"), Decimal("0.00001")),
    Holding("trading", "DOGE", Decimal("41.5"), Decimal("0.1")),
]


def test_dust_in_the_band_cannot_be_converted_and_may_now_be_given_up() -> None:
    shipped = policy()
    terms = SweepTerms("USDT", Decimal("2"), Decimal("10"), timedelta(seconds=60))
    left = would_leave(BAND, Decimal("1"), terms)
    assert left is not None and not left.clears_line  # converting would leave dust
    file_limit = forfeit_offer(
        "U1", BAND, tolerance_usd=Decimal("10"), limit_usd=shipped.remediation.dust_forfeit_max_usd
    )
    assert not file_limit.allowed  # the gap: neither way out
    offer = forfeit_offer(
        "U1", BAND, tolerance_usd=Decimal("10"), limit_usd=shipped.dust_forfeit_limit_usd
    )
    assert offer.allowed and offer.total_usd == Decimal("10.15")


def assets_fix(*balances, lang: str) -> str:
    state = replace(CLEAN, balances=balances)
    check = evaluate(state, POLICY, NOW).result(CheckCode.ASSETS_REMAINING)
    return translate(check.remediation.message, lang)


def test_one_asset_reads_in_the_singular_and_says_what_to_do_if_it_cannot_leave() -> None:
    assert assets_fix(balance("0.000115"), lang="en") == (  # 10.35 USD of BTC
        "Withdraw it, or transfer it to another account. If it is below the minimum "
        "withdrawal, or worth less than the withdrawal fee, write to our support team."
    )
    assert assets_fix(balance("0.000115"), lang="zh_Hans") == (
        "请将其提现，或转入另一个账户。如果金额低于最低提现额，或不足以支付提现手续费，请联系客服。"  # noqa: RUF001
    )


def test_several_assets_read_in_the_plural() -> None:
    text = assets_fix(balance("1"), balance("50", "USDT"), lang="en")
    assert text.startswith("Withdraw them, or transfer them") and "If one is below" in text
