"""Benchmark of the closure worker: requests executed per second with 1, 2 and 4 worker
processes on PostgreSQL (or SQLite), each run on a fresh set of due requests; or, with
``--cost``, one worker in this process against the commit floor of the same database.

    .venv/bin/python -m bench.worker [--requests 2000] [--workers 1,2,4] [--db postgresql]
    .venv/bin/python -m bench.worker --cost [--requests 300]

``--cost`` (PostgreSQL) first times the median INSERT + COMMIT on the raw driver
connection (the floor of one durable step), then closes and erases N accounts with
``run_once`` as the worker does, counting every round trip the driver makes (statements,
the BEGIN psycopg sends before a transaction's first statement, COMMIT, ROLLBACK, the
pool's pre-ping) and every COMMIT, per part of the pass (bench/closure_cost.py). It
prints seconds per closure / (11 x the floor): one closure's erasure is eleven committed
steps.

Each worker process loops ``run_once`` (claim with SKIP LOCKED, re-check, close, run the
erasure plan, deliver the outbox into a mailbox directory) until a pass finds nothing to
do; the figure is accounts closed *and erased* per second of wall time, from the first
worker's start to the last's end. It also counts what was done twice (none may be).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from lastgate.closure.adapters.tables import account_freezes, closure_requests
from lastgate.erasure.adapters.tables import erasure_runs
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters.snapshot_io import import_snapshot, parse_snapshot
from lastgate.platform.db.engine import make_engine, migrate

POSTGRES_URL = os.environ.get(
    "LASTGATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
OUT = Path(__file__).parent / "out"


def _accounts(n: int, now: datetime) -> str:
    accounts = [
        {
            "uid": f"W{i:07d}",
            "jurisdiction": "EU",
            "status": "frozen",
            "email": f"w{i}@example.com",
            "phone": "+4915100000000",
            "created_at": (now - timedelta(days=900)).isoformat(),
            "kyc": {"status": "verified"},
            "orders": [
                {
                    "id": f"o{j}",
                    "product": "spot",
                    "symbol": "BTC/USDT",
                    "side": "buy",
                    "kind": "limit",
                    "status": "filled",
                    "quantity": "0.1",
                    "created_at": (now - timedelta(days=j + 30)).isoformat(),
                }
                for j in range(20)
            ],
        }
        for i in range(n)
    ]
    return json.dumps({"generated_at": now.isoformat(), "accounts": accounts})


def _prepare(url: str, n: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    import_snapshot(engine, parse_snapshot(_accounts(n, now)))
    ended = now - timedelta(minutes=1)
    with engine.begin() as conn:
        rows = [
            {
                "id": str(uuid.uuid4()),
                "uid": f"W{i:07d}",
                "state": "cooling_off",
                "reason": "fees",
                "reason_text": "",
                "created_at": now - timedelta(days=15),
                "updated_at": ended,
                "version": 4,
                "held_from": None,
                "needs_review": False,
                "needs_evidence": False,
                "cooling_off_ends_at": ended,
                "decided_by": "system",
                "decision_note": None,
                "factor_verified_at": now - timedelta(days=15),
            }
            for i in range(n)
        ]
        conn.execute(insert(closure_requests), rows)
        conn.execute(
            insert(account_freezes),
            [
                {
                    "id": str(uuid.uuid4()),
                    "uid": r["uid"],
                    "cause": "closure",
                    "frozen_at": ended,
                    "unfreeze_after": None,
                    "version": 1,
                }
                for r in rows
            ],
        )
    engine.dispose()


def _drain(url: str, mailbox: str) -> None:
    os.environ["LASTGATE_DATABASE_URL"] = url
    os.environ["LASTGATE_MAILBOX_DIR"] = mailbox
    from lastgate.app.worker import Passes, run_once

    settings = Settings()
    engine = make_engine(url)
    passes = Passes.build(settings, engine)  # once, as ``lastgate worker`` does
    while any(run_once(settings, engine, passes=passes).values()):  # until nothing is left
        pass


def _run(url: str, workers: int) -> tuple[float, int]:
    """(seconds, messages in the mailbox): delivered rows are erased with the customer."""
    with tempfile.TemporaryDirectory() as mailbox:
        procs = [
            multiprocessing.Process(target=_drain, args=(url, mailbox)) for _ in range(workers)
        ]
        start = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        seconds = time.perf_counter() - start
        return seconds, sum(1 for f in Path(mailbox).rglob("*") if f.is_file())


def _database(db: str, name: str) -> tuple[str, object]:
    if db == "sqlite":
        path = Path(tempfile.mkdtemp()) / f"{name}.db"
        return f"sqlite:///{path}", None
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_engine(POSTGRES_URL).url.set(database=name)
    return base.render_as_string(hide_password=False), admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--cost", action="store_true", help="closure cost vs the commit floor")
    parser.add_argument("--profile", action="store_true", help="with --cost: cProfile it")
    args = parser.parse_args()
    if args.cost:
        from bench.closure_cost import cost

        cost(args.requests if args.requests != 2000 else 300, profile=args.profile)
        return
    results = []
    for workers in [int(w) for w in args.workers.split(",")]:
        name = f"lastgate_bench_worker_{uuid.uuid4().hex[:8]}"
        url, admin = _database(args.db, name)
        try:
            _prepare(url, args.requests)
            seconds, delivered = _run(url, workers)
            engine = make_engine(url)
            with engine.connect() as conn:
                closed = conn.execute(
                    select(func.count())
                    .select_from(closure_requests)
                    .where(closure_requests.c.state == "closed")
                ).scalar_one()
                erased = conn.execute(
                    select(func.count())
                    .select_from(erasure_runs)
                    .where(erasure_runs.c.finished_at.is_not(None))
                ).scalar_one()
                doubled = conn.execute(
                    text(
                        "SELECT count(*) FROM (SELECT subject FROM audit_log WHERE action = "
                        "'closure.complete' GROUP BY subject HAVING count(*) > 1) t"
                    )
                ).scalar_one()
            engine.dispose()
        finally:
            if admin is not None:
                with admin.connect() as conn:  # type: ignore[attr-defined]
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        rate = min(closed, erased) / seconds
        results.append(
            {
                "db": args.db,
                "workers": workers,
                "requests": args.requests,
                "closed": closed,
                "erased": erased,
                "notices_delivered": delivered,
                "closed_twice": doubled,
                "seconds": round(seconds, 2),
                "per_second": round(rate, 1),
            }
        )
        print(
            f"{args.db:10} workers={workers}  closed {closed}/{args.requests}, erased {erased}, "
            f"{delivered} notices (closed twice: {doubled}) in {seconds:6.2f} s "
            f"= {rate:7.1f} accounts/s"
        )
    base = results[0]["per_second"]
    for r in results:
        print(f"  {r['workers']} worker(s): {r['per_second'] / base:.2f}x the 1-worker rate")
    OUT.mkdir(exist_ok=True)
    (OUT / f"worker-{args.db}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
