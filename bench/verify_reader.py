"""Check that ``LedgerStateReader`` reads exactly what the reference (per-table) reader does.

``python -m bench.verify_reader [--accounts N] [--sample K]`` compares the two on the
cached benchmark ledger (SQLite), on a fresh small ledger on PostgreSQL
(``LASTGATE_BENCH_POSTGRES_URL``) and on the demo data set.
Collections may differ only in order where the reference's order was unspecified.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine

from bench import ledger_gen
from bench.eligibility import postgresql_ledger
from bench.reference_reader import ReferenceStateReader
from lastgate.demo.customers import demo_expectations, demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.ledger.adapters.state_reader import LedgerStateReader
from lastgate.platform.db.engine import make_engine, migrate

OUT = Path(__file__).resolve().parent / "out"


def _canonical(state: object) -> dict[str, object]:
    """The state with every collection sorted: equal when only the order differs."""
    out: dict[str, object] = {}
    for f in fields(state):  # type: ignore[arg-type]
        value = getattr(state, f.name)
        out[f.name] = sorted(value, key=repr) if isinstance(value, tuple) else value
    return out


def compare(engine: Engine, uids: list[str], since: datetime) -> tuple[int, int, list[str]]:
    """(identical, equal up to order, differing UIDs)."""
    new, old = LedgerStateReader(engine), ReferenceStateReader(engine)
    same = reordered = 0
    differing = []
    for uid in uids:
        a, b = new.load(uid, withdrawals_since=since), old.load(uid, withdrawals_since=since)
        if a == b:
            same += 1
        elif _canonical(a) == _canonical(b):
            reordered += 1
        else:
            differing.append(uid)
    return same, reordered, differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--pg-accounts", type=int, default=3000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    failures = 0
    path = OUT / f"ledger-{args.accounts}-v{ledger_gen.GENERATOR_VERSION}.sqlite"
    if path.exists():
        engine = make_engine(f"sqlite:///{path}")
        uids = list(ledger_gen.iter_uids(args.accounts))
        uids = random.Random(3).sample(uids, min(args.sample, len(uids)))
        uids += ledger_gen.heavy_uids(args.accounts)
        failures += _report("bench ledger", compare(engine, uids, ledger_gen.NOW - timedelta(30)))
    if not args.no_postgres:
        with postgresql_ledger(args.pg_accounts) as url:
            engine = make_engine(url)
            uids = list(ledger_gen.iter_uids(args.pg_accounts))
            since = ledger_gen.NOW - timedelta(30)
            failures += _report("bench ledger (postgresql)", compare(engine, uids, since))
            engine.dispose()
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/demo.db")
        migrate(engine)
        import_snapshot(engine, demo_snapshot(now))
        uids = list(demo_expectations())
        failures += _report("demo (sqlite)", compare(engine, uids, now - timedelta(30)))
        engine.dispose()
    return 1 if failures else 0


def _report(name: str, result: tuple[int, int, list[str]]) -> int:
    same, reordered, differing = result
    print(f"{name}: {same} identical, {reordered} equal up to order, {len(differing)} differ")
    if differing:
        print("  differ:", ", ".join(differing[:20]))
    return len(differing)


if __name__ == "__main__":
    raise SystemExit(main())
