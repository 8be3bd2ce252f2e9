"""Benchmark of erasure: one customer with 1,000,000 trade rows, and 10,000 ordinary
customers, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.erasure [--db sqlite|postgresql|both] [--trades 1000000]
                                      [--customers 10000]

Rows are generated inside the database (a recursive CTE on SQLite, generate_series on
PostgreSQL), then the erasure plans run exactly as the worker runs them; the figure is
wall time and rows per second (rows = ledger rows the plan sealed, moved or deleted).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, func, insert, select, text

from bench.worker import _database
from lastgate.erasure.adapters.tables import erasure_runs, erasure_steps
from lastgate.erasure.wiring import run_pending
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db.engine import make_engine, migrate
from lastgate.platform.policy_files import PolicyDirectory

OUT = Path(__file__).parent / "out"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _customers(engine: Engine, n: int, orders_each: int, *, extras: bool) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(ledger.customers),
            [
                {
                    "uid": f"E{i:07d}",
                    "jurisdiction": "EU",
                    "status": "closed",
                    "email": f"e{i}@example.com",
                    "phone": f"+49151{i:07d}",
                    "full_name": f"Person {i}",
                    "id_number": f"ID{i:07d}",
                    "kyc_status": "verified",
                    "kyc_level": 2,
                    "kyc_applicant_mismatch": False,
                    "created_at": NOW - timedelta(days=900),
                }
                for i in range(n)
            ],
        )
        series = (
            "generate_series(1, :k) AS g(n)"
            if conn.dialect.name == "postgresql"
            else "(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g "
            "WHERE n < :k) SELECT n FROM g) AS g"
        )
        created = "'2025-06-01 10:00:00'" + (
            "::timestamptz" if conn.dialect.name == "postgresql" else ""
        )
        conn.execute(
            text(
                "INSERT INTO orders (customer_id, ref, product, symbol, side, kind, status, "
                "quantity, price, created_at) "
                f"SELECT c.id, 'o' || g.n, 'spot', 'BTC/USDT', 'buy', 'limit', 'filled', "
                f"'0.01', '80000', {created} FROM customers c, {series}"
            ),
            {"k": orders_each},
        )
        if extras:
            _ordinary_history(conn, series, created)
        conn.execute(
            insert(erasure_runs),
            [
                {
                    "id": str(uuid.uuid4()),
                    "uid": f"E{i:07d}",
                    "closure_id": str(uuid.uuid4()),
                    "closed_at": NOW,
                    "started_at": NOW,
                }
                for i in range(n)
            ],
        )


def _ordinary_history(conn: Connection, series: str, created: str) -> None:
    """What an ordinary closed customer leaves besides trades: zeroed balances in three
    assets, four settled transfers with addresses, two security events, a revoked key."""
    statements = [
        "INSERT INTO balances (customer_id, account_type, asset, available, frozen) "
        "SELECT c.id, 'funding', a.asset, '0', '0' FROM customers c, "
        "(SELECT 'BTC' AS asset UNION ALL SELECT 'ETH' UNION ALL SELECT 'USDT') AS a",
        "INSERT INTO transfers (customer_id, ref, direction, asset, amount, status, network, "
        "address, created_at, completed_at) "
        "SELECT c.id, 't' || g.n, CASE WHEN g.n % 2 = 0 THEN 'withdrawal' ELSE 'deposit' END, "
        "'BTC', '0.05', 'completed', 'bitcoin', 'bc1q' || c.uid || g.n, "
        f"{created}, {created} FROM customers c, {series.replace(':k', '4')}",
        "INSERT INTO security_events (customer_id, kind, occurred_at) "
        f"SELECT c.id, k.kind, {created} FROM customers c, "
        "(SELECT 'password' AS kind UNION ALL SELECT '2fa') AS k",
        "INSERT INTO api_keys (customer_id, ref, kind, label, created_at, revoked_at) "
        f"SELECT c.id, 'k' || c.id, 'api_key', 'bot of ' || c.uid, {created}, {created} "
        "FROM customers c",
    ]
    for statement in statements:
        conn.execute(text(statement))


def _erase(url: str, customers: int, orders_each: int, *, extras: bool) -> dict[str, float]:
    engine = make_engine(url)
    migrate(engine)
    t0 = time.perf_counter()
    _customers(engine, customers, orders_each, extras=extras)
    generated = time.perf_counter() - t0
    settings = Settings(database_url=url, evidence_dir=Path(tempfile.mkdtemp()))
    policies = PolicyDirectory.load()
    start = time.perf_counter()
    finished = 0
    while True:
        report = run_pending(engine, lambda: NOW, settings, policies, limit=1000)
        finished += len(report.finished)
        if not report.finished and not report.steps:
            break
    seconds = time.perf_counter() - start
    with engine.connect() as conn:
        steps = conn.execute(select(func.count()).select_from(erasure_steps)).scalar_one()
        rows = conn.execute(select(func.sum(erasure_steps.c.rows))).scalar_one()
    engine.dispose()
    return {
        "customers": customers,
        "orders_each": orders_each,
        "finished": finished,
        "steps": steps,
        "rows": int(rows or 0),
        "generate_s": round(generated, 1),
        "erase_s": round(seconds, 2),
        "rows_per_s": round((rows or 0) / seconds),
        "customers_per_s": round(finished / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--trades", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=10_000)
    args = parser.parse_args()
    results = []
    for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        for label, customers, orders, extras in (
            ("one heavy customer", 1, args.trades, False),
            ("many ordinary customers", args.customers, 20, True),
        ):
            name = f"lastgate_bench_erasure_{uuid.uuid4().hex[:8]}"
            url, admin = _database(db, name)
            try:
                figures = {
                    "db": db,
                    "case": label,
                    **_erase(url, customers, orders, extras=extras),
                }
            finally:
                if admin is not None:
                    with admin.connect() as conn:  # type: ignore[attr-defined]
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            results.append(figures)
            print(
                f"{db:10} {label:24} {figures['finished']:>6} erased in "
                f"{figures['erase_s']:8.2f} s  {figures['rows']:>9} rows  "
                f"{figures['rows_per_s']:>8} rows/s  {figures['customers_per_s']:>7} cust/s"
            )
    OUT.mkdir(exist_ok=True)
    (OUT / "erasure.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
