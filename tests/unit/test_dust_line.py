"""The dust line, drawn once: the check and the sweep agree with exact arithmetic.

Hypothesis draws ledger balances and prices (NUMERIC(38, 18): up to 20 integer digits and
18 decimals), tolerances, and balances within one unit of the 18th decimal of the line;
an oracle in ``Fraction`` (no rounding at all) says what each balance is. The check's
``ASSETS_REMAINING``/``DUST_REMAINING`` and the sweep's quote must both say the same.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal, Inexact, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.kernel.policy import EligibilityPolicy, Policy
from lastgate.ledger import model as a
from lastgate.remediation.model import Holding, SweepTerms, build_quote, is_dust

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CLEAN = a.AccountState(
    uid="U1",
    jurisdiction="EU",
    status=a.CustomerStatus.ACTIVE,
    kyc=a.Kyc(a.KycStatus.VERIFIED),
)
UNIT = Decimal("1e-18")  # one unit of the ledger's 18th decimal
LARGEST = Decimal("99999999999999999999.999999999999999999")  # NUMERIC(38, 18)'s largest
TARGET = "USDT"
# The issue's example: worth 10.000000000000000000000000000422720206 USD, a hair above
# the 10 USD line, but exactly 10 once rounded to 28 digits.
ISSUE = (Decimal("1.000000000316227766"), Decimal("9.999999996837722341"), Decimal("10"))


def _ledger(places: int, digits: int) -> Decimal:
    return Decimal(f"{digits}E-{places}")  # exact: scaleb would round to 28 digits


# A NUMERIC(38, 18) value: p decimals (0..18) and at most 20 integer digits.
ledger_decimals = st.integers(0, 18).flatmap(
    lambda p: st.builds(_ledger, st.just(p), st.integers(0, 10 ** (20 + p) - 1))
)
small_decimals = st.builds(_ledger, st.integers(0, 18), st.integers(0, 10**6))
prices = st.one_of(
    st.none(),  # unpriced: delisted
    st.just(Decimal(0)),
    small_decimals.filter(lambda d: d > 0),
    ledger_decimals.filter(lambda d: d > 0),
)
tolerances = st.one_of(
    st.sampled_from([Decimal("10"), Decimal("0.3"), Decimal("0"), Decimal("1e-18")]),
    small_decimals,
    ledger_decimals,
)


def _exact_sum(left: Decimal, right: Decimal) -> Decimal:
    with localcontext() as exact:
        exact.prec = 100
        return left + right


@st.composite
def near_the_line(draw: Any) -> tuple[Decimal, Decimal, Decimal]:
    """(amount, price, tolerance) with the amount's value at the tolerance or one unit of
    the 18th decimal beside it (the nearest 18-place amounts below and above the line)."""
    tolerance = draw(tolerances.filter(lambda t: t < Decimal("1e15")))
    price = draw(st.one_of(small_decimals, ledger_decimals).filter(lambda p: p > 0))
    with localcontext() as exact:
        exact.prec = 100
        quotient = tolerance / price
        below = quotient.quantize(UNIT, rounding=ROUND_DOWN)
        above = quotient.quantize(UNIT, rounding=ROUND_UP)
        amount: Decimal = draw(st.sampled_from([below - UNIT, below, above, above + UNIT]))
    assume(amount <= LARGEST)  # a tiny price and a large tolerance: no such ledger balance
    return max(amount, Decimal(0)), price, tolerance


def _oracle(amount: Decimal, price: Decimal | None, tolerance: Decimal) -> str | None:
    """What the balance is, in exact rational arithmetic: None (nothing), dust or asset."""
    if amount == 0:
        return None
    if price is None or Fraction(amount) * Fraction(price) <= Fraction(tolerance):
        return "dust"
    return "asset"


def _policy(tolerance: Decimal) -> Policy:
    return Policy(
        jurisdiction="EU",
        name="test",
        eligibility=EligibilityPolicy(dust_tolerance_usd=tolerance),
    )


def _check_says(
    available: Decimal, frozen: Decimal, price: Decimal | None, tolerance: Decimal
) -> str | None:
    balance = a.Balance(a.AccountType.TRADING, "XYZ", available, frozen)
    state = replace(CLEAN, balances=(balance,), prices={} if price is None else {"XYZ": price})
    report = evaluate(state, _policy(tolerance), NOW)
    dust = report.result(CheckCode.DUST_REMAINING).status is CheckStatus.BLOCK
    asset = report.result(CheckCode.ASSETS_REMAINING).status is CheckStatus.BLOCK
    assert not (dust and asset)
    return "dust" if dust else "asset" if asset else None


def _sweep_says(amount: Decimal, price: Decimal | None, tolerance: Decimal) -> str | None:
    holding = Holding("trading", "XYZ", amount, price)
    terms = SweepTerms(TARGET, Decimal("2"), tolerance, timedelta(seconds=60))
    quote = build_quote(
        quote_id="q",
        uid="U1",
        holdings=[holding],
        target_price_usd=Decimal(1),
        terms=terms,
        now=NOW,
    )
    # Dust is converted (priced) or left for the customer to decide (kept): never missed.
    assert bool(quote.lines or quote.kept) == is_dust(holding, tolerance)
    if quote.lines or quote.kept:
        return "dust"
    return None if amount == 0 else "asset"


@example(available=ISSUE[0], frozen=Decimal(0), price=ISSUE[1], tolerance=ISSUE[2])
@example(
    available=Decimal("0.000000000316227766"), frozen=Decimal(1), price=ISSUE[1], tolerance=ISSUE[2]
)
@given(available=ledger_decimals, frozen=ledger_decimals, price=prices, tolerance=tolerances)
def test_the_check_and_the_sweep_agree_with_exact_arithmetic(
    available: Decimal, frozen: Decimal, price: Decimal | None, tolerance: Decimal
) -> None:
    expected = _oracle(_exact_sum(available, frozen), price, tolerance)
    assert _check_says(available, frozen, price, tolerance) == expected
    assert _sweep_says(_exact_sum(available, frozen), price, tolerance) == expected


@example(line=ISSUE)
@given(line=near_the_line())
def test_at_and_one_unit_beside_the_line_they_agree(
    line: tuple[Decimal, Decimal, Decimal],
) -> None:
    amount, price, tolerance = line
    expected = _oracle(amount, price, tolerance)
    assert _check_says(amount, Decimal(0), price, tolerance) == expected
    assert _sweep_says(amount, price, tolerance) == expected


def test_the_issue_example_is_an_asset_for_both() -> None:
    amount, price, tolerance = ISSUE
    assert _oracle(amount, price, tolerance) == "asset"
    assert _check_says(amount, Decimal(0), price, tolerance) == "asset"
    assert _sweep_says(amount, price, tolerance) == "asset"


def test_exactly_at_the_line_is_dust_and_one_unit_above_is_an_asset() -> None:
    ten = Decimal("10")
    for amount, expected in ((ten - UNIT, "dust"), (ten, "dust"), (ten + UNIT, "asset")):
        assert _check_says(amount, Decimal(0), Decimal(1), ten) == expected
        assert _sweep_says(amount, Decimal(1), ten) == expected


# -- the line itself ----------------------------------------------------------------------


def test_a_zero_balance_is_nothing_and_an_unpriced_one_is_dust_with_no_value() -> None:
    assert dust_line.judge(Decimal("0.000"), Decimal(1), Decimal(10)) is None
    assert dust_line.judge(Decimal(5000), None, Decimal(10)) == (dust_line.Side.DUST, None)
    assert not dust_line.is_dust(Decimal(0), None, Decimal(10))


def test_the_largest_ledger_amounts_are_added_and_valued_without_rounding() -> None:
    total = dust_line.total(LARGEST, LARGEST)
    assert total == Decimal("199999999999999999999.999999999999999998")
    value = dust_line.value_usd(total, LARGEST)
    assert value is not None and Fraction(value) == Fraction(total) * Fraction(LARGEST)


def test_a_value_that_would_need_rounding_raises_instead_of_picking_a_side() -> None:
    sixty_digits = Decimal("1." + "1" * 59)
    with pytest.raises(Inexact):
        dust_line.value_usd(sixty_digits, sixty_digits)
