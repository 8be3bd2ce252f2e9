"""The set-based sweep agrees with ``check_account`` on every account, on both databases.

Hypothesis generates small ledgers around every boundary the checks state: balances worth
exactly a jurisdiction's dust tolerance (and one unit of the 18th decimal either side),
unpriced and zero-priced assets, orders and transfers in every status, withdrawals at the
edges of the review window and summing to exactly the threshold, security changes at the
edge of the cooldown, keys expiring at ``now``, holds lifted or not, and jurisdictions with
different policies, including ones with no policy file (DEFAULT applies).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from lastgate.eligibility.adapters.bulk import sweep
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.eligibility.service import check_account
from lastgate.kernel.policy import EligibilityPolicy, Policy
from lastgate.ledger import model as a
from lastgate.ledger.adapters import tables as t
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.policy_files import PolicyDirectory
from tests.builders import T0, account, iso, load


def _policy(
    jurisdiction: str, tolerance: str, cooldown: int, threshold: str, window: int
) -> Policy:
    return Policy(
        jurisdiction=jurisdiction,
        name=jurisdiction,
        eligibility=EligibilityPolicy(
            dust_tolerance_usd=Decimal(tolerance),
            security_cooldown_days=cooldown,
            withdrawal_review_threshold_usd=Decimal(threshold),
            withdrawal_review_window_days=window,
        ),
    )


# Lines differ per jurisdiction so that a wrong join cannot pass unnoticed.
POLICIES = PolicyDirectory(
    {
        "DEFAULT": _policy("DEFAULT", "10", 7, "10000", 30),
        "EU": _policy("EU", "0.3", 3, "1000", 10),
        "US": _policy("US", "0", 0, "0", 60),
    }
)
JURISDICTIONS = ["EU", "US", "JP", "DEFAULT", "GB"]  # JP, GB: no policy, DEFAULT applies
PRICES = {
    "USDT": "1",
    "BTC": "90000",
    "SHIB": "0.00001",
    "THIRD": "0.333333333333333333",
    "FREE": "0",
}
ASSETS = [*PRICES, "GONE"]  # GONE has no price: delisted
EDGE_DAYS = [0, 3, 7, 10, 30, 60]
TINY = timedelta(microseconds=1)

# Amounts at the lines (for USDT: 10, 5, 1000, 10000 USD), one unit of the last decimal
# beside them, the sum of two that lands on a line, long ones, and arbitrary ones.
_AT_LINES = [
    "0",
    "5",
    "10",
    "500000",
    "1000000",
    "1000",
    "10000",
    "5000",
    "4.999999999999999999",
    "5.000000000000000001",
    "9.999999999999999999",
    "10.000000000000000001",
    "999999.999999999999999999",
    "0.000000000000000001",
    "1000.000000000000000001",
    "9999.999999999999999999",
    "15",
    "30.000000000000000003",
    "12345678901234567890.123456789012345678",
    "500",
    "100000000",  # SHIB worth 1000 USD
    "1000000000",  # SHIB worth 10000 USD
]
amounts = st.one_of(
    st.sampled_from(_AT_LINES),
    st.decimals(min_value=0, max_value=2_000_000, places=8).map(lambda d: format(d, "f")),
)


def _moment(days: int, nudge: timedelta) -> str:
    return iso(T0 - timedelta(days=days) + nudge)


moments = st.builds(
    _moment,
    st.sampled_from(EDGE_DAYS),
    st.sampled_from([-TINY, timedelta(0), TINY, timedelta(seconds=-1), timedelta(hours=5)]),
)


any_balance = st.fixed_dictionaries(
    {
        "account_type": st.sampled_from(["funding", "trading"]),
        "asset": st.sampled_from(ASSETS),
        "available": amounts,
        "frozen": amounts,
    }
)


@st.composite
def line_balance(draw: Any) -> dict[str, str]:
    """A balance worth exactly a line (10, 0.3 or 0 USD), or one unit of the 18th decimal
    beside it, in an asset whose price makes that exact (USDT at 1, SHIB at 0.00001)."""
    asset = draw(st.sampled_from(["USDT", "SHIB"]))
    worth = Decimal(draw(st.sampled_from(["10", "0.3", "0"])))
    nudge = Decimal(draw(st.sampled_from(["0", "1e-18", "-1e-18"])))
    total = max(worth / Decimal(PRICES[asset]) + nudge, Decimal(0))
    frozen = min(total, Decimal(draw(st.sampled_from(["0", "1e-18", "0.2", "0.5"]))))
    return {
        "account_type": draw(st.sampled_from(["funding", "trading"])),
        "asset": asset,
        "available": format(total - frozen, "f"),
        "frozen": format(frozen, "f"),
    }


def _items(draw: Any, make: Any, limit: int = 3) -> list[dict[str, Any]]:
    return [make(draw, n) for n in range(draw(st.integers(0, limit)))]


def _order(draw: Any, i: int) -> dict[str, Any]:
    return {
        "id": f"O{i}",
        "product": "spot",
        "symbol": "BTC/USDT",
        "side": "buy",
        "kind": "limit",
        "status": draw(st.sampled_from(list(a.OrderStatus))).value,
        "quantity": "1",
        "created_at": iso(T0),
    }


def _transfer(draw: Any, i: int) -> dict[str, Any]:
    return {
        "id": f"T{i}",
        "direction": draw(st.sampled_from(list(a.TransferDirection))).value,
        "asset": draw(st.sampled_from(ASSETS)),
        "amount": draw(amounts),
        "status": draw(st.sampled_from(list(a.TransferStatus))).value,
        "created_at": draw(moments),
    }


def _api_key(draw: Any, i: int) -> dict[str, Any]:
    expires = draw(st.sampled_from([None, -TINY, timedelta(0), TINY]))
    return {
        "id": f"K{i}",
        "kind": "api_key",
        "label": "bot",
        "created_at": iso(T0 - timedelta(days=400)),
        "expires_at": None if expires is None else iso(T0 + expires),
        "revoked_at": draw(st.none() | st.just(iso(T0 - timedelta(days=1)))),
    }


def _hold(draw: Any, i: int) -> dict[str, Any]:
    return {
        "id": f"H{i}",
        "kind": draw(st.sampled_from(list(a.HoldKind))).value,
        "reason": "r",
        "placed_by": "staff",
        "placed_at": iso(T0 - timedelta(days=5)),
        "lifted_at": draw(st.none() | st.just(iso(T0 - timedelta(days=1)))),
    }


def _status_of(kind: type[Any]) -> Any:
    return lambda draw, i: {
        "id": f"X{i}",
        "status": draw(st.sampled_from(list(kind))).value,
    }


@st.composite
def ledgers(draw: Any) -> list[dict[str, Any]]:
    accounts = []
    for n in range(draw(st.integers(1, 4))):
        uid = f"U{n}"
        balances = draw(
            st.lists(
                st.one_of(any_balance, line_balance()),
                max_size=4,
                unique_by=lambda b: (b["account_type"], b["asset"]),
            )
        )

        accounts.append(
            account(
                uid,
                jurisdiction=draw(st.sampled_from(JURISDICTIONS)),
                kyc={
                    "status": draw(st.sampled_from(list(a.KycStatus))).value,
                    "applicant_mismatch": draw(st.booleans()),
                },
                balances=balances,
                orders=_items(draw, _order),
                transfers=_items(draw, _transfer, 4),
                security_events=[
                    {"kind": "password", "occurred_at": draw(moments)}
                    for _ in range(draw(st.integers(0, 2)))
                ],
                positions=[
                    {
                        "id": f"P{i}",
                        "product": "perpetual",
                        "symbol": "BTCUSDT",
                        "size": draw(st.sampled_from(["0", "-0", "-0.25", "0.000000000000000001"])),
                        "opened_at": iso(T0),
                    }
                    for i in range(draw(st.integers(0, 1)))
                ],
                loans=[
                    {
                        "id": f"L{i}",
                        "kind": "margin_borrow",
                        "asset": "USDT",
                        "outstanding": draw(
                            st.sampled_from(["0", "0.000", "350", "0.000000000000000001"])
                        ),
                        "opened_at": iso(T0),
                    }
                    for i in range(draw(st.integers(0, 1)))
                ],
                earn=[
                    {"kind": "locked", "asset": "ETH", "amount": "1", **item}
                    for item in _items(draw, _status_of(a.EarnStatus), 1)
                ],
                automations=[
                    {"kind": "recurring_buy", "created_at": iso(T0), **item}
                    for item in _items(draw, _status_of(a.AutomationStatus), 1)
                ],
                p2p_orders=[
                    {"asset": "USDT", "amount": "1", "created_at": iso(T0), **item}
                    for item in _items(draw, _status_of(a.P2POrderStatus), 1)
                ],
                disputes=[
                    {"kind": "chargeback", "opened_at": iso(T0), **item}
                    for item in _items(draw, _status_of(a.DisputeStatus), 1)
                ],
                api_keys=_items(draw, _api_key, 2),
                sub_accounts=[
                    {
                        "uid": f"{uid}S{i}",
                        "status": draw(st.sampled_from(list(a.SubAccountStatus))).value,
                    }
                    for i in range(draw(st.integers(0, 1)))
                ],
                holds=_items(draw, _hold, 2),
            )
        )
    return accounts


def _clean(engine: Engine) -> None:
    """Empty the ledger between examples: DELETE is much faster than ``_empty``'s
    TRUNCATE of every table on PostgreSQL, and only the ledger's tables are written."""
    with engine.begin() as conn:
        for table in (*t.CUSTOMER_TABLES, t.customers, t.asset_prices):
            conn.execute(table.delete())


def _expected(engine: Any, uid: str, now: datetime) -> dict[CheckCode, CheckStatus]:
    report = check_account(
        uid, accounts=LedgerStateReader(engine), policies=POLICIES, clock=lambda: now
    )
    return {c.code: c.status for c in report.checks if c.status is not CheckStatus.PASS}


def _held(accounts: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Exact totals (the default context would round them to 28 digits)."""
    totals: dict[str, Decimal] = {}
    with localcontext() as exact:
        exact.prec = 100
        for acc in accounts:
            for b in acc["balances"]:
                total = totals.get(b["asset"], Decimal(0)) + Decimal(b["available"])
                totals[b["asset"]] = total + Decimal(b["frozen"])
    return {asset: total for asset, total in totals.items() if total != 0}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(accounts=ledgers(), chunk=st.sampled_from([1, 2, 50_000]))
def test_the_sweep_agrees_with_check_account_on_every_account(
    engine: Any, accounts: list[dict[str, Any]], chunk: int
) -> None:
    _clean(engine)
    load(engine, *accounts, prices=PRICES)
    result = sweep(engine, POLICIES, T0, chunk_size=chunk)
    rows = {row.uid: row for row in result}
    assert result.total == len(accounts) == len(rows)
    for acc in accounts:
        assert rows[acc["uid"]].failures == _expected(engine, acc["uid"], T0), acc["uid"]
        assert rows[acc["uid"]].jurisdiction == acc["jurisdiction"]
    summary = result.summary
    assert summary.accounts == len(accounts)
    assert summary.passing == sum(not row.failures for row in rows.values())
    assert summary.by_code == {
        code: sum(code in row.failures for row in rows.values())
        for code in CheckCode
        if any(code in row.failures for row in rows.values())
    }
    assert summary.assets == _held(accounts)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    accounts=ledgers(), pick=st.sets(st.integers(0, 3)), jurisdiction=st.sampled_from(JURISDICTIONS)
)
def test_a_subset_gives_the_same_verdicts(
    engine: Any, accounts: list[dict[str, Any]], pick: set[int], jurisdiction: str
) -> None:
    _clean(engine)
    load(engine, *accounts, prices=PRICES)
    everyone = {row.uid: row for row in sweep(engine, POLICIES, T0)}
    uids = [accounts[i]["uid"] for i in sorted(pick) if i < len(accounts)] + ["NOBODY"]
    chosen = sweep(engine, POLICIES, T0, uids=uids, chunk_size=1)
    assert chosen.total == len(uids) - 1
    assert {row.uid: row for row in chosen} == {uid: everyone[uid] for uid in uids[:-1]}
    local = sweep(engine, POLICIES, T0, jurisdiction=jurisdiction.lower(), chunk_size=1)
    expected = {uid: row for uid, row in everyone.items() if row.jurisdiction == jurisdiction}
    assert {row.uid: row for row in local} == expected
    assert local.summary.accounts == local.total == len(expected)


def test_naive_now_is_refused(engine: Any) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sweep(engine, POLICIES, datetime(2026, 1, 1))


def test_an_empty_ledger_sweeps_to_nothing(engine: Any) -> None:
    result = sweep(engine, POLICIES, T0)
    assert list(result) == [] and result.total == 0 and result.summary.accounts == 0


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(accounts=ledgers(), readers=st.sampled_from([1, 3]))
def test_any_number_of_readers_gives_the_same_rows_in_the_same_order(
    engine: Any, accounts: list[dict[str, Any]], readers: int
) -> None:
    # On PostgreSQL, several connections read chunks at once in one exported snapshot.
    _clean(engine)
    load(engine, *accounts, prices=PRICES)
    two = sweep(engine, POLICIES, T0, chunk_size=1, readers=2)
    other = sweep(engine, POLICIES, T0, chunk_size=1, readers=readers)
    assert list(two) == list(other)
    assert two.summary == other.summary


def test_a_sweep_left_early_stops_its_readers_and_counts_what_it_handed_out(
    engine: Any,
) -> None:
    _clean(engine)
    load(engine, *(account(f"U{i}") for i in range(6)), prices=PRICES)
    result = sweep(engine, POLICIES, T0, chunk_size=1)
    threads = threading.active_count()
    rows = iter(result)
    taken = [next(rows), next(rows)]
    assert threading.active_count() > threads  # reading ahead
    assert result.summary.accounts == 2
    rows.close()  # stops the lister and the workers
    assert threading.active_count() == threads
    assert [row.uid for row in taken] == ["U0", "U1"]
    assert result.summary.accounts == 2
