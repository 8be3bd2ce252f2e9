"""The bulk sweep's chunks, read ahead of the consumer, on one connection or on several
that share one snapshot.

A lister thread pages through the customers and hands each chunk to the work; the
consumer gets the chunks back in order, each with its work's result, while the next ones
are being read. On SQLite, or with ``readers=1``, the lister does the work itself on its
own connection. On PostgreSQL with ``readers > 1``, that many worker threads each run a
chunk's statements on their own connection, every one in the lister's snapshot
(``pg_export_snapshot`` / ``SET TRANSACTION SNAPSHOT``), so a sweep reads one state of
the ledger however many connections read it: the server runs several chunks at once, on
as many cores (and those readers' statements without parallel workers of their own).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

C = TypeVar("C")
R = TypeVar("R")

_END = object()  # the lister's last message


def read_ahead(
    engine: Engine,
    chunks: Callable[[Connection], Iterator[C]],
    work: Callable[[Connection, C], R],
    *,
    readers: int = 1,
) -> Iterator[tuple[C, R]]:
    """(chunk, work(connection, chunk)) for every chunk ``chunks`` lists, in its order."""
    parallel = readers > 1 and engine.dialect.name == "postgresql"
    out: queue.Queue[Any] = queue.Queue(maxsize=readers + 1 if parallel else 2)
    stop = threading.Event()
    args = (engine, chunks, work, readers if parallel else 0, out, stop)
    lister = threading.Thread(target=_list, args=args, daemon=True)
    lister.start()
    try:
        while (item := out.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            chunk, slot = item
            if isinstance(result := slot.get(), BaseException):
                raise result
            yield chunk, result
    finally:
        stop.set()
        while lister.is_alive():  # unblock a lister waiting to put
            with contextlib.suppress(queue.Empty):
                out.get(timeout=0.05)


@contextlib.contextmanager
def _snapshot(engine: Engine, imported: str | None = None) -> Iterator[Connection]:
    """A connection in a read transaction: one snapshot for all its statements (the
    exported ``imported`` one if given)."""
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if not sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if sqlite:  # the driver opens no transaction for reads
                conn.exec_driver_sql("BEGIN")
            if imported is not None:
                conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{imported}'")
                # The readers already keep the cores busy: parallel workers of their own
                # only add processes to share them (bench/README.md, bulk sweep).
                conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
            yield conn


def _list(
    engine: Engine,
    chunks: Callable[[Connection], Iterator[C]],
    work: Callable[[Connection, C], R],
    workers: int,
    out: queue.Queue[Any],
    stop: threading.Event,
) -> None:
    try:
        with _snapshot(engine) as conn:
            if not workers:
                for chunk in chunks(conn):
                    if stop.is_set():
                        return
                    slot: queue.Queue[Any] = queue.Queue(maxsize=1)
                    slot.put(work(conn, chunk))
                    out.put((chunk, slot))
            else:
                snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
                jobs: queue.Queue[Any] = queue.Queue()
                threads = [
                    threading.Thread(target=_work, args=(engine, snapshot, work, jobs, stop))
                    for _ in range(workers)
                ]
                for thread in threads:
                    thread.start()
                try:
                    for chunk in chunks(conn):
                        if stop.is_set():
                            return
                        slot = queue.Queue(maxsize=1)
                        jobs.put((chunk, slot))
                        out.put((chunk, slot))
                finally:
                    # The workers import the snapshot while this transaction still runs.
                    for _ in threads:
                        jobs.put(None)
                    for thread in threads:
                        thread.join()
        out.put(_END)
    except BaseException as exc:  # handed to the consuming thread
        out.put(exc)


def _work(
    engine: Engine,
    snapshot: str,
    work: Callable[[Connection, Any], Any],
    jobs: queue.Queue[Any],
    stop: threading.Event,
) -> None:
    with contextlib.ExitStack() as stack:
        failed: BaseException | None = None
        try:
            conn = stack.enter_context(_snapshot(engine, snapshot))
        except BaseException as exc:  # every chunk given to this worker fails with it
            failed = exc
        while (job := jobs.get()) is not None:
            chunk, slot = job
            if failed is not None or stop.is_set():
                slot.put(failed or RuntimeError("the sweep was stopped"))
                continue
            try:
                slot.put(work(conn, chunk))
            except BaseException as exc:  # handed to the consumer with the chunk
                slot.put(exc)
