"""Benchmark: the erasure verification scan's cost per customer as the ledger grows.

    .venv/bin/python -m bench.scan_scale [--db sqlite|postgresql] [--sizes 1000,10000,100000]
                                         [--sample 100] [--rounds 2] [--no-index]

For each size N, a fresh database (migrated to ``--revision``) gets the benchmark ledger
of N customers (``bench/ledger_gen.py``) plus what a running exchange accumulates around
it: an address on every transfer, a phone, name and ID number on every customer, four
audit entries and two delivered notices per customer, and for one customer in ten a
closed closure request, a freeze, a review approval and a finished erasure run with its
certificate; one in twenty has a desk ticket with a message. Then ``--sample`` customers
spread over the ledger are closed and erased by the real erasure plan (``run_pending``),
and the scan (``lastgate.erasure.adapters.scan.scan``) is timed on each of them,
``--rounds`` times. It prints the per-customer scan cost at each size and its ratio to
the first size, and what the writes cost (ledger generation, then the history; CPU
seconds of this process and of the database server's backends, and wall time), so the
cost the indexes add to writing can be read by running with ``--no-index`` (the same
schema without the token index of migration 0011: on PostgreSQL its GIN indexes, on
SQLite its table and triggers, so that the scan searches the tables themselves) and
without. CPU time is the figure to compare:
on a shared machine wall time mostly measures the other load.
Writes ``bench/out/scan-scale-<db>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

from bench import ledger_gen
from lastgate.erasure.adapters.scan import scan
from lastgate.erasure.adapters.tables import erasure_runs
from lastgate.erasure.wiring import run_pending
from lastgate.kernel.settings import Settings
from lastgate.platform.db import textsearch
from lastgate.platform.db.engine import make_engine, migrate
from lastgate.platform.policy_files import PolicyDirectory

OUT = Path(__file__).parent / "out"
POSTGRES_URL = os.environ.get(
    "LASTGATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
NOW = ledger_gen.NOW
CREATED = "'2026-06-01 10:00:00'"


def identifiers(cid: int) -> dict[str, str]:
    """What the history below stores for customer ``cid`` (and the scan looks for)."""
    uid = ledger_gen.uid_of(cid)
    return {
        "email": f"{uid.lower()}@bench.test",
        "phone": f"+49151{cid:08d}",
        "full_name": f"Bench Person {cid:08d}",
        "id_number": f"ID{cid:08d}X",
    }


def _history(conn: Connection) -> None:
    """The rows around the ledger, generated inside the database (one statement each)."""
    pg = conn.dialect.name == "postgresql"
    at = f"{CREATED}::timestamptz" if pg else CREATED
    pad = "lpad(c.id::text, 8, '0')" if pg else "substr('00000000' || c.id, -8, 8)"
    blob = "md5(c.id::text) || md5(c.uid)" if pg else "lower(hex(randomblob(32)))"
    four = "(SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) AS g"
    two = "(SELECT 1 AS n UNION ALL SELECT 2) AS g"
    statements = [
        f"UPDATE customers SET phone = '+49151' || {pad.replace('c.id', 'id')}, "
        f"full_name = 'Bench Person ' || {pad.replace('c.id', 'id')}, "
        f"id_number = 'ID' || {pad.replace('c.id', 'id')} || 'X'",
        "UPDATE transfers SET address = 'bc1q' || customer_id || 'x' || id",
        "INSERT INTO audit_log (occurred_at, actor, action, subject, payload, prev_hash, hash) "
        f"SELECT {at}, CASE WHEN g.n % 2 = 0 THEN c.uid ELSE 'system' END, 'bench.event', "
        "'closure:c-' || c.id, '{\"uid\": \"' || c.uid || '\", \"n\": ' || g.n || "
        "', \"note\": \"routine entry\"}', '0', 'h' || c.id || '-' || g.n "
        f"FROM customers c, {four}",
        "INSERT INTO outbox (id, created_at, channel, topic, recipient, subject_ref, payload, "
        "deliver_after, attempts, delivered_at) "
        f"SELECT 'o-' || c.id || '-' || g.n, {at}, 'email', 'closure.update', c.email, "
        '\'closure:c-\' || c.id, \'{"to": "\' || c.email || \'", "uid": "\' || c.uid || '
        f'\'", "text": "Your request was received."}}\', {at}, 1, {at} '
        f"FROM customers c, {two}",
        "INSERT INTO closure_requests (id, uid, state, reason, reason_text, created_at, "
        "updated_at, version, needs_review, needs_evidence, origin) "
        f"SELECT 'c-' || c.id, c.uid, 'closed', 'other', 'Moving to another exchange', {at}, "
        f"{at}, 3, false, false, 'customer' FROM customers c WHERE c.id % 10 = 0",
        "INSERT INTO account_freezes (id, uid, cause, frozen_at, version) "
        f"SELECT 'f-' || c.id, c.uid, 'closure', {at}, 1 FROM customers c WHERE c.id % 10 = 0",
        "INSERT INTO approvals (subject, kind, actor, decision, note, decided_at) "
        f"SELECT 'closure:c-' || c.id, 'review', 'agent-7', 'approve', 'Checked the holds', "
        f"{at} FROM customers c WHERE c.id % 10 = 0",
        "INSERT INTO erasure_runs (id, uid, closure_id, closed_at, started_at, finished_at, "
        "certificate) "
        f"SELECT 'r-' || c.id, c.uid, 'c-' || c.id, {at}, {at}, {at}, "
        '\'{"uid": "\' || c.uid || \'", "closure_id": "c-\' || c.id || \'", '
        '"categories": "identity, contact, account data, trading history, transfers, '
        'support correspondence, device and log data", "scan": {"passed": true}, '
        f'"signature": "\' || {blob} || \'"}}\' FROM customers c WHERE c.id % 10 = 0',
        "INSERT INTO tickets (id, uid, category, subject, state, queue, created_at, updated_at, "
        "version) "
        f"SELECT 't-' || c.id, c.uid, 'closure', 'Question about closing my account', "
        f"'resolved', 'general', {at}, {at}, 1 FROM customers c WHERE c.id % 20 = 0",
        "INSERT INTO ticket_messages (id, ticket_id, seq, author, author_role, visibility, "
        "body, redacted, created_at) "
        f"SELECT 'm-' || c.id, 't-' || c.id, 1, c.uid, 'customer', 'public', "
        "'Hello, please close my account, you can reach me at ' || c.email, '', "
        f"{at} FROM customers c WHERE c.id % 20 = 0",
    ]
    # The entries above are outside the chain: the next append follows the last of them.
    statements.append(
        "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_log), "
        "hash = (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)"
    )
    if pg:
        statements.append(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), "
            "(SELECT max(seq) FROM audit_log))"
        )
    for statement in statements:
        conn.execute(text(statement))


def _sample(size: int, sample: int) -> list[int]:
    """Customers spread over the ledger, none with a history of closing (id % 10 == 5)."""
    step = max(10, (size // sample) // 10 * 10)
    return [cid for cid in range(5, size + 1, step)][:sample]


def _erase(engine: Engine, url: str, cids: list[int]) -> None:
    with engine.begin() as conn:
        ids = ",".join(map(str, cids))
        conn.execute(text(f"UPDATE customers SET status = 'closed' WHERE id IN ({ids})"))
        conn.execute(
            erasure_runs.insert(),
            [
                {
                    "id": str(uuid.uuid4()),
                    "uid": ledger_gen.uid_of(cid),
                    "closure_id": str(uuid.uuid4()),
                    "closed_at": NOW,
                    "started_at": NOW,
                }
                for cid in cids
            ],
        )
    settings = Settings(database_url=url, evidence_dir=Path(tempfile.mkdtemp()))
    policies = PolicyDirectory.load()
    while True:
        report = run_pending(engine, lambda: NOW, settings, policies, limit=1000)
        if not report.finished and not report.steps:
            break


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_cpu(conn: Connection) -> float:
    """CPU seconds the PostgreSQL backend serving ``conn`` has used (it runs here too)."""
    if conn.dialect.name != "postgresql":
        return 0.0
    return _cpu_of(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _cpu(engine: Engine) -> float:
    """CPU seconds of this process and of every PostgreSQL backend of its database (the
    pool keeps them open between the two readings)."""
    if engine.dialect.name != "postgresql":
        return time.process_time()
    with engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).scalars()
        return time.process_time() + sum(_cpu_of(pid) for pid in pids)


def _time_scans(engine: Engine, cids: list[int], rounds: int) -> tuple[list[float], float, int]:
    """Wall time of each scan, CPU seconds per scan (this process and the database
    server's backend: robust to other load on the machine), findings."""
    timings: list[float] = []
    findings = 0
    with engine.connect() as conn:
        for cid in cids[:3]:  # warm-up: caches, prepared statements
            scan(conn, uid=ledger_gen.uid_of(cid), customer_id=cid, identifiers=identifiers(cid))
        cpu = time.process_time() + _server_cpu(conn)
        for _ in range(rounds):
            for cid in cids:
                start = time.perf_counter()
                _, found = scan(
                    conn, uid=ledger_gen.uid_of(cid), customer_id=cid, identifiers=identifiers(cid)
                )
                timings.append(time.perf_counter() - start)
                findings += len(found)
        cpu = time.process_time() + _server_cpu(conn) - cpu
    return timings, cpu / len(timings), findings


def _database(db: str, name: str) -> tuple[str, Engine | None]:
    if db == "sqlite":
        return f"sqlite:///{Path(tempfile.mkdtemp()) / name}.db", None
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_engine(POSTGRES_URL).url.set(database=name).render_as_string(False), admin


def _size_mb(conn: Connection) -> float:
    """The database's size on disk, in MB."""
    if conn.dialect.name == "postgresql":
        query = "SELECT pg_database_size(current_database())"
    else:
        query = "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
    return round(conn.execute(text(query)).scalar_one() / 1e6, 1)


def _drop_indexes(engine: Engine) -> None:
    """The schema of ``head`` without the scan's token index (migration 0011; on
    PostgreSQL the functions stay: the scan's queries call them)."""
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        drop = textsearch.postgresql_drop(functions=False) if pg else textsearch.sqlite_drop()
        for statement in drop:
            conn.execute(text(statement))


def run_size(
    db: str, size: int, sample: int, rounds: int, revision: str, *, indexes: bool = True
) -> dict[str, Any]:
    name = f"lastgate_bench_scan_{uuid.uuid4().hex[:8]}"
    url, admin = _database(db, name)
    try:
        engine = make_engine(url)
        migrate(engine, revision)
        if not indexes:
            _drop_indexes(engine)
        start, cpu = time.perf_counter(), _cpu(engine)
        rows = ledger_gen.generate(engine, size, progress=False)
        generated, generated_cpu = time.perf_counter() - start, _cpu(engine) - cpu
        start, cpu = time.perf_counter(), _cpu(engine)
        with engine.begin() as conn:
            _history(conn)
        history, history_cpu = time.perf_counter() - start, _cpu(engine) - cpu
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            size_mb = _size_mb(conn)
        cids = _sample(size, sample)
        _erase(engine, url, cids)
        timings, cpu, findings = _time_scans(engine, cids, rounds)
        engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        elif url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    return {
        "db": db,
        "customers": size,
        "ledger_rows": rows,
        "database_mb": size_mb,
        "revision": revision,
        "indexes": indexes,
        "generate_s": round(generated, 2),
        "history_s": round(history, 2),
        "generate_cpu_s": round(generated_cpu, 2),
        "history_cpu_s": round(history_cpu, 2),
        "scanned": len(timings),
        "findings": findings,
        "scan_cpu_ms": round(cpu * 1000, 3),
        "scan_median_ms": round(statistics.median(timings) * 1000, 3),
        "scan_mean_ms": round(statistics.fmean(timings) * 1000, 3),
        "scan_p90_ms": round(sorted(timings)[int(len(timings) * 0.9)] * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--revision", default="head", help="migrate to this revision")
    parser.add_argument(
        "--no-index", action="store_true", help="drop the scan's token index (0011)"
    )
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {' '.join(load)}, db {args.db}")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        figures = run_size(
            args.db, size, args.sample, args.rounds, args.revision, indexes=not args.no_index
        )
        results.append(figures)
        base = results[0]["scan_cpu_ms"]
        print(
            f"{figures['customers']:>8,} customers {figures['ledger_rows']:>10,} ledger rows  "
            f"writes CPU {figures['generate_cpu_s']:6.1f} s + {figures['history_cpu_s']:5.1f} s "
            f"(wall {figures['generate_s']:.1f} + {figures['history_s']:.1f}), "
            f"{figures['database_mb']:,.0f} MB  "
            f"scan per customer: CPU {figures['scan_cpu_ms']:8.2f} ms "
            f"x{figures['scan_cpu_ms'] / base:.2f} of {results[0]['customers']:,}; wall median "
            f"{figures['scan_median_ms']:.2f} ms (p90 {figures['scan_p90_ms']:.2f})  "
            f"findings {figures['findings']}",
            flush=True,
        )
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average after: {' '.join(load)}")
    OUT.mkdir(exist_ok=True)
    (OUT / f"scan-scale-{args.db}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
