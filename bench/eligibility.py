"""Eligibility benchmark: generate a ledger of N accounts, then time checks in-process and
over HTTP. ``python -m bench.eligibility --accounts 100000 --db sqlite`` (see README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bench import ledger_gen
from bench.inprocess import measure_checks, measure_split
from bench.over_http import measure_http, running_api
from bench.stats import table
from lastgate.platform.db.engine import make_engine, migrate

OUT = Path(__file__).resolve().parent / "out"
POSTGRES_URL = os.environ.get(
    "LASTGATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TARGET_MEDIAN_MS = 1.0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--sample", type=int, default=2000, help="UIDs timed in-process")
    parser.add_argument("--requests", type=int, default=2000, help="HTTP requests")
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 8],
        help="HTTP client threads, one run per comma-separated figure (default 1,8)",
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurement")
    return parser.parse_args()


@contextmanager
def sqlite_ledger(accounts: int) -> Iterator[str]:
    """A cached SQLite ledger file for ``accounts``; generated once per generator version."""
    path = OUT / f"ledger-{accounts}-v{ledger_gen.GENERATOR_VERSION}.sqlite"
    if path.exists():
        print(f"using cached ledger {path}")
        cached = make_engine(f"sqlite:///{path}")
        migrate(cached)  # its schema as this tree declares it (bench/bulk_sweep.py says why)
        cached.dispose()
    else:
        partial = path.with_suffix(".partial")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{partial}")
        _generate(engine, accounts)
        engine.dispose()
        partial.rename(path)
    yield f"sqlite:///{path}"


@contextmanager
def postgresql_ledger(accounts: int) -> Iterator[str]:
    """A fresh PostgreSQL database holding the ledger, dropped afterwards."""
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lastgate_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        _generate(engine, accounts)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _generate(engine: Engine, accounts: int) -> None:
    migrate(engine)
    print(f"generating {accounts:,} accounts ({engine.dialect.name}) ...")
    started = time.perf_counter()
    rows = ledger_gen.generate(engine, accounts)
    seconds = time.perf_counter() - started
    print(f"generated {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")


def main() -> int:
    args = _arguments()
    OUT.mkdir(parents=True, exist_ok=True)
    ledger = sqlite_ledger if args.db == "sqlite" else postgresql_ledger
    rng = random.Random(7)
    uids = list(ledger_gen.iter_uids(args.accounts))
    sample = rng.sample(uids, min(args.sample, len(uids)))
    heavy = ledger_gen.heavy_uids(args.accounts)
    results: dict[str, dict] = {}
    with ledger(args.accounts) as url:
        engine = make_engine(url)
        measure_checks(engine, sample[:200], ledger_gen.NOW)  # warm up
        results["in-process check, random sample"] = measure_checks(engine, sample, ledger_gen.NOW)
        split = measure_split(engine, sample, ledger_gen.NOW)
        results["  of which: read state (load)"] = split["load"]
        results["  of which: evaluate checks"] = split["evaluate"]
        if heavy:
            results["in-process check, heavy accounts"] = measure_checks(
                engine, heavy, ledger_gen.NOW
            )
        engine.dispose()
        if not args.no_http:
            targets = [rng.choice(uids) for _ in range(args.requests)]
            with running_api(url) as base:
                for threads in args.concurrency:
                    name = f"HTTP GET eligibility, {threads} client(s)"
                    results[name] = measure_http(base, targets, threads)
    _report(args, results)
    return 0


def _report(args: argparse.Namespace, results: dict[str, dict]) -> None:
    median = results["in-process check, random sample"]["median_ms"]
    verdict = "met" if median < TARGET_MEDIAN_MS else "NOT met"
    print()
    print(table(results))
    if args.db == "sqlite":
        print(f"\ntarget: in-process median < {TARGET_MEDIAN_MS} ms on SQLite -> {verdict}")
    document = {
        "command": " ".join(["python -m bench.eligibility", *sys.argv[1:]]),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "db": args.db,
        "accounts": args.accounts,
        "generator_version": ledger_gen.GENERATOR_VERSION,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": results,
    }
    path = OUT / f"eligibility-{args.db}.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written {path}")


if __name__ == "__main__":
    raise SystemExit(main())
