"""Benchmark of audited transactions on PostgreSQL: one writer against two at once.

    .venv/bin/python -m bench.audit_chain [--transactions 400] [--work-ms 0,20] [--rounds 3]

Each writer is a thread with its own connection that runs N transactions, each: append one
audit entry (``audit_log.append``), then ``pg_sleep(work)`` standing for the rest of the
transaction's work (a closure step writes more after its entry), then COMMIT. It is run
twice per work figure:

* ``sealed``: the append as it is (an insert; no lock another writer needs);
* ``head-locked``: the same, plus the statement every append used to begin with
  (``UPDATE audit_head ... WHERE id = 1``), which holds the head's row lock to COMMIT.

For each it prints transactions per second with one writer and with two, and the ratio
two / one (2.0 = writers never wait for each other, 1.0 = one at a time). Then it times
sealing everything written (``audit_log.seal``) and verifying the chain. Each mode runs on
the bench's own database, created at ``LASTGATE_BENCH_POSTGRES_URL`` and dropped after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, text, update
from sqlalchemy.engine import make_url

from lastgate.platform import audit_log
from lastgate.platform.db.audit_tables import audit_head
from lastgate.platform.db.engine import make_engine, migrate

POSTGRES_URL = os.environ.get(
    "LASTGATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
OUT = Path(__file__).parent / "out"


def _transaction(conn: Connection, *, head_locked: bool, work_s: float, i: int) -> None:
    with conn.begin():
        if head_locked:  # what every append began with before 0010
            conn.execute(
                update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq)
            )
        audit_log.append(
            conn,
            now=datetime.now(UTC),
            actor="bench",
            action="closure.step",
            subject=f"closure:{i}",
            payload={"i": i, "step": "bench"},
        )
        if work_s:
            conn.execute(text("SELECT pg_sleep(:s)"), {"s": work_s})


def _run(engine: Engine, writers: int, n: int, work: Callable[[Connection, int], None]) -> float:
    """Transactions per second of ``writers`` threads, each running ``n`` transactions."""
    start = threading.Barrier(writers + 1)

    def writer(w: int) -> None:
        with engine.connect() as conn:
            work(conn, -1)  # warm the connection and the statement cache
            start.wait()
            for i in range(n):
                work(conn, w * n + i)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return writers * n / (time.perf_counter() - began)


def _database() -> tuple[Engine, Callable[[], None]]:
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lastgate_bench_audit_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(
        make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False),
        pool_size=4,
    )
    migrate(engine)

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=400, help="per writer and run")
    parser.add_argument("--work-ms", default="0,20", help="work after the append, comma list")
    parser.add_argument("--rounds", type=int, default=3, help="median of this many runs")
    args = parser.parse_args()
    load_before = os.getloadavg()
    engine, drop = _database()
    rows = []
    try:
        for work_ms in (float(x) for x in args.work_ms.split(",")):
            for mode in ("sealed", "head-locked"):

                def work(conn: Connection, i: int, m: str = mode, w: float = work_ms) -> None:
                    _transaction(conn, head_locked=m == "head-locked", work_s=w / 1000, i=i)

                ones, twos = [], []
                for _ in range(args.rounds):  # interleaved, so a noisy spell hits both
                    ones.append(_run(engine, 1, args.transactions, work))
                    twos.append(_run(engine, 2, args.transactions, work))
                one, two = statistics.median(ones), statistics.median(twos)
                rows.append({"work_ms": work_ms, "mode": mode, "one": one, "two": two})
        with engine.connect() as conn:
            written = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        began = time.perf_counter()
        sealed = audit_log.seal(engine)
        seal_s = time.perf_counter() - began
        began = time.perf_counter()
        check = audit_log.verify(engine)
        verify_s = time.perf_counter() - began
    finally:
        drop()
    load = os.getloadavg()
    print(
        f"PostgreSQL, {args.transactions} transactions per writer and run, "
        f"median of {args.rounds} runs"
    )
    print(f"load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}")
    print(f"load average (1/5/15 min) after:  {' '.join(f'{x:.2f}' for x in load)}")
    print("| work after append | append | 1 writer tx/s | 2 writers tx/s | 2 / 1 |")
    print("|---:|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['work_ms']:g} ms | {r['mode']} | {r['one']:.0f} | {r['two']:.0f} "
            f"| **{r['two'] / r['one']:.2f}** |"
        )
    print(
        f"sealed {sealed} of {written} entries in {seal_s:.2f} s "
        f"({sealed / seal_s:.0f}/s); verified {check.head[0]} in {verify_s:.2f} s, "
        f"intact={check.intact}"
    )
    OUT.mkdir(exist_ok=True)
    (OUT / "audit_chain.json").write_text(
        json.dumps(
            {
                "runs": rows,
                "sealed": sealed,
                "seal_s": seal_s,
                "verify_s": verify_s,
                "intact": check.intact,
                "loadavg_before": load_before,
                "loadavg_after": load,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
