"""The statements of the bulk eligibility sweep, written once for SQLite and PostgreSQL.

Each chunk of customers (an id range, optionally narrowed to a list of ids) is swept by
one ``UNION ALL`` statement whose rows are ``(customer_id, tag, available, frozen,
price)``: a tag names a failing check, or asks Python to finish a comparison that SQL
could not decide exactly (the three amounts are set only for a balance near the line).
Policies differ per jurisdiction: a ``VALUES`` list maps each jurisdiction of the chunk
to its lines, and ``COALESCE`` falls back to the DEFAULT policy's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Context, Decimal, localcontext
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.report import CheckCode
from lastgate.ledger import model as a
from lastgate.platform.db.types import amount_text, time_param

# Tags of the flag statement's rows: a failing check's position in ``CheckCode``, or
# ``BALANCES`` plus bits (1: a balance above the dust line, 2: dust, 4: near the line),
# or ``WITHDRAWAL_BORDER`` (withdrawals near the review line).
TAG_CODES: dict[int, CheckCode] = dict(enumerate(CheckCode))
BALANCES = 200
ASSETS, DUST, BORDER = 1, 2, 4
_SIDE_BITS = {dust_line.Side.ASSET: ASSETS, dust_line.Side.DUST: DUST}
WITHDRAWAL_BORDER = 101
_TAG = {code: tag for tag, code in TAG_CODES.items()}
REVIEW_TAG = _TAG[CheckCode.WITHDRAWAL_REVIEW]


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
            f"SELECT DISTINCT x.customer_id, {_TAG[code]} FROM {table} x "
            f"WHERE {rng('x')} AND {condition}"
        )

    branches = [
        _balances(d, rng("b"), of_policy("b", "dust"), "dust" in joined),
        f"SELECT DISTINCT x.customer_id, {_TRANSFER_TAG} FROM transfers x "
        f"WHERE {rng('x')} AND x.status IN ({_in(a.IN_FLIGHT_TRANSFER_STATUSES)}) "
        f"AND x.direction IN ({_in(frozenset(a.TransferDirection))})",
        *(simple(code, table, condition) for code, table, condition in _still_open(d)),
        f"SELECT DISTINCT x.customer_id, {_HOLD_TAG} FROM holds x "
        f"WHERE {rng('x')} AND x.lifted_at IS NULL "
        f"AND x.kind IN ({_in(frozenset(a.HoldKind))})",
        f"SELECT DISTINCT e.customer_id, {_TAG[CheckCode.SECURITY_COOLDOWN]} "
        f"FROM security_events e {of_policy('e', 'cooldown')} "
        f"WHERE {rng('e')} AND e.occurred_at > {d.cast('min_cs', 'TIMESTAMPTZ')} "
        "AND e.occurred_at > "
        f"{_rule(d, 'cooldown_since', 'cs', 'cooldown' in joined, 'TIMESTAMPTZ')}",
        _withdrawals(d, rng("t"), of_policy("t", "review"), "review" in joined),
    ]
    return _policy_cte(d, count) + " " + " UNION ALL ".join(branches)


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


_HOLD_TAG = (
    f"CASE x.kind WHEN '{a.HoldKind.RISK_LOCK.value}' THEN {_TAG[CheckCode.RISK_LOCK]} "
    f"WHEN '{a.HoldKind.AML_INVESTIGATION.value}' THEN {_TAG[CheckCode.COMPLIANCE_REVIEW]} "
    f"ELSE {_TAG[CheckCode.LEGAL_HOLD]} END"
)
_TRANSFER_TAG = (
    f"CASE x.direction WHEN '{a.TransferDirection.DEPOSIT.value}' "
    f"THEN {_TAG[CheckCode.DEPOSIT_PENDING]} ELSE {_TAG[CheckCode.WITHDRAWAL_PENDING]} END"
)


def _balances(d: Dialect, in_range: str, of_policy: str, joined: bool) -> str:
    """One row per customer with non-zero balances: ``BALANCES`` plus the bits found.

    ``dust_line`` draws the line; SQL only applies it where no rounding can matter (an
    unpriced asset, a value clearly beyond the band ``dust_lo``..``dust_hi`` around the
    tolerance) and flags everything else ``BORDER``, for ``dust_line.judge`` in Python.
    """
    value = f"({d.num('b.available')} + {d.num('b.frozen')}) * {d.num('ap.price_usd')}"
    negative = f"{d.negative('b.available')} OR {d.negative('b.frozen')}"
    kind = (
        f"CASE WHEN {negative} THEN {BORDER} "
        f"WHEN ap.price_usd IS NULL THEN {_SIDE_BITS[dust_line.UNPRICED]} "
        f"WHEN {value} > {_rule(d, 'dust_hi', 'dhi', joined)} THEN {ASSETS} "
        f"WHEN {value} < {_rule(d, 'dust_lo', 'dlo', joined)} THEN {DUST} ELSE {BORDER} END"
    )
    bits = " + ".join(f"MAX(CASE WHEN kind = {bit} THEN {bit} ELSE 0 END)" for bit in (1, 2, 4))
    return (
        f"SELECT customer_id, {BALANCES} + {bits} FROM (SELECT b.customer_id, {kind} AS kind "
        f"FROM balances b {of_policy} LEFT JOIN asset_prices ap ON ap.asset = b.asset "
        f"WHERE {in_range} AND ({d.num('b.available')} + {d.num('b.frozen')} <> 0 "
        f"OR {negative})) AS bx GROUP BY customer_id"
    )


def _withdrawals(d: Dialect, in_range: str, of_policy: str, joined: bool) -> str:
    """Customers whose withdrawals in their window are clearly above, or near, the line."""
    negative = f"{d.negative('t.amount')} OR {d.negative('ap.price_usd')}"
    return (
        f"SELECT customer_id, CASE WHEN has_negative = 1 THEN {WITHDRAWAL_BORDER} "
        f"WHEN total > high THEN {_TAG[CheckCode.WITHDRAWAL_REVIEW]} "
        f"ELSE {WITHDRAWAL_BORDER} END "
        f"FROM (SELECT t.customer_id, SUM({d.num('t.amount')} * {d.num('ap.price_usd')}) "
        f"AS total, MAX({_rule(d, 'review_hi', 'rhi', joined)}) AS high, "
        f"MAX({_rule(d, 'review_lo', 'rlo', joined)}) AS low, "
        f"MAX(CASE WHEN {negative} THEN 1 ELSE 0 END) AS has_negative "
        f"FROM transfers t {of_policy} JOIN asset_prices ap ON ap.asset = t.asset "
        f"WHERE {in_range} AND t.direction = '{a.TransferDirection.WITHDRAWAL.value}' "
        f"AND t.status NOT IN ('{a.TransferStatus.FAILED.value}', "
        f"'{a.TransferStatus.CANCELLED.value}') "
        f"AND t.created_at >= {d.cast('min_ws', 'TIMESTAMPTZ')} "
        f"AND t.created_at >= {_rule(d, 'window_since', 'ws', joined, 'TIMESTAMPTZ')} "
        "GROUP BY t.customer_id) AS w WHERE has_negative = 1 OR total >= low"
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


# -- total held per asset ---------------------------------------------------------------

#: Digits kept by the exact sums: far beyond 38-digit amounts times any count of rows.
_EXACT = Context(prec=100)


class _DecimalSum:
    """SQLite aggregate ``decimal_sum(a, b)``: the exact sum of ``a + b`` over decimal text.

    SQLite has no exact decimal arithmetic (its ``decimal`` extension is not built into
    Python's sqlite3), so this one is registered on the connection; SQL still does the
    scanning, filtering and grouping, Python only adds.
    """

    def __init__(self) -> None:
        self.total = Decimal(0)

    def step(self, available: str, frozen: str) -> None:
        total = _EXACT.add(self.total, Decimal(available))
        self.total = total if frozen == "0" else _EXACT.add(total, Decimal(frozen))

    def finalize(self) -> str:
        return amount_text(self.total)


def _range(d: Dialect, filtered: bool) -> str:
    ids = f" AND b.customer_id {d.in_list('ids')}" if filtered else ""
    return f"b.customer_id BETWEEN :lo AND :hi{ids}"


def asset_totals(
    conn: Connection, d: Dialect, params: dict[str, Any], *, filtered: bool
) -> Iterator[tuple[str, Decimal]]:
    """(asset, available + frozen summed exactly) over the chunk's non-zero balances."""
    if d.sqlite:
        raw = conn.connection.driver_connection
        raw.create_aggregate("decimal_sum", 2, _DecimalSum)  # type: ignore[union-attr]
        total = "decimal_sum(b.available, b.frozen)"
    else:
        total = "SUM(b.available + b.frozen)"
    # A zero test is exact in REAL (see _balances), and skips half the rows here.
    nonzero = f"({d.num('b.available')} <> 0 OR {d.num('b.frozen')} <> 0)"
    sql = (
        f"SELECT b.asset, {total} FROM balances b "
        f"WHERE {_range(d, filtered)} AND {nonzero} GROUP BY b.asset"
    )
    for asset, amount in fetch(conn, d, sql, params):
        yield asset, Decimal(amount)


def exact_add(left: Decimal, right: Decimal) -> Decimal:
    return _EXACT.add(left, right)
