"""The check, the dust sweep's quote and the bulk sweep draw one dust line, on both databases.

Hypothesis draws prices and accounts (balances anywhere in NUMERIC(38, 18), and balances at
or one unit of the 18th decimal beside a jurisdiction's tolerance), loads them through the
snapshot import, and asks the three: ``check_account``, ``quote_dust_sweep`` and ``sweep``.
For every account they must name the same dust, the same as exact rational arithmetic.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_DOWN, ROUND_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from lastgate.eligibility.adapters.bulk import sweep
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.eligibility.service import check_account
from lastgate.kernel.policy import EligibilityPolicy, Policy
from lastgate.ledger.adapters import tables as t
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory
from lastgate.remediation import service as remediation
from lastgate.remediation.adapters.tables import dust_quotes
from tests.builders import T0, account, load
from tests.workflow_support import customer, workflow

TOLERANCES = {"DEFAULT": "10", "EU": "0.3", "US": "0"}
POLICIES = PolicyDirectory(
    {
        j: Policy(
            jurisdiction=j,
            name=j,
            eligibility=EligibilityPolicy(dust_tolerance_usd=Decimal(tolerance)),
        )
        for j, tolerance in TOLERANCES.items()
    }
)
JURISDICTIONS = [*TOLERANCES, "JP"]  # JP has no policy: DEFAULT's line applies
TARGET = "USDT"  # the default policy's sweep target: never dust in the funding account
FIXED_PRICES = {TARGET: "1", "SHIB": "0.00001", "NEAR": "9.999999996837722341"}
UNIT = Decimal("1e-18")
LARGEST = Decimal("99999999999999999999.999999999999999999")  # NUMERIC(38, 18)'s largest
TYPES = ["funding", "trading"]
# The issue's balance: 10.000000000000000000000000000422720206 USD, an asset under the
# DEFAULT line that a 28-digit product rounds to exactly 10 (dust).
ISSUE_ACCOUNT = account(
    "ISSUE",
    jurisdiction="DEFAULT",
    balances=[
        {
            "account_type": "trading",
            "asset": "NEAR",
            "available": "1.000000000316227766",
            "frozen": "0",
        }
    ],
)


def _ledger(places: int, digits: int) -> Decimal:
    return Decimal(f"{digits}E-{places}")  # exact: scaleb would round to 28 digits


ledger_decimals = st.integers(0, 18).flatmap(
    lambda p: st.builds(_ledger, st.just(p), st.integers(0, 10 ** (20 + p) - 1))
)
small_decimals = st.builds(_ledger, st.integers(0, 18), st.integers(0, 10**6))


def _text(value: Decimal) -> str:
    return format(value, "f")


@st.composite
def near_the_line(draw: Any, price: Decimal, tolerance: Decimal) -> Decimal:
    """An 18-place amount worth the tolerance at ``price``, or one unit beside it."""
    with localcontext() as exact:
        exact.prec = 100
        quotient = tolerance / price
        below = quotient.quantize(UNIT, rounding=ROUND_DOWN)
        above = quotient.quantize(UNIT, rounding=ROUND_UP)
        amount: Decimal = draw(st.sampled_from([below - UNIT, below, above, above + UNIT]))
    return min(max(amount, Decimal(0)), LARGEST)


@st.composite
def a_balance(draw: Any, prices: dict[str, str], jurisdiction: str) -> dict[str, str]:
    asset = draw(st.sampled_from([*prices, "GONE"]))  # GONE has no price
    price = Decimal(prices.get(asset, "0"))
    tolerance = Decimal(TOLERANCES.get(jurisdiction, TOLERANCES["DEFAULT"]))
    if price > 0 and draw(st.booleans()):
        total = draw(near_the_line(price, tolerance))
    else:
        total = draw(st.one_of(small_decimals, ledger_decimals).filter(lambda d: d < 10**20))
    frozen = min(total, draw(st.sampled_from([Decimal(0), UNIT, Decimal("0.5")])))
    with localcontext() as exact:
        exact.prec = 100  # the default 28 digits would round a 38-digit amount
        available = total - frozen
    return {
        "account_type": draw(st.sampled_from(TYPES)),
        "asset": asset,
        "available": _text(available),
        "frozen": _text(frozen),
    }


@st.composite
def ledgers(draw: Any) -> tuple[dict[str, str], list[dict[str, Any]]]:
    drawn = {
        name: _text(draw(st.one_of(st.just(Decimal(0)), small_decimals, ledger_decimals)))
        for name in ("A", "B")
    }
    prices = {**FIXED_PRICES, **drawn}
    accounts = []
    for n in range(draw(st.integers(1, 8))):
        jurisdiction = draw(st.sampled_from(JURISDICTIONS))
        balances = draw(
            st.lists(
                a_balance(prices, jurisdiction),
                max_size=4,
                unique_by=lambda b: (b["account_type"], b["asset"]),
            )
        )
        accounts.append(account(f"U{n}", jurisdiction=jurisdiction, balances=balances))
    return prices, accounts


def _clean(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (dust_quotes, *t.CUSTOMER_TABLES, t.customers, t.asset_prices):
            conn.execute(table.delete())


Keys = set[tuple[str, str]]


def _exact(acc: dict[str, Any], prices: dict[str, str]) -> tuple[Keys, Keys]:
    """The account's (dust, assets) in rational arithmetic, nothing rounded."""
    tolerance = Fraction(TOLERANCES.get(acc["jurisdiction"], TOLERANCES["DEFAULT"]))
    dust, assets = set(), set()
    for b in acc["balances"]:
        total = Fraction(b["available"]) + Fraction(b["frozen"])
        price = prices.get(b["asset"])
        if total == 0:
            continue
        if price is None or total * Fraction(price) <= tolerance:
            dust.add((b["account_type"], b["asset"]))
        else:
            assets.add((b["account_type"], b["asset"]))
    return dust, assets


def _checked(engine: Engine, uid: str) -> dict[CheckCode, tuple[Keys, CheckStatus]]:
    """What the check says of the balances: each code's evidence and status."""
    report = check_account(
        uid, accounts=LedgerStateReader(engine), policies=POLICIES, clock=lambda: T0
    )
    said = {}
    for code in (CheckCode.DUST_REMAINING, CheckCode.ASSETS_REMAINING):
        result = report.result(code)
        said[code] = {(e["account_type"], e["asset"]) for e in result.evidence}, result.status
    return said


def _quoted(wf: Any, uid: str) -> set[tuple[str, str]]:
    """What a quote converts or leaves for the customer to decide (``kept``); when there
    is no quote (nothing sells, or what it leaves is dust) the forfeit's list: that is the
    dust the customer then gives up."""
    try:
        quote = remediation.quote_dust_sweep(wf, customer(uid), uid)
    except (remediation.NothingToSweep, remediation.SweepResultIsDust):
        offer = remediation.dust_forfeit_offer(wf, customer(uid), uid)
        return {(x.account_type, x.asset) for x in offer.lines} - {("funding", TARGET)}
    return {(x.account_type, x.asset) for x in (*quote.lines, *quote.kept)}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(ledger=({**FIXED_PRICES, "A": "0", "B": "1"}, [ISSUE_ACCOUNT]))
@given(ledger=ledgers())
def test_the_check_the_quote_and_the_bulk_sweep_draw_one_dust_line(
    engine: Engine, clock: Any, ledger: tuple[dict[str, str], list[dict[str, Any]]]
) -> None:
    prices, accounts = ledger
    _clean(engine)
    load(engine, *accounts, prices=prices)
    wf = replace(workflow(engine, clock), policies=POLICIES)
    bulk = {row.uid: row.failures for row in sweep(engine, POLICIES, T0)}
    for acc in accounts:
        uid = acc["uid"]
        dust, assets = _exact(acc, prices)
        checked = _checked(engine, uid)
        for code, expected in (
            (CheckCode.DUST_REMAINING, dust),
            (CheckCode.ASSETS_REMAINING, assets),
        ):
            keys, status = checked[code]
            assert keys == expected, (uid, code)
            assert (status is CheckStatus.BLOCK) == bool(expected), (uid, code)
            assert (code in bulk[uid]) == bool(expected), (uid, code)
        # The sweep settles every dust balance but the target's, where its proceeds land.
        assert _quoted(wf, uid) == dust - {("funding", TARGET)}, uid
