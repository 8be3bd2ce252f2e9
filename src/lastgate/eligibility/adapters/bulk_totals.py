"""The bulk sweep's total held per asset: ``available + frozen`` summed exactly per chunk.

NUMERIC sums on PostgreSQL; on SQLite, which has no exact decimal arithmetic, an aggregate
registered on the connection adds the decimal text in Python ``Decimal`` (docs/bulk.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Context, Decimal
from typing import Any

from sqlalchemy import Connection

from lastgate.eligibility.adapters import bulk_sql as q
from lastgate.eligibility.adapters.bulk_sql import Dialect
from lastgate.platform.db.types import amount_text

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
    # A zero test is exact in REAL (see bulk_sql._balances), and skips half the rows here.
    nonzero = f"({d.num('b.available')} <> 0 OR {d.num('b.frozen')} <> 0)"
    sql = (
        f"SELECT b.asset, {total} FROM balances b "
        f"WHERE {_range(d, filtered)} AND {nonzero} GROUP BY b.asset"
    )
    # q.fetch looked up when called: a recording of the sweep's statements sees this one.
    for asset, amount in q.fetch(conn, d, sql, params):
        yield asset, Decimal(amount)


def exact_add(left: Decimal, right: Decimal) -> Decimal:
    return _EXACT.add(left, right)
