"""A synthetic reference ledger of N accounts with a realistic mix, bulk-loaded fast.

Rows are generated deterministically (one seed) as plain tuples and written in large
batches: SQLAlchemy Core executemany on SQLite, ``COPY`` through psycopg on PostgreSQL.
The snapshot validator is bypassed on purpose: it checks one account at a time, which
is right for an import and far too slow for millions of rows.

Most accounts are small (a few balances, a short order history, a few transfers); one in
``HEAVY_EVERY`` holds 200 assets and 10,000 past orders.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, insert, text

from lastgate.ledger.adapters import tables as t

#: Bump when the generated data changes, so cached databases are rebuilt.
GENERATOR_VERSION = 1
#: The instant the ledger is generated for; the benchmark checks at this time.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HEAVY_EVERY = 1000
HEAVY_ASSETS = 200
HEAVY_ORDERS = 10_000
BATCH = 20_000
SEED = 20261123

COMMON = ["BTC", "ETH", "USDT", "USDC", "SOL", "XRP", "DOGE", "ADA", "TRX", "DOT", "LTC"]
COMMON += ["LINK", "AVAX", "SHIB", "BNB", "ATOM", "UNI", "EUR", "USD", "PEPE"]
TOKENS = [f"TKN{i:03d}" for i in range(1, 241)]
ACCOUNT_TYPES = ["funding", "trading", "margin", "futures", "options", "earn", "fiat"]
PLACES = [("EU", "DE")] * 45 + [("US", "US")] * 30 + [("SG", "SG")] * 15 + [("GB", "GB")] * 10
KYC = ["verified"] * 920 + ["pending"] * 40 + ["not_started"] * 20 + ["rejected"] * 10
KYC += ["disputed"] * 5 + ["expired"] * 5
ORDER_STATUS = ["filled"] * 60 + ["cancelled"] * 30 + ["expired"] * 2 + ["rejected"] * 2
ORDER_STATUS += ["open"] * 4 + ["partially_filled"] * 1 + ["trigger_pending"] * 1
ORDER_KINDS = ["limit"] * 6 + ["market"] * 3 + ["stop", "take_profit", "oco"]
SECURITY = ["password", "email", "phone", "2fa"]


def is_heavy(index: int) -> bool:
    return index % HEAVY_EVERY == HEAVY_EVERY // 2


def uid_of(index: int) -> str:
    return f"U{index:08d}"


def heavy_uids(accounts: int) -> list[str]:
    return [uid_of(i) for i in range(1, accounts + 1) if is_heavy(i)]


def _prices() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    known = {"BTC": "90000", "ETH": "3000", "USDT": "1", "USDC": "1", "USD": "1", "EUR": "1.08"}
    rows = []
    for asset in COMMON + TOKENS[:-20]:  # the last 20 tokens are delisted: no price
        price = known.get(asset) or f"{rng.uniform(0.00001, 500):.6f}"
        rows.append({"asset": asset, "price_usd": Decimal(price), "updated_at": NOW})
    return rows


#: Columns written per table, in the order of the generated tuples.
COLUMNS: dict[Table, tuple[str, ...]] = {
    t.customers: (
        "id",
        "uid",
        "jurisdiction",
        "status",
        "email",
        "country",
        "kyc_status",
        "kyc_level",
        "kyc_applicant_mismatch",
        "created_at",
    ),
    t.balances: ("customer_id", "account_type", "asset", "available", "frozen"),
    t.orders: (
        "customer_id",
        "ref",
        "product",
        "symbol",
        "side",
        "kind",
        "status",
        "quantity",
        "price",
        "created_at",
    ),
    t.transfers: (
        "customer_id",
        "ref",
        "direction",
        "asset",
        "amount",
        "status",
        "network",
        "created_at",
        "expected_completion_at",
        "completed_at",
    ),
    t.security_events: ("customer_id", "kind", "occurred_at"),
    t.api_keys: (
        "customer_id",
        "ref",
        "kind",
        "label",
        "created_at",
        "expires_at",
        "revoked_at",
    ),
    t.earn_subscriptions: (
        "customer_id",
        "ref",
        "kind",
        "asset",
        "amount",
        "status",
        "matures_at",
    ),
    t.automations: ("customer_id", "ref", "kind", "status", "created_at"),
    t.positions: ("customer_id", "ref", "product", "symbol", "size", "opened_at"),
    t.loans: ("customer_id", "ref", "kind", "asset", "outstanding", "opened_at"),
    t.p2p_orders: ("customer_id", "ref", "status", "asset", "amount", "created_at"),
    t.disputes: ("customer_id", "ref", "kind", "status", "opened_at"),
    t.sub_accounts: ("customer_id", "sub_uid", "status"),
    t.holds: ("customer_id", "ref", "kind", "reason", "placed_by", "placed_at", "lifted_at"),
}


class _Rows:
    """Per-table row buffers (tuples in column order) for one batch of accounts."""

    def __init__(self) -> None:
        self.by_table: dict[Table, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}

    def add(self, table: Table, *values: Any) -> None:
        self.by_table[table].append(values)

    def count(self) -> int:
        return sum(len(rows) for rows in self.by_table.values())


def _ago(rng: random.Random, days: float) -> datetime:
    return NOW - timedelta(seconds=int(rng.random() * days * 86400))


def _amount(rng: random.Random) -> Decimal:
    roll = rng.random()
    if roll < 0.55:
        return Decimal(0)
    if roll < 0.75:
        return Decimal(f"{rng.uniform(0, 0.0001):.8f}")  # dust
    return Decimal(f"{rng.uniform(0, 50):.8f}")


def _account(rows: _Rows, rng: random.Random, cid: int) -> None:
    heavy = is_heavy(cid)
    jurisdiction, country = rng.choice(PLACES)
    uid = uid_of(cid)
    kyc = "verified" if heavy else rng.choice(KYC)
    rows.add(
        t.customers,
        cid,
        uid,
        jurisdiction,
        "active",
        f"{uid.lower()}@bench.test",
        country,
        kyc,
        2 if kyc == "verified" else 0,
        rng.random() < 0.002,
        _ago(rng, 2000),
    )
    _balances(rows, rng, cid, heavy)
    _orders(rows, rng, cid, HEAVY_ORDERS if heavy else rng.randint(0, 12))
    _transfers(rows, rng, cid, 500 if heavy else rng.randint(1, 6))
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        rows.add(t.security_events, cid, rng.choice(SECURITY), _ago(rng, 700))
    _extras(rows, rng, cid, heavy)


def _balances(rows: _Rows, rng: random.Random, cid: int, heavy: bool) -> None:
    if heavy:
        pairs = [(ACCOUNT_TYPES[i % 3], asset) for i, asset in enumerate((COMMON + TOKENS)[:200])]
    else:
        pairs = {
            (rng.choice(ACCOUNT_TYPES[:3]), rng.choice(COMMON)) for _ in range(rng.randint(1, 5))
        }
    for account_type, asset in sorted(pairs):
        frozen = Decimal(0) if rng.random() < 0.9 else Decimal("0.5")
        rows.add(t.balances, cid, account_type, asset, _amount(rng), frozen)


def _orders(rows: _Rows, rng: random.Random, cid: int, count: int) -> None:
    for n in range(count):
        base = rng.choice(COMMON[:12])
        rows.add(
            t.orders,
            cid,
            f"O{cid}-{n}",
            "spot" if rng.random() < 0.85 else "perpetual",
            f"{base}/USDT",
            rng.choice(("buy", "sell")),
            rng.choice(ORDER_KINDS),
            rng.choice(ORDER_STATUS),
            Decimal(f"{rng.uniform(0.001, 10):.6f}"),
            Decimal(f"{rng.uniform(0.01, 90000):.2f}"),
            _ago(rng, 1000),
        )


def _transfers(rows: _Rows, rng: random.Random, cid: int, count: int) -> None:
    for n in range(count):
        roll = rng.random()
        status = "completed" if roll < 0.96 else ("failed" if roll < 0.98 else "confirming")
        created = _ago(rng, 60 if rng.random() < 0.3 else 1000)
        in_flight = status == "confirming"
        rows.add(
            t.transfers,
            cid,
            f"T{cid}-{n}",
            "deposit" if rng.random() < 0.6 else "withdrawal",
            rng.choice(COMMON[:8]),
            Decimal(f"{rng.uniform(0.01, 2000):.4f}"),
            status,
            "ERC20",
            created,
            created + timedelta(hours=1) if in_flight else None,
            None if in_flight else created + timedelta(minutes=20),
        )


def _extras(rows: _Rows, rng: random.Random, cid: int, heavy: bool) -> None:
    """The rarer things: keys, earn, bots, derivatives, loans, P2P, disputes, holds."""
    rate = 5.0 if heavy else 1.0
    if rng.random() < 0.10 * rate:
        for n in range(rng.randint(1, 2)):
            created = _ago(rng, 700)
            revoked = created + timedelta(days=30) if rng.random() < 0.5 else None
            rows.add(t.api_keys, cid, f"K{cid}-{n}", "api_key", "bot", created, None, revoked)
    if rng.random() < 0.08 * rate:
        status = rng.choice(("active", "redeemed", "redeemed"))
        rows.add(
            t.earn_subscriptions,
            cid,
            f"E{cid}",
            "locked",
            "ETH",
            Decimal("1.5"),
            status,
            NOW + timedelta(days=30),
        )
    if rng.random() < 0.05 * rate:
        status = rng.choice(("active", "paused", "stopped"))
        rows.add(t.automations, cid, f"A{cid}", "recurring_buy", status, _ago(rng, 400))
    if rng.random() < 0.03 * rate:
        size = Decimal("0") if rng.random() < 0.5 else Decimal("-0.25")
        rows.add(t.positions, cid, f"P{cid}", "perpetual", "BTCUSDT-PERP", size, _ago(rng, 60))
    if rng.random() < 0.02 * rate:
        outstanding = Decimal("0") if rng.random() < 0.5 else Decimal("350")
        rows.add(t.loans, cid, f"L{cid}", "margin_borrow", "USDT", outstanding, _ago(rng, 90))
    if rng.random() < 0.02 * rate:
        status = rng.choice(("completed", "completed", "cancelled", "paid"))
        rows.add(t.p2p_orders, cid, f"Q{cid}", status, "USDT", Decimal("200"), _ago(rng, 200))
    if rng.random() < 0.005 * rate:
        rows.add(
            t.disputes,
            cid,
            f"D{cid}",
            "chargeback",
            rng.choice(("open", "resolved")),
            _ago(rng, 90),
        )
    if rng.random() < 0.01 * rate:
        rows.add(t.sub_accounts, cid, f"S{cid}", rng.choice(("active", "closed")))
    if rng.random() < 0.01 * rate:
        placed = _ago(rng, 300)
        lifted = placed + timedelta(days=2) if rng.random() < 0.6 else None
        kind = rng.choice(("risk_lock", "risk_lock", "aml_investigation", "judicial_freeze"))
        rows.add(t.holds, cid, f"H{cid}", kind, "synthetic", "bench", placed, lifted)


def generate(engine: Engine, accounts: int, *, progress: bool = True) -> int:
    """Fill an empty, migrated database with ``accounts`` accounts; returns rows written."""
    rng = random.Random(SEED)
    write = _copy_writer if engine.dialect.name == "postgresql" else _core_writer
    with engine.begin() as conn:
        conn.execute(insert(t.asset_prices), _prices())
    written = 0
    step = max(1, BATCH // 20)
    for start in range(1, accounts + 1, step):
        rows = _Rows()
        for cid in range(start, min(start + step, accounts + 1)):
            _account(rows, rng, cid)
        write(engine, rows)
        written += rows.count()
        if progress and (start // step) % 10 == 0:
            print(
                f"  generated {min(start + step - 1, accounts):>9,} accounts, {written:>11,} rows"
            )
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('customers', 'id'), "
                    "(SELECT max(id) FROM customers))"
                )
            )
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return written


def _core_writer(engine: Engine, rows: _Rows) -> None:
    with engine.begin() as conn:
        for table, buffer in rows.by_table.items():
            if buffer:
                names = COLUMNS[table]
                conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in buffer])


def _copy_writer(engine: Engine, rows: _Rows) -> None:
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            for table, buffer in rows.by_table.items():
                if not buffer:
                    continue
                columns = ", ".join(COLUMNS[table])
                with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    for row in buffer:
                        copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def iter_uids(accounts: int) -> Iterator[str]:
    return (uid_of(i) for i in range(1, accounts + 1))
