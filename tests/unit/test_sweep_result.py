"""A sweep is worth offering only when what it leaves clears the dust line: the target
asset's funding balance after the net proceeds, judged by ``dust_line`` (the eligibility
check's own line). Exactly at the line is still dust; the fee counts; so does what the
funding account already holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks import evaluate
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.ledger import model as a
from lastgate.remediation.model import (
    Holding,
    SweepTerms,
    build_quote,
    converts_something,
    sweep_result,
    would_leave,
)
from tests.account_states import CLEAN, POLICY

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TERMS = SweepTerms(
    "USDT", Decimal("2"), POLICY.eligibility.dust_tolerance_usd, timedelta(seconds=60)
)
ONE = Decimal(1)
LINE = TERMS.dust_tolerance_usd
QUANTUM = Decimal("1e-18")


def usdt(amount: Decimal, account_type: str = "funding") -> Holding:
    return Holding(account_type, "USDT", amount, ONE)


def test_the_demo_leftovers_would_leave_dust_after_the_fee() -> None:
    """SHIB worth 1.20 and DOGE 0.35 USD: 1.519 USDT after a 2% fee, under 10 USD."""
    holdings = [
        Holding("funding", "SHIB", Decimal("120000"), Decimal("0.00001")),
        Holding("trading", "DOGE", Decimal("3.5"), Decimal("0.1")),
        Holding("funding", "LUNC", Decimal("15000"), None),
    ]
    result = would_leave(holdings, ONE, TERMS)
    assert result is not None
    assert (result.amount, result.value_usd) == (Decimal("1.519"), Decimal("1.519"))
    assert result.side is dust_line.Side.DUST and not result.clears_line
    assert converts_something(holdings, TERMS)


def test_what_the_funding_account_already_holds_counts_towards_the_line() -> None:
    doge = Holding("trading", "DOGE", Decimal("50"), Decimal("0.1"))  # 5 USD, 4.90 net
    assert not would_leave([doge], ONE, TERMS).clears_line
    result = would_leave([doge, usdt(Decimal("5.2"))], ONE, TERMS)
    assert result.amount == Decimal("10.1") and result.clears_line


def test_no_target_price_no_result() -> None:
    assert would_leave([usdt(ONE, "trading")], None, TERMS) is None


@given(held=st.decimals(min_value=0, max_value=30, places=18))
def test_exactly_at_the_line_is_dust_one_unit_more_clears_it(held: Decimal) -> None:
    """On the line itself (nothing converted, the funding balance exactly 10 USDT) the
    result is still dust; one ledger unit above, it clears. As the check itself says."""
    net = LINE - held
    if net < 0:
        return
    assert not sweep_result([usdt(held)], net, ONE, TERMS).clears_line
    assert sweep_result([usdt(held)], net + QUANTUM, ONE, TERMS).clears_line


@given(
    value=st.decimals(min_value="0.01", max_value=20, places=8),
    held=st.decimals(min_value=0, max_value=20, places=8),
)
def test_the_sweep_clears_the_line_exactly_when_the_check_would_pass_its_result(
    value: Decimal, held: Decimal
) -> None:
    """The quote's verdict and the eligibility check's verdict on the balance it leaves
    are one and the same: the sweep never promises what the check then refuses."""
    doge = Holding("trading", "DOGE", value * 10, Decimal("0.1"))
    holdings = [doge] if held == 0 else [doge, usdt(held)]
    quote = build_quote(
        quote_id="q", uid="U1", holdings=holdings, target_price_usd=ONE, terms=TERMS, now=NOW
    )
    assume(quote.lines)  # DOGE worth more than the line is no dust: nothing to sweep
    assert quote.result is not None
    after = a.Balance(a.AccountType.FUNDING, "USDT", quote.result.amount, Decimal(0))
    state = replace(CLEAN, balances=(after,), prices={"USDT": ONE})
    report = evaluate(state, POLICY, NOW)
    still_dust = report.result(CheckCode.DUST_REMAINING).status is CheckStatus.BLOCK
    assert quote.result.clears_line is not still_dust
