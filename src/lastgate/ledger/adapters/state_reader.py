"""The account-state port on the reference ledger: builds an ``AccountState`` from its tables.

One statement reads everything: a ``UNION ALL`` over the customer, the customer's rows in
every table and the prices of the assets involved, each branch tagged and mapped onto
the same twelve columns. It runs on the raw DBAPI connection: an eligibility check is the
hottest read lastgate has, and SQLAlchemy's per-statement overhead was most of its cost
(14 round trips; see bench/README.md). One statement also reads one consistent snapshot.

Rows come back in the same order on every database: security events, open orders and
transfers oldest first; balances by account type and asset; the rest by id.
(The per-table reader this replaced returned them in whatever order the plan gave.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from lastgate.kernel.errors import AccountNotFound
from lastgate.ledger import model as a
from lastgate.platform.db.types import read_amount, read_time, time_param


class LedgerStateReader:
    """Reads only what the checks need: open items, in-flight transfers, recent withdrawals."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def load(self, uid: str, *, withdrawals_since: datetime) -> a.AccountState:
        with self._engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # One statement is one snapshot, so no transaction is needed; without one
                # the pool's rollback on return is a no-op and psycopg keeps the statement
                # prepared (it forgets prepared statements on every rollback).
                conn.execution_options(isolation_level="AUTOCOMMIT")
            return read_account_state(conn, uid, withdrawals_since=withdrawals_since)


# -- the statement ----------------------------------------------------------------------

# Branch tags, in the order rows come back.
(
    CUSTOMER,
    SECURITY,
    BALANCE,
    PRICE,
    ORDER,
    POSITION,
    LOAN,
    EARN,
    AUTOMATION,
    P2P,
    DISPUTE,
    TRANSFER,
    API_KEY,
    SUB_ACCOUNT,
    HOLD,
) = range(15)


def _in(values: frozenset[Any]) -> str:
    # Domain enum values, not user input: safe to inline.
    return ", ".join(sorted(f"'{v.value}'" for v in values))


_CUSTOMER_ID = "(SELECT id FROM customers WHERE uid = :uid)"
_RECENT_TRANSFER = (
    f"(status IN ({_in(a.IN_FLIGHT_TRANSFER_STATUSES)}) OR "
    f"(direction = '{a.TransferDirection.WITHDRAWAL.value}' AND created_at >= :since))"
)

_OF_CUSTOMER = f"customer_id = {_CUSTOMER_ID}"
_PRICED = (
    f"asset IN (SELECT asset FROM balances WHERE {_OF_CUSTOMER}) OR asset IN "
    f"(SELECT asset FROM transfers WHERE {_OF_CUSTOMER} AND {_RECENT_TRANSFER})"
)
_OPEN_ORDER = f"{_OF_CUSTOMER} AND status IN ({_in(a.OPEN_ORDER_STATUSES)})"
_MISMATCH = "CASE WHEN kyc_applicant_mismatch THEN '1' ELSE '0' END"

# Every branch maps onto: tag, id, s1..s5 (text), a1, a2 (amounts), t1..t3 (times), and a
# sort time. Branch: (tag, table, id, texts, amounts, times, sort time, condition).
_BRANCHES: tuple[
    tuple[int, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str, str], ...
] = (
    (
        CUSTOMER,
        "customers",
        "",
        ("jurisdiction", "status", "kyc_status", _MISMATCH),
        (),
        (),
        "",
        "uid = :uid",
    ),
    (
        SECURITY,
        "security_events",
        "id",
        ("kind",),
        (),
        ("occurred_at",),
        "occurred_at",
        _OF_CUSTOMER,
    ),
    (
        BALANCE,
        "balances",
        "",
        ("account_type", "asset"),
        ("available", "frozen"),
        (),
        "",
        _OF_CUSTOMER,
    ),
    (PRICE, "asset_prices", "", ("asset",), ("price_usd",), (), "", _PRICED),
    (
        ORDER,
        "orders",
        "id",
        ("ref", "product", "symbol", "kind", "status"),
        (),
        ("created_at",),
        "created_at",
        _OPEN_ORDER,
    ),
    (POSITION, "positions", "id", ("ref", "product", "symbol"), ("size",), (), "", _OF_CUSTOMER),
    (LOAN, "loans", "id", ("ref", "kind", "asset"), ("outstanding",), (), "", _OF_CUSTOMER),
    (
        EARN,
        "earn_subscriptions",
        "id",
        ("ref", "kind", "asset", "status"),
        ("amount",),
        ("matures_at",),
        "",
        _OF_CUSTOMER,
    ),
    (AUTOMATION, "automations", "id", ("ref", "kind", "status"), (), (), "", _OF_CUSTOMER),
    (P2P, "p2p_orders", "id", ("ref", "status"), (), (), "", _OF_CUSTOMER),
    (DISPUTE, "disputes", "id", ("ref", "kind", "status"), (), (), "", _OF_CUSTOMER),
    (
        TRANSFER,
        "transfers",
        "id",
        ("ref", "direction", "asset", "status"),
        ("amount",),
        ("created_at", "expected_completion_at"),
        "created_at",
        f"{_OF_CUSTOMER} AND {_RECENT_TRANSFER}",
    ),
    (
        API_KEY,
        "api_keys",
        "id",
        ("ref", "kind", "label"),
        (),
        ("created_at", "expires_at", "revoked_at"),
        "",
        _OF_CUSTOMER,
    ),
    (SUB_ACCOUNT, "sub_accounts", "id", ("sub_uid", "status"), (), (), "", _OF_CUSTOMER),
    (
        HOLD,
        "holds",
        "id",
        ("ref", "kind", "reason"),
        (),
        ("placed_at", "lifted_at"),
        "",
        _OF_CUSTOMER,
    ),
)


def _padded(columns: tuple[str, ...], width: int, null: str) -> list[str]:
    return [*columns, *[null] * (width - len(columns))]


def _select(
    branch: tuple[int, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str, str],
) -> str:
    tag, table, id_, texts, amounts, times, sort_time, condition = branch
    columns = [
        str(tag),
        id_ or "{I}",
        *_padded(texts, 5, "{T}"),
        *_padded(amounts, 2, "{N}"),
        *_padded(times, 3, "{D}"),
        sort_time or "{D}",
    ]
    return f"SELECT {', '.join(columns)} FROM {table} WHERE {condition}"


# Security events, open orders and transfers oldest first (as the old per-table reader gave
# security events); the rest by id; balances (no id) by account type and asset.
# "{T}", "{N}", "{D}", "{I}" are NULLs typed for the dialect (PostgreSQL needs them typed).
_SQL = " UNION ALL ".join(map(_select, _BRANCHES)) + " ORDER BY 1, 13, 2, 3, 4"

_NULLS = {
    "sqlite": {"T": "NULL", "N": "NULL", "D": "NULL", "I": "NULL"},
    "postgresql": {
        "T": "CAST(NULL AS TEXT)",
        "N": "CAST(NULL AS NUMERIC)",
        "D": "CAST(NULL AS TIMESTAMP WITH TIME ZONE)",
        "I": "CAST(NULL AS BIGINT)",
    },
}
_STATEMENTS = {
    "sqlite": _SQL.format(**_NULLS["sqlite"]),
    "postgresql": _SQL.format(**_NULLS["postgresql"])
    .replace(":uid", "%(uid)s")
    .replace(":since", "%(since)s"),
}


# Values are read back as the column types would (platform/db/types.py holds the codec).
_Convert = Callable[[Any], Any]


def read_account_state(
    conn: Connection, uid: str, *, withdrawals_since: datetime
) -> a.AccountState:
    dialect = conn.dialect.name
    if dialect not in _STATEMENTS:
        raise NotImplementedError(f"the reference ledger does not support {dialect}")
    since = time_param(dialect, withdrawals_since)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_STATEMENTS[dialect], {"uid": uid, "since": since})
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows or rows[0][0] != CUSTOMER:
        raise AccountNotFound(f"no account with UID {uid}")
    return _state(uid, rows, read_time, read_amount)


def _state(uid: str, rows: list[Any], time: _Convert, amount: _Convert) -> a.AccountState:
    by_tag: dict[int, list[Any]] = {}
    for row in rows:
        by_tag.setdefault(row[0], []).append(row)

    def rows_of(tag: int) -> list[Any]:
        return by_tag.get(tag, [])

    customer = rows[0]
    return a.AccountState(
        uid=uid,
        jurisdiction=customer[2],
        status=a.CustomerStatus(customer[3]),
        kyc=a.Kyc(a.KycStatus(customer[4]), customer[5] == "1"),
        security_events=tuple(
            a.SecurityEvent(a.SecurityChange(r[2]), time(r[9])) for r in rows_of(SECURITY)
        ),
        balances=tuple(
            a.Balance(a.AccountType(r[2]), r[3], amount(r[7]), amount(r[8]))
            for r in rows_of(BALANCE)
        ),
        prices={r[2]: amount(r[7]) for r in rows_of(PRICE)},
        orders=tuple(
            a.Order(r[2], a.Product(r[3]), r[4], a.OrderKind(r[5]), a.OrderStatus(r[6]), time(r[9]))
            for r in rows_of(ORDER)
        ),
        positions=tuple(
            a.Position(r[2], a.Product(r[3]), r[4], amount(r[7])) for r in rows_of(POSITION)
        ),
        loans=tuple(a.Loan(r[2], a.LoanKind(r[3]), r[4], amount(r[7])) for r in rows_of(LOAN)),
        earn=tuple(_earn(r, time, amount) for r in rows_of(EARN)),
        automations=tuple(
            a.Automation(r[2], a.AutomationKind(r[3]), a.AutomationStatus(r[4]))
            for r in rows_of(AUTOMATION)
        ),
        p2p_orders=tuple(a.P2POrder(r[2], a.P2POrderStatus(r[3])) for r in rows_of(P2P)),
        disputes=tuple(
            a.Dispute(r[2], a.DisputeKind(r[3]), a.DisputeStatus(r[4])) for r in rows_of(DISPUTE)
        ),
        transfers=tuple(_transfer(r, time, amount) for r in rows_of(TRANSFER)),
        api_keys=tuple(
            a.ApiKey(r[2], a.ApiKeyKind(r[3]), r[4], time(r[9]), time(r[10]), time(r[11]))
            for r in rows_of(API_KEY)
        ),
        sub_accounts=tuple(
            a.SubAccount(r[2], a.SubAccountStatus(r[3])) for r in rows_of(SUB_ACCOUNT)
        ),
        holds=tuple(
            a.Hold(r[2], a.HoldKind(r[3]), r[4], time(r[9]), time(r[10])) for r in rows_of(HOLD)
        ),
    )


# Row constructors too long for one line of ``_state``, which stays under 60 lines.


def _earn(r: Any, time: _Convert, amount: _Convert) -> a.EarnSubscription:
    return a.EarnSubscription(
        r[2], a.EarnKind(r[3]), r[4], amount(r[7]), a.EarnStatus(r[5]), time(r[9])
    )


def _transfer(r: Any, time: _Convert, amount: _Convert) -> a.Transfer:
    return a.Transfer(
        r[2],
        a.TransferDirection(r[3]),
        r[4],
        amount(r[7]),
        a.TransferStatus(r[5]),
        time(r[9]),
        time(r[10]),
    )
