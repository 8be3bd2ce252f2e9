"""What may be given up: every balance on the dust side of the check's own line (the
sweep's target and unpriced assets included), valued exactly, within the policy's limit."""

from __future__ import annotations

from decimal import Decimal

from lastgate.remediation.model import converts_something, forfeit_keys, forfeit_offer
from tests.unit.test_dust import TERMS, holding

TEN = Decimal("10")


def offer(*holdings, limit: str = "10"):
    return forfeit_offer("U1", holdings, tolerance_usd=TEN, limit_usd=Decimal(limit))


def test_the_offer_lists_dust_only_with_the_target_and_unpriced_assets_in_it() -> None:
    found = offer(
        holding("USDT", "4.9", "1", account_type="funding"),
        holding("LUNC", "15000", None, account_type="funding"),
        holding("BTC", "0.001", "90000"),  # 90 USD: an asset, never given up
        holding("DOGE", "100", "0.1"),  # exactly the tolerance: dust
    )
    assert forfeit_keys(found.lines) == [
        ("funding", "LUNC", Decimal("15000")),
        ("funding", "USDT", Decimal("4.9")),
        ("trading", "DOGE", Decimal("100")),
    ]
    assert [line.value_usd for line in found.lines] == [None, Decimal("4.9"), Decimal("10.0")]
    assert found.total_usd == Decimal("14.9") and not found.allowed


def test_exactly_the_limit_is_allowed_and_a_hair_above_it_is_not() -> None:
    at_limit = offer(holding("USDT", "6", "1"), holding("DOGE", "40", "0.1"))
    assert at_limit.total_usd == TEN and at_limit.allowed
    above = offer(holding("USDT", "6.000000000000000001", "1"), holding("DOGE", "40", "0.1"))
    assert above.within_limit is False and above.allowed is False


def test_unpriced_balances_count_nothing_and_nothing_is_nothing_to_allow() -> None:
    assert offer(holding("LUNC", "1000000000", None), limit="0").allowed
    assert offer().allowed is False and offer().total_usd == 0


def test_a_sweep_converts_something_only_when_a_priced_non_target_dust_balance_exists() -> None:
    target = holding("USDT", "3", "1", account_type="funding")
    unpriced = holding("LUNC", "15000", None)
    untradeable = holding("DOGE", "5", "0.1", tradeable=False)
    assert not converts_something([target, unpriced, untradeable], TERMS)
    assert converts_something([target, holding("DOGE", "5", "0.1")], TERMS)
    assert converts_something([holding("USDT", "3", "1", account_type="trading")], TERMS)
