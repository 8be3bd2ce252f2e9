"""The dust sweep's arithmetic: what a quote takes, the exact fee, the price-move limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lastgate.remediation.model import (
    DustQuote,
    Holding,
    SweepTerms,
    build_quote,
    is_dust,
    moved_beyond,
    price_moves,
    proceeds,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TERMS = SweepTerms(
    target_asset="USDT",
    fee_percent=Decimal("2"),
    dust_tolerance_usd=Decimal("10"),
    quote_ttl=timedelta(seconds=60),
)


def holding(asset: str, amount: str, price: str | None, **kw: object) -> Holding:
    return Holding(
        account_type=str(kw.get("account_type", "trading")),
        asset=asset,
        amount=Decimal(amount),
        price_usd=None if price is None else Decimal(price),
        tradeable=bool(kw.get("tradeable", True)),
    )


def quote(*holdings: Holding) -> DustQuote:
    return build_quote(
        quote_id="q1",
        uid="U1",
        holdings=holdings,
        target_price_usd=Decimal("1"),
        terms=TERMS,
        now=NOW,
    )


def test_a_balance_worth_exactly_the_tolerance_is_dust_and_a_cent_more_is_not() -> None:
    assert is_dust(holding("DOGE", "100", "0.1"), Decimal("10"))
    assert not is_dust(holding("DOGE", "100.1", "0.1"), Decimal("10"))


def test_an_unpriced_balance_is_dust_and_a_zero_balance_is_nothing() -> None:
    assert is_dust(holding("OLD", "5000", None), Decimal("10"))
    assert not is_dust(holding("DOGE", "0", "0.1"), Decimal("10"))


def test_the_quote_takes_only_dust_and_leaves_the_funding_target_balance() -> None:
    q = quote(
        holding("DOGE", "50", "0.1"),
        holding("BTC", "1", "90000"),
        holding("USDT", "3", "1", account_type="funding"),
        holding("USDT", "2", "1", account_type="trading"),
    )
    assert [(x.account_type, x.asset) for x in q.lines] == [
        ("trading", "DOGE"),
        ("trading", "USDT"),
    ]


def test_the_fee_is_exact_and_the_net_is_gross_minus_fee() -> None:
    q = quote(holding("DOGE", "50", "0.1"), holding("SHIB", "300000", "0.00001"))
    assert q.gross == Decimal("8")
    assert q.fee == Decimal("0.16")
    assert q.net == Decimal("7.84")
    assert q.expires_at == NOW + timedelta(seconds=60)


def test_rounding_is_to_18_places_gross_down_and_fee_up() -> None:
    gross, fee, net = proceeds([Decimal("1")], Decimal("3"), Decimal("2"))
    assert gross == Decimal("0.333333333333333333")
    assert fee == Decimal("0.006666666666666667")
    assert net == gross - fee


def test_untradeable_and_unpriced_assets_are_kept_not_given_up_by_the_sweep() -> None:
    """Converting what can be sold never gives up what cannot: the customer decides about
    those on their own (the small-balances page), after or instead of converting."""
    q = quote(
        holding("DOGE", "50", "0.1"),
        holding("LUNA", "1000", "0.001", tradeable=False),
        holding("GONE", "7", None),
    )
    assert [x.asset for x in q.lines] == ["DOGE"] and q.forfeits == ()
    assert [h.asset for h in q.kept] == ["GONE", "LUNA"]
    assert q.gross == Decimal("5")


def test_a_move_exactly_at_the_limit_is_within_it() -> None:
    assert not moved_beyond(Decimal("100"), Decimal("102"), Decimal("2"))
    assert not moved_beyond(Decimal("100"), Decimal("98"), Decimal("2"))
    assert moved_beyond(Decimal("100"), Decimal("102.0001"), Decimal("2"))
    assert moved_beyond(Decimal("100"), None, Decimal("2"))


def test_price_moves_name_each_asset_beyond_the_limit_including_the_target() -> None:
    q = quote(holding("DOGE", "50", "0.1"), holding("SHIB", "300000", "0.00001"))
    moves = price_moves(
        q, {"DOGE": Decimal("0.105"), "SHIB": Decimal("0.00001"), "USDT": None}, Decimal("2")
    )
    assert [m.asset for m in moves] == ["DOGE", "USDT"]


@pytest.mark.parametrize("price", ["0", "-1"])
def test_a_target_without_a_positive_price_cannot_be_quoted(price: str) -> None:
    with pytest.raises(ValueError):
        proceeds([Decimal("1")], Decimal(price), Decimal("2"))
