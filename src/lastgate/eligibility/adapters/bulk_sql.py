"""The statements of the bulk eligibility sweep, written once for SQLite and PostgreSQL.

Each chunk of customers (an id range, optionally narrowed to a list of ids) is swept by
one statement returning ``(customer_id, mask)`` for every customer with something to say:
the ``UNION ALL`` of one branch per kind of row, summed per customer. A mask's bits are
the failing checks (``BIT``) and the comparisons SQL could not decide exactly
(``BALANCE_BORDER``, ``WITHDRAWAL_BORDER``), which Python finishes. Policies differ per
jurisdiction: a ``VALUES`` list maps each jurisdiction of the chunk to its lines, and
``COALESCE`` falls back to the DEFAULT policy's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks.restrictions import KYC_INCOMPLETE_STATUSES
from lastgate.eligibility.model.report import CheckCode
from lastgate.ledger import model as a
from lastgate.platform.db.types import time_param

# Bits of a customer's mask: a failing check's (its position in ``CheckCode``), and two
# for comparisons left to Python: a balance near the dust line, withdrawals near the
# review line. Every branch's bits are its own and it gives at most one row per (customer,
# bits) value, so that SQLite can sum what it cannot bit_or. All fit in an INTEGER.
BIT: dict[CheckCode, int] = {code: 1 << position for position, code in enumerate(CheckCode)}
BALANCE_BORDER = 1 << 24
WITHDRAWAL_BORDER = 1 << 25
_SIDE_BITS = {
    dust_line.Side.ASSET: BIT[CheckCode.ASSETS_REMAINING],
    dust_line.Side.DUST: BIT[CheckCode.DUST_REMAINING],
}


def fetch(conn: Connection, d: Dialect, sql: str, params: dict[str, Any]) -> list[Any]:
    """All rows of ``sql`` as plain tuples, through the driver in ``conn``'s transaction."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(d.driver_sql(sql), params)
        rows: list[Any] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


@dataclass(frozen=True)
class Dialect:
    """The few spellings that differ between SQLite and PostgreSQL."""

    name: str

    @property
    def sqlite(self) -> bool:
        return self.name == "sqlite"

    def num(self, column: str) -> str:
        """An amount as a number SQL can compare: exact NUMERIC, or REAL from SQLite text."""
        return f"CAST({column} AS REAL)" if self.sqlite else column

    def negative(self, column: str) -> str:
        return f"{column} LIKE '-%'" if self.sqlite else f"{column} < 0"

    def bit_or(self, column: str, repeated: Sequence[int] = ()) -> str:
        """The bitwise or of ``column`` over a group. SQLite has no such aggregate: the sum
        of the rows, which carry disjoint bits, or, when rows may repeat the single bits
        ``repeated``, the sum of each bit's maximum."""
        if not self.sqlite:
            return f"bit_or({column})"
        if not repeated:
            return f"SUM({column})"
        return " + ".join(f"MAX(CASE WHEN {column} = {b} THEN {b} ELSE 0 END)" for b in repeated)

    def cast(self, param: str, pg_type: str) -> str:
        return f":{param}" if self.sqlite else f"CAST(:{param} AS {pg_type})"

    def in_list(self, param: str, pg_type: str = "BIGINT") -> str:
        if self.sqlite:
            return f"IN (SELECT value FROM json_each(:{param}))"
        return f"= ANY(CAST(:{param} AS {pg_type}[]))"

    def driver_sql(self, sql: str) -> str:
        """``sql`` with ``:name`` parameters in the driver's own style."""
        return sql if self.sqlite else re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql)

    def list_param(self, values: Sequence[Any]) -> Any:
        return json.dumps(list(values)) if self.sqlite else list(values)

    def time(self, moment: datetime) -> Any:
        return time_param(self.name, moment)

    def around(self, line: Decimal, margin: Decimal) -> tuple[Any, Any]:
        """(low, high): outside them a comparison with ``line`` is clear in this dialect."""
        if self.sqlite:
            return float(line) * (1 - float(margin)), float(line) * (1 + float(margin))
        with localcontext() as exact:
            exact.prec = 100
            return line * (1 - margin), line * (1 + margin)


def dialect(name: str) -> Dialect:
    if name not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"the bulk sweep does not support {name}")
    return Dialect(name)


def _in(values: frozenset[Any]) -> str:
    # Domain enum values, not user input: safe to inline.
    return ", ".join(sorted(f"'{v.value}'" for v in values))


#: The chunk's customers: (id, uid, jurisdiction, the bits of their KYC checks).
CUSTOMERS = (
    "SELECT id, uid, jurisdiction, "
    f"CASE WHEN kyc_status IN ({_in(KYC_INCOMPLETE_STATUSES)}) "
    f"THEN {BIT[CheckCode.KYC_INCOMPLETE]} "
    f"ELSE 0 END + CASE WHEN kyc_status = '{a.KycStatus.DISPUTED.value}' "
    f"OR kyc_applicant_mismatch THEN {BIT[CheckCode.KYC_DISPUTED]} ELSE 0 END FROM customers"
)


Lines = tuple[tuple[Any, Any], tuple[Any, Any], datetime, datetime]


def chunk_params(
    d: Dialect,
    *,
    lo: int,
    hi: int,
    ids: Sequence[int] | None,
    now: datetime,
    lines: dict[str, Lines],
    default: Lines,
) -> dict[str, Any]:
    """Bind values of one chunk; ``lines`` in the order ``flags_sql`` was given them."""
    params: dict[str, Any] = {"lo": lo, "hi": hi, "now": d.time(now)}
    if ids is not None:
        params["ids"] = d.list_param(ids)
    named = [("d", None, default)] + [(str(n), j, v) for n, (j, v) in enumerate(lines.items())]
    for key, jurisdiction, ((dlo, dhi), (rlo, rhi), cooldown, window) in named:
        if jurisdiction is not None:
            params[f"j{key}"] = jurisdiction
        params.update(
            {
                f"dlo{key}": dlo,
                f"dhi{key}": dhi,
                f"rlo{key}": rlo,
                f"rhi{key}": rhi,
                f"cs{key}": d.time(cooldown),
                f"ws{key}": d.time(window),
            }
        )
    everything = [default, *lines.values()]
    params["min_cs"] = d.time(min(line[2] for line in everything))
    params["min_ws"] = d.time(min(line[3] for line in everything))
    return params


def flags_sql(
    d: Dialect, jurisdictions: Sequence[str], *, filtered: bool, joined: frozenset[str]
) -> str:
    """The flag statement for a chunk with ``jurisdictions`` (in ``chunk_params`` order).

    ``joined`` names the rules ("dust", "review", "cooldown") whose lines differ between
    the chunk's jurisdictions: only those join each row to its customer's policy; the
    others compare with the one line bound as the default.
    """
    return _flags_sql(d, len(jurisdictions), filtered, joined)


def _policy_cte(d: Dialect, count: int) -> str:
    rows = ", ".join(
        "("
        + ", ".join(
            (
                d.cast(f"j{n}", "TEXT"),
                d.cast(f"dlo{n}", "NUMERIC"),
                d.cast(f"dhi{n}", "NUMERIC"),
                d.cast(f"rlo{n}", "NUMERIC"),
                d.cast(f"rhi{n}", "NUMERIC"),
                d.cast(f"cs{n}", "TIMESTAMPTZ"),
                d.cast(f"ws{n}", "TIMESTAMPTZ"),
            )
        )
        + ")"
        for n in range(count)
    )
    return (
        "WITH pol(jurisdiction, dust_lo, dust_hi, review_lo, review_hi, cooldown_since, "
        f"window_since) AS (VALUES {rows})"
    )


@lru_cache(maxsize=64)
def _flags_sql(d: Dialect, count: int, filtered: bool, joined: frozenset[str]) -> str:
    def rng(alias: str) -> str:
        ids = f" AND {alias}.customer_id {d.in_list('ids')}" if filtered else ""
        return f"{alias}.customer_id BETWEEN :lo AND :hi{ids}"

    def of_policy(alias: str, rule: str) -> str:
        if rule not in joined:
            return ""
        # The explicit range on c.id lets PostgreSQL read only the chunk's customers.
        return (
            f"JOIN customers c ON c.id = {alias}.customer_id AND c.id BETWEEN :lo AND :hi "
            "LEFT JOIN pol p ON p.jurisdiction = c.jurisdiction"
        )

    def simple(code: CheckCode, table: str, condition: str) -> str:
        return (
            f"SELECT DISTINCT x.customer_id, {BIT[code]} FROM {table} x "
            f"WHERE {rng('x')} AND {condition}"
        )

    branches = [
        _balances(d, rng("b"), of_policy("b", "dust"), "dust" in joined),
        _transfers(d, rng("t"), of_policy("t", "review"), "review" in joined),
        *(simple(code, table, condition) for code, table, condition in _still_open(d)),
        f"SELECT DISTINCT x.customer_id, {_HOLD_BIT} FROM holds x "
        f"WHERE {rng('x')} AND x.lifted_at IS NULL "
        f"AND x.kind IN ({_in(frozenset(a.HoldKind))})",
        f"SELECT DISTINCT e.customer_id, {BIT[CheckCode.SECURITY_COOLDOWN]} "
        f"FROM security_events e {of_policy('e', 'cooldown')} "
        f"WHERE {rng('e')} AND e.occurred_at > {d.cast('min_cs', 'TIMESTAMPTZ')} "
        "AND e.occurred_at > "
        f"{_rule(d, 'cooldown_since', 'cs', 'cooldown' in joined, 'TIMESTAMPTZ')}",
    ]
    return (
        f"{_policy_cte(d, count)} SELECT customer_id, {d.bit_or('bits')} FROM "
        f"({' UNION ALL '.join(branches)}) AS f GROUP BY customer_id"
    )


def _still_open(d: Dialect) -> list[tuple[CheckCode, str, str]]:
    """(code, table, condition) of the checks that block while a row is still open."""
    return [
        (CheckCode.OPEN_ORDERS, "orders", f"x.status IN ({_in(a.OPEN_ORDER_STATUSES)})"),
        (CheckCode.OPEN_POSITIONS, "positions", f"{d.num('x.size')} <> 0"),
        (CheckCode.OUTSTANDING_LOANS, "loans", f"{d.num('x.outstanding')} > 0"),
        (
            CheckCode.ACTIVE_EARN,
            "earn_subscriptions",
            f"x.status <> '{a.EarnStatus.REDEEMED.value}'",
        ),
        (
            CheckCode.ACTIVE_AUTOMATION,
            "automations",
            f"x.status <> '{a.AutomationStatus.STOPPED.value}'",
        ),
        (CheckCode.P2P_ORDER_OPEN, "p2p_orders", f"x.status NOT IN ({_in(a.P2P_DONE_STATUSES)})"),
        (CheckCode.DISPUTE_OPEN, "disputes", f"x.status = '{a.DisputeStatus.OPEN.value}'"),
        (
            CheckCode.API_KEYS_ACTIVE,
            "api_keys",
            "x.revoked_at IS NULL AND (x.expires_at IS NULL OR x.expires_at > "
            f"{d.cast('now', 'TIMESTAMPTZ')})",
        ),
        (
            CheckCode.SUB_ACCOUNTS_OPEN,
            "sub_accounts",
            f"x.status <> '{a.SubAccountStatus.CLOSED.value}'",
        ),
    ]


_HOLD_BIT = (
    f"CASE x.kind WHEN '{a.HoldKind.RISK_LOCK.value}' THEN {BIT[CheckCode.RISK_LOCK]} "
    f"WHEN '{a.HoldKind.AML_INVESTIGATION.value}' THEN {BIT[CheckCode.COMPLIANCE_REVIEW]} "
    f"ELSE {BIT[CheckCode.LEGAL_HOLD]} END"
)


def _balances(d: Dialect, in_range: str, of_policy: str, joined: bool) -> str:
    """One row per customer with non-zero balances: the bits of what they show.

    ``dust_line`` draws the line; SQL only applies it where no rounding can matter (an
    unpriced asset, a value clearly beyond the band ``dust_lo``..``dust_hi`` around the
    tolerance) and flags everything else ``BALANCE_BORDER``, for ``dust_line.judge``.
    """
    value = f"({d.num('b.available')} + {d.num('b.frozen')}) * {d.num('ap.price_usd')}"
    negative = f"{d.negative('b.available')} OR {d.negative('b.frozen')}"
    assets, dust = BIT[CheckCode.ASSETS_REMAINING], BIT[CheckCode.DUST_REMAINING]
    kind = (
        f"CASE WHEN {negative} THEN {BALANCE_BORDER} "
        f"WHEN ap.price_usd IS NULL THEN {_SIDE_BITS[dust_line.UNPRICED]} "
        f"WHEN {value} > {_rule(d, 'dust_hi', 'dhi', joined)} THEN {assets} "
        f"WHEN {value} < {_rule(d, 'dust_lo', 'dlo', joined)} THEN {dust} "
        f"ELSE {BALANCE_BORDER} END"
    )
    # "a + f <> 0 or either is negative" is "either is non-zero" in NUMERIC (no -0), the
    # cheaper test; SQLite's text can say "-0", so it keeps the long one.
    nonzero = (
        f"({d.num('b.available')} + {d.num('b.frozen')} <> 0 OR {negative})"
        if d.sqlite
        else "(b.available <> 0 OR b.frozen <> 0)"
    )
    return (
        f"SELECT customer_id, {d.bit_or('kind', (assets, dust, BALANCE_BORDER))} AS bits "
        f"FROM (SELECT b.customer_id, {kind} AS kind FROM balances b {of_policy} "
        f"LEFT JOIN asset_prices ap ON ap.asset = b.asset WHERE {in_range} AND {nonzero}) "
        "AS bx GROUP BY customer_id"
    )


def _transfers(d: Dialect, in_range: str, of_policy: str, joined: bool) -> str:
    """One pass over the chunk's transfers: the in-flight ones by direction, and the
    withdrawals of the review window, summed at current prices, clearly above the line
    (``WITHDRAWAL_REVIEW``) or near it (or with a negative amount): ``WITHDRAWAL_BORDER``.
    """
    in_flight = f"t.status IN ({_in(a.IN_FLIGHT_TRANSFER_STATUSES)})"
    deposit, withdrawal = a.TransferDirection.DEPOSIT.value, a.TransferDirection.WITHDRAWAL.value
    # The time first: it is the cheapest test, and the one most rows fail.
    since = f"t.created_at >= {d.cast('min_ws', 'TIMESTAMPTZ')}"
    counted = (
        f"{since} AND t.direction = '{withdrawal}' AND t.status NOT IN "
        f"('{a.TransferStatus.FAILED.value}', '{a.TransferStatus.CANCELLED.value}')"
    )
    window = (  # a withdrawal the review sums (an unpriced one is not summed)
        f"{since} AND t.created_at >= {_rule(d, 'window_since', 'ws', joined, 'TIMESTAMPTZ')} "
        f"AND {counted.removeprefix(since + ' AND ')} AND ap.price_usd IS NOT NULL"
    )

    def line(column: str, key: str) -> str:  # the customer's, the same on all its rows
        rule = _rule(d, column, key, joined)
        return f"MAX({rule})" if joined else rule

    negative = f"{d.negative('t.amount')} OR {d.negative('ap.price_usd')}"
    total = f"SUM(CASE WHEN {window} THEN {d.num('t.amount')} * {d.num('ap.price_usd')} END)"
    review = (
        f"CASE WHEN MAX(CASE WHEN {window} AND ({negative}) THEN 1 ELSE 0 END) = 1 "
        f"THEN {WITHDRAWAL_BORDER} "
        f"WHEN {total} > {line('review_hi', 'rhi')} "
        f"THEN {BIT[CheckCode.WITHDRAWAL_REVIEW]} "
        f"WHEN {total} >= {line('review_lo', 'rlo')} "
        f"THEN {WITHDRAWAL_BORDER} ELSE 0 END"
    )
    pending = (
        f"MAX(CASE WHEN {in_flight} AND t.direction = '{deposit}' "
        f"THEN {BIT[CheckCode.DEPOSIT_PENDING]} ELSE 0 END) + "
        f"MAX(CASE WHEN {in_flight} AND t.direction <> '{deposit}' "
        f"THEN {BIT[CheckCode.WITHDRAWAL_PENDING]} ELSE 0 END)"
    )
    directions = _in(frozenset(a.TransferDirection))
    return (
        f"SELECT t.customer_id, {pending} + {review} FROM transfers t {of_policy} "
        f"LEFT JOIN asset_prices ap ON ap.asset = t.asset WHERE {in_range} "
        f"AND (({counted}) OR ({in_flight} AND t.direction IN ({directions}))) "
        "GROUP BY t.customer_id"
    )


def _rule(d: Dialect, column: str, key: str, joined: bool, pg_type: str = "NUMERIC") -> str:
    """The customer's jurisdiction's line (the default one for a jurisdiction not in the
    list), or, not joined, the line bound as the default: the same for the whole chunk.
    """
    default = d.cast(key + "d", pg_type)
    return f"COALESCE(p.{column}, {default})" if joined else default


@lru_cache(maxsize=4)
def withdrawals_sql(d: Dialect) -> str:
    """Withdrawals that count towards the review line, in the order the check sums them."""
    return (
        "SELECT t.customer_id, t.amount, ap.price_usd, t.created_at FROM transfers t "
        "JOIN asset_prices ap ON ap.asset = t.asset "
        f"WHERE t.customer_id {d.in_list('ids')} "
        f"AND t.direction = '{a.TransferDirection.WITHDRAWAL.value}' "
        f"AND t.status NOT IN ('{a.TransferStatus.FAILED.value}', "
        f"'{a.TransferStatus.CANCELLED.value}') "
        f"AND t.created_at >= {d.cast('since', 'TIMESTAMPTZ')} "
        "ORDER BY t.customer_id, t.created_at, t.id"
    )


@lru_cache(maxsize=4)
def balances_sql(d: Dialect) -> str:
    """Every balance of the given customers, with its price (NULL: unpriced)."""
    return (
        "SELECT b.customer_id, b.available, b.frozen, ap.price_usd FROM balances b "
        f"LEFT JOIN asset_prices ap ON ap.asset = b.asset WHERE b.customer_id {d.in_list('ids')}"
    )
