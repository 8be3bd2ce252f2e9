"""What one closure (close + erase) costs the worker, against the commit floor of the same
PostgreSQL database: ``python -m bench.worker --cost [--requests 300] [--profile]``.

Round trips are counted on the driver (psycopg), not in SQLAlchemy, so the eligibility
reader's raw cursor, the pool's pre-ping and the BEGIN that psycopg sends before a
transaction's first statement are all seen:

- each ``Cursor.execute``/``executemany`` is one round trip (``executemany`` pipelines
  its rows), plus one for the BEGIN when the connection is idle and not in autocommit;
- each ``Connection.commit``/``rollback`` on a connection inside a transaction is one
  round trip (psycopg sends nothing when the connection is idle), and a commit one COMMIT;
- in pipeline mode (``lastgate.platform.db.pipeline``) statements are queued, not round
  trips: each sync, each fetch that waits for the server and the pipeline's end is one
  (a ``COMMIT`` sent as a statement still counts as a commit).

The server's own count of committed transactions (``pg_stat_database.xact_commit``, which
also counts every autocommit statement) is printed beside it.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg._pipeline_base import BasePipeline
from psycopg.pq import TransactionStatus
from sqlalchemy import text

import lastgate.app.worker as worker
from bench.worker import OUT, _database, _prepare
from lastgate.kernel.settings import Settings
from lastgate.platform.db.engine import make_engine

FLOOR_SAMPLES = 300
ERASURE_STEPS = 11  # ten plan steps and the finish (certificate), each one commit


class Counts:
    """Round trips and commits, attributed to the part of the pass that made them."""

    def __init__(self) -> None:
        self.part = "other"
        self.round_trips: Counter[str] = Counter()
        self.commits: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.cpu: Counter[str] = Counter()  # the part's own CPU (process time)
        self.pings = 0  # the pool's pre-ping: SQLAlchemy's psycopg dialect sends ";"
        self.cpu_seconds = 0.0  # this process's CPU: Python's share, whatever the load

    def trip(self, n: int = 1) -> None:
        self.round_trips[self.part] += n


COUNTS = Counts()


def _idle(conn: psycopg.Connection[Any]) -> bool:
    return conn.info.transaction_status == TransactionStatus.IDLE


def _piped(conn: psycopg.Connection[Any]) -> bool:
    return conn._pipeline is not None


@contextmanager
def _counting() -> Iterator[None]:
    """Patch psycopg's cursor, connection and pipeline to count what goes over the wire."""
    cursor, connection = psycopg.Cursor, psycopg.Connection
    saved: dict[str, Any] = {
        "execute": cursor.execute,
        "executemany": cursor.executemany,
        "fetch_pipeline": cursor._fetch_pipeline,
        "commit": connection.commit,
        "rollback": connection.rollback,
        "sync_gen": BasePipeline._sync_gen,
        "exit_gen": BasePipeline._exit_gen,
    }

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _piped(self.connection):  # queued; the BEGIN, if any, syncs (counted there)
            COUNTS.commits[COUNTS.part] += args[:1] == ("COMMIT",)
        else:
            COUNTS.trip(1 + (not self.connection.autocommit and _idle(self.connection)))
        COUNTS.pings += args[:1] == (";",)
        return saved["execute"](self, *args, **kwargs)

    def executemany(self: Any, *args: Any, **kwargs: Any) -> Any:
        # psycopg runs it in a pipeline of its own: its BEGIN and its end are counted there
        return saved["executemany"](self, *args, **kwargs)

    def fetch_pipeline(self: Any) -> Any:
        if self._execmany_returning is not False and not self.pgresult and _piped(self._conn):
            COUNTS.trip()
        return saved["fetch_pipeline"](self)

    def commit(self: Any) -> Any:
        if not _idle(self):
            COUNTS.trip(not _piped(self))  # in a pipeline the sync is the round trip
            COUNTS.commits[COUNTS.part] += 1
        return saved["commit"](self)

    def rollback(self: Any) -> Any:
        if not _idle(self):
            COUNTS.trip(not _piped(self))
        return saved["rollback"](self)

    def sync_gen(self: Any) -> Any:
        COUNTS.trip()
        return saved["sync_gen"](self)

    def exit_gen(self: Any) -> Any:
        COUNTS.trip()
        return saved["exit_gen"](self)

    cursor.execute, cursor.executemany = execute, executemany  # type: ignore[method-assign]
    cursor._fetch_pipeline = fetch_pipeline  # type: ignore[method-assign]
    connection.commit, connection.rollback = commit, rollback  # type: ignore[method-assign]
    BasePipeline._sync_gen, BasePipeline._exit_gen = sync_gen, exit_gen  # type: ignore[method-assign]
    try:
        yield
    finally:
        cursor.execute, cursor.executemany = saved["execute"], saved["executemany"]  # type: ignore[method-assign]
        cursor._fetch_pipeline = saved["fetch_pipeline"]  # type: ignore[method-assign]
        connection.commit, connection.rollback = saved["commit"], saved["rollback"]  # type: ignore[method-assign]
        BasePipeline._sync_gen = saved["sync_gen"]  # type: ignore[method-assign]
        BasePipeline._exit_gen = saved["exit_gen"]  # type: ignore[method-assign]


def _parted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        outer, COUNTS.part = COUNTS.part, name
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            COUNTS.seconds[name] += time.perf_counter() - start
            COUNTS.cpu[name] += time.process_time() - cpu
            COUNTS.part = outer

    return wrapped


#: The parts of ``run_once``: (module, the name it calls a part under, the part).
PARTS = (
    (worker, "execute_due", "claim + close"),
    (worker, "deliver_due", "outbox delivery"),
    (worker, "run_pending", "erasure"),
    (worker, "tick", "campaigns"),
    (worker.token_revocation, "purge_expired", "other"),
    (worker.audit_log, "seal", "audit seal"),
)


@contextmanager
def _parts() -> Iterator[None]:
    saved = [(owner, name, getattr(owner, name)) for owner, name, _part in PARTS]
    for (owner, name, function), (_o, _n, part) in zip(saved, PARTS, strict=True):
        setattr(owner, name, _parted(part, function))
    try:
        yield
    finally:
        for owner, name, function in saved:
            setattr(owner, name, function)


def commit_floor(url: str, samples: int = FLOOR_SAMPLES) -> list[float]:
    """Seconds of each INSERT and its COMMIT on the raw driver connection."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("CREATE TABLE bench_floor (id serial PRIMARY KEY, v text)")
        conn.commit()
        times = []
        for i in range(samples + 20):
            start = time.perf_counter()
            conn.execute("INSERT INTO bench_floor (v) VALUES (%s)", (str(i),))
            conn.commit()
            times.append(time.perf_counter() - start)
        conn.execute("DROP TABLE bench_floor")
        conn.commit()
    return times[20:]


def _server_commits(url: str) -> int:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.autocommit = True
        row = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        assert row is not None
        return int(row[0])


def _drain(url: str, mailbox: str, profile: bool) -> float:
    settings = Settings(database_url=url, mailbox_dir=Path(mailbox))
    engine = make_engine(url)
    passes = worker.Passes.build(settings, engine)  # once, as a running worker does
    profiler = cProfile.Profile() if profile else None
    cpu = time.process_time()
    start = time.perf_counter()
    with _counting(), _parts():
        if profiler is not None:
            profiler.enable()
        while any(worker.run_once(settings, engine, passes=passes).values()):
            pass
        if profiler is not None:
            profiler.disable()
    seconds = time.perf_counter() - start
    COUNTS.cpu_seconds = time.process_time() - cpu
    engine.dispose()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    return seconds


def cost(n: int, *, profile: bool = False) -> dict[str, Any]:
    name = f"lastgate_bench_cost_{uuid.uuid4().hex[:8]}"
    url, admin = _database("postgresql", name)
    try:
        _prepare(url, n)
        load = Path("/proc/loadavg").read_text().split()[:3]
        floor_before = commit_floor(url)
        before = _server_commits(url)
        with tempfile.TemporaryDirectory() as mailbox:
            seconds = _drain(url, mailbox, profile)
        server_commits = _server_commits(url) - before - 1  # less our own reading
        floor_after = commit_floor(url)  # the machine's load moves it: sampled both sides
        floor = statistics.median(floor_before + floor_after)
        engine = make_engine(url)
        with engine.connect() as conn:
            closed, erased = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM closure_requests WHERE state = 'closed'), "
                    "(SELECT count(*) FROM erasure_runs WHERE finished_at IS NOT NULL)"
                )
            ).one()
        engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:  # type: ignore[attr-defined]
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    assert closed == erased == n, (closed, erased, n)
    per_closure = seconds / n
    result = {
        "closures": n,
        "load_average": load,
        "commit_floor_ms": round(floor * 1000, 3),
        "commit_floor_before_after_ms": [
            round(statistics.median(floor_before) * 1000, 3),
            round(statistics.median(floor_after) * 1000, 3),
        ],
        "seconds": round(seconds, 2),
        "ms_per_closure": round(per_closure * 1000, 2),
        "worker_cpu_ms_per_closure": round(COUNTS.cpu_seconds * 1000 / n, 2),
        "ratio": round(per_closure / (ERASURE_STEPS * floor), 2),
        "round_trips_per_closure": round(sum(COUNTS.round_trips.values()) / n, 1),
        "commits_per_closure": round(sum(COUNTS.commits.values()) / n, 2),
        "server_commits_per_closure": round(server_commits / n, 2),
        "pre_pings_per_closure": round(COUNTS.pings / n, 1),
        "parts": {
            part: {
                "ms_per_closure": round(COUNTS.seconds[part] * 1000 / n, 2),
                "cpu_ms_per_closure": round(COUNTS.cpu[part] * 1000 / n, 2),
                "round_trips": round(COUNTS.round_trips[part] / n, 1),
                "commits": round(COUNTS.commits[part] / n, 2),
            }
            for part in sorted({p for _o, _n, p in PARTS} | set(COUNTS.round_trips))
        },
    }
    _print(result)
    OUT.mkdir(exist_ok=True)
    (OUT / "worker-cost-postgresql.json").write_text(json.dumps(result, indent=2))
    return result


def _print(r: dict[str, Any]) -> None:
    print(f"load average before: {' '.join(r['load_average'])}")
    before, after = r["commit_floor_before_after_ms"]
    print(
        f"commit floor (median INSERT + COMMIT, raw psycopg): {r['commit_floor_ms']:.3f} ms "
        f"({before:.3f} before the closures, {after:.3f} after)"
    )
    print(
        f"{r['closures']} closures closed and erased in {r['seconds']:.2f} s = "
        f"{r['ms_per_closure']:.2f} ms per closure, of which "
        f"{r['worker_cpu_ms_per_closure']:.2f} ms "
        "the worker's own CPU"
    )
    print(
        f"ratio: {r['ms_per_closure']:.2f} / (11 x {r['commit_floor_ms']:.3f}) = "
        f"{r['ratio']:.2f}x the commit floor"
    )
    print(
        f"per closure: {r['round_trips_per_closure']} round trips, "
        f"{r['commits_per_closure']} commits ({r['server_commits_per_closure']} "
        "transactions committed as the server counts them, autocommit reads included); "
        f"{r['pre_pings_per_closure']} of the round trips are the pool's pre-ping"
    )
    print(f"{'part':<18}{'ms/closure':>12}{'CPU ms':>9}{'round trips':>13}{'commits':>9}")
    for part, p in r["parts"].items():
        print(
            f"{part:<18}{p['ms_per_closure']:>12.2f}{p['cpu_ms_per_closure']:>9.2f}"
            f"{p['round_trips']:>13.1f}{p['commits']:>9.2f}"
        )
