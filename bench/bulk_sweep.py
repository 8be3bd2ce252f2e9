"""Bulk sweep benchmark: the set-based eligibility sweep against the per-account loop.

``python -m bench.bulk_sweep [--accounts 1000000] [--db sqlite|postgresql|both]
[--loop-sample 2000]`` generates (or reuses) a ledger of N accounts, runs the sweep over
every account, times ``check_account`` on a random sample of UIDs and extrapolates it to
all N accounts, and prints seconds, accounts per second and the ratio (see README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bench import ledger_gen
from bench.eligibility import sqlite_ledger
from lastgate.eligibility.adapters.bulk import sweep
from lastgate.eligibility.service import check_account
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.db.engine import make_engine, migrate
from lastgate.platform.policy_files import PolicyDirectory

OUT = Path(__file__).resolve().parent / "out"
POSTGRES_URL = os.environ.get(
    "LASTGATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TARGET_POSTGRES_SECONDS = 60.0
TARGET_RATIO = 50.0
TARGET_DUCKDB_RATIO = 3.0
#: Marks a cached PostgreSQL ledger as completely generated (set last).
_COMPLETE = "lastgate bulk ledger complete"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--loop-sample", type=int, default=2000, help="UIDs timed with check_account"
    )
    parser.add_argument("--chunk", type=int, default=50_000, help="accounts per sweep chunk")
    parser.add_argument(
        "--generate-only", action="store_true", help="build (or find) the ledgers and stop"
    )
    parser.add_argument(
        "--duckdb",
        action="store_true",
        help="also replay the PostgreSQL sweep's statements in DuckDB on the same data "
        "(pip install -e '.[bench]')",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="with --duckdb: rounds of (sweep, DuckDB replay, PostgreSQL replay), one after "
        "the other; the best of each is kept (the machine is shared)",
    )
    parser.add_argument(
        "--drop-postgresql",
        action="store_true",
        help="drop the PostgreSQL ledger afterwards (default: keep it for the next run)",
    )
    return parser.parse_args()


@contextmanager
def postgresql_ledger(accounts: int, *, drop: bool) -> Iterator[str]:
    """A PostgreSQL ledger kept between runs (database ``lastgate_bulk_<N>_v<version>``).

    Generation takes minutes at a million accounts, so the database is reused when a
    previous run completed it. After loading, ``VACUUM ANALYZE`` leaves it as autovacuum
    would leave a production ledger: statistics and a visibility map (index-only scans).
    """
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lastgate_bulk_{accounts}_v{ledger_gen.GENERATOR_VERSION}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        comment = conn.execute(
            text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = :name"
            ),
            {"name": name},
        ).first()
        if comment is not None and comment[0] == _COMPLETE:
            print(f"using cached PostgreSQL ledger {name}")
            # Its schema as this tree declares it (a newer migration's index, say); a
            # tree older than the database needs it downgraded first (alembic refuses).
            cached = make_engine(url)
            migrate(cached)
            cached.dispose()
        else:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine = make_engine(url)
            _generate(engine, accounts)
            engine.dispose()
            vacuum = make_engine(url, isolation_level="AUTOCOMMIT")
            started = time.perf_counter()
            with vacuum.connect() as vconn:
                vconn.execute(text("VACUUM ANALYZE"))
            vacuum.dispose()
            print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")
            conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{_COMPLETE}'"))
    try:
        yield url
    finally:
        if drop:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _generate(engine: Engine, accounts: int) -> None:
    migrate(engine)
    print(f"generating {accounts:,} accounts ({engine.dialect.name}) ...", flush=True)
    started = time.perf_counter()
    rows = ledger_gen.generate(engine, accounts)
    seconds = time.perf_counter() - started
    print(f"generated {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")


def _count_rows(engine: Engine) -> dict[str, int]:
    names = ("customers", "balances", "orders", "positions", "transfers")
    with engine.connect() as conn:
        return {n: int(conn.execute(text(f"SELECT count(*) FROM {n}")).scalar_one()) for n in names}


def measure_sweep(engine: Engine, chunk: int) -> dict[str, Any]:
    """The set-based sweep over every account, timed end to end (rows consumed)."""
    policies = PolicyDirectory.load()
    started = time.perf_counter()
    result = sweep(engine, policies, ledger_gen.NOW, chunk_size=chunk)
    accounts = 0
    for _ in result:
        accounts += 1
    seconds = time.perf_counter() - started
    summary = result.summary
    return {
        "accounts": accounts,
        "seconds": round(seconds, 2),
        "accounts_per_s": round(accounts / seconds),
        "passing": summary.passing,
        "by_code": {code.value: n for code, n in sorted(summary.by_code.items())},
    }


def measure_loop(engine: Engine, uids: list[str], accounts: int) -> dict[str, Any]:
    """``check_account`` once per sampled UID; the mean extrapolated to ``accounts``."""
    reader = LedgerStateReader(engine)
    policies = PolicyDirectory.load()
    for uid in uids[:100]:  # warm up: pool, prepared statements, page cache
        check_account(uid, accounts=reader, policies=policies, clock=lambda: ledger_gen.NOW)
    started = time.perf_counter()
    for uid in uids:
        check_account(uid, accounts=reader, policies=policies, clock=lambda: ledger_gen.NOW)
    seconds = time.perf_counter() - started
    per_account = seconds / len(uids)
    return {
        "sample": len(uids),
        "sample_seconds": round(seconds, 2),
        "ms_per_account": round(per_account * 1000, 3),
        "accounts_per_s": round(1 / per_account),
        "extrapolated_seconds": round(per_account * accounts, 1),
    }


def _run(db: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = make_engine(url)
    rows = _count_rows(engine)
    print(f"[{db}] rows: {rows} (total {sum(rows.values()):,})", flush=True)
    swept = measure_sweep(engine, args.chunk)
    print(f"[{db}] sweep: {swept['seconds']} s, {swept['accounts_per_s']:,} accounts/s")
    uids = random.Random(7).sample(
        list(ledger_gen.iter_uids(args.accounts)), min(args.loop_sample, args.accounts)
    )
    loop = measure_loop(engine, uids, args.accounts)
    engine.dispose()
    ratio = loop["extrapolated_seconds"] / swept["seconds"]
    print(
        f"[{db}] loop: {loop['ms_per_account']} ms per account over {loop['sample']} random "
        f"UIDs, extrapolated to {args.accounts:,} accounts: {loop['extrapolated_seconds']} s"
    )
    print(f"[{db}] ratio loop / sweep: {ratio:.0f}x", flush=True)
    result = {"rows": rows, "sweep": swept, "loop": loop, "ratio": round(ratio, 1)}
    if args.duckdb and db == "postgresql":
        result["duckdb"] = measure_duckdb(url, args.chunk, args.repeat)
    return result


def measure_duckdb(url: str, chunk: int, repeat: int) -> dict[str, Any]:
    """The same statements, in DuckDB on a copy of the same tables (bench/duckdb_replay.py):
    ``repeat`` rounds of the timed sweep, DuckDB's replay and PostgreSQL's replay, one
    after the other, so that all three see the same load; the best of each is compared."""
    from bench import duckdb_replay

    engine = make_engine(url)
    statements = duckdb_replay.record(engine, ledger_gen.NOW, chunk)
    db, load_seconds, loaded = duckdb_replay.load(engine, statements)
    rounds = []
    for _ in range(max(1, repeat)):
        swept = measure_sweep(engine, chunk)["seconds"]
        seconds, fetched = duckdb_replay.replay(db, statements)
        pg_seconds, _ = duckdb_replay.replay_postgresql(engine, statements)
        rounds.append((swept, seconds, pg_seconds))
        print(
            f"[duckdb] round: sweep {swept:.2f} s, DuckDB {seconds:.2f} s, "
            f"PostgreSQL statements {pg_seconds:.2f} s",
            flush=True,
        )
    engine.dispose()
    swept, seconds, pg_seconds = (min(r[i] for r in rounds) for i in range(3))
    ratio = swept / seconds
    print(
        f"[duckdb] {len(statements)} statements replayed on {loaded:,} rows (loaded in "
        f"{load_seconds:.1f} s), best of {len(rounds)}: {seconds:.2f} s, {fetched:,} rows "
        f"fetched; the same statements on PostgreSQL, one after the other on one "
        f"connection, {pg_seconds:.2f} s ({pg_seconds / seconds:.2f}x); PostgreSQL sweep "
        f"{swept:.2f} s / DuckDB = {ratio:.2f}x (target <= {TARGET_DUCKDB_RATIO:.0f}x)",
        flush=True,
    )
    return {
        "statements": len(statements),
        "rows_loaded": loaded,
        "rounds": [[round(x, 3) for x in r] for r in rounds],
        "sweep_seconds": round(swept, 2),
        "seconds": round(seconds, 2),
        "rows_fetched": fetched,
        "postgresql_statements_seconds": round(pg_seconds, 2),
        "ratio": round(ratio, 2),
    }


def main() -> int:
    args = _arguments()
    OUT.mkdir(parents=True, exist_ok=True)
    databases = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results: dict[str, Any] = {}
    for db in databases:
        ledger = (
            sqlite_ledger(args.accounts)
            if db == "sqlite"
            else postgresql_ledger(args.accounts, drop=args.drop_postgresql)
        )
        with ledger as url:
            if not args.generate_only:
                results[db] = _run(db, url, args)
    if results:
        _report(args, results)
    return 0


def _report(args: argparse.Namespace, results: dict[str, Any]) -> None:
    print()
    print(f"{'db':<11} {'sweep s':>8} {'accounts/s':>11} {'loop s (extrap.)':>17} {'ratio':>7}")
    for db, r in results.items():
        print(
            f"{db:<11} {r['sweep']['seconds']:>8} {r['sweep']['accounts_per_s']:>11,} "
            f"{r['loop']['extrapolated_seconds']:>17} {r['ratio']:>6}x"
        )
    print(
        f"\nloop figures are check_account timed over {args.loop_sample} random UIDs and "
        f"extrapolated to {args.accounts:,} accounts"
    )
    if "postgresql" in results:
        pg = results["postgresql"]
        met = pg["sweep"]["seconds"] < TARGET_POSTGRES_SECONDS and pg["ratio"] >= TARGET_RATIO
        if "duckdb" in pg:
            met = met and pg["duckdb"]["ratio"] <= TARGET_DUCKDB_RATIO
        print(
            f"target (PostgreSQL sweep < {TARGET_POSTGRES_SECONDS:.0f} s, >= "
            f"{TARGET_RATIO:.0f}x the loop and, with --duckdb, <= {TARGET_DUCKDB_RATIO:.0f}x "
            f"DuckDB): {'met' if met else 'NOT met'}"
        )
    document = {
        "command": " ".join(["python -m bench.bulk_sweep", *sys.argv[1:]]),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "accounts": args.accounts,
        "generator_version": ledger_gen.GENERATOR_VERSION,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": results,
    }
    path = OUT / f"bulk-sweep-{args.db}-{args.accounts}.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written {path}")


if __name__ == "__main__":
    raise SystemExit(main())
