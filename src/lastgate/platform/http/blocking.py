"""Where an ``async`` route runs its blocking database reads.

A read on a database server waits on a socket: it runs in a worker thread, so that the
event loop serves other requests meanwhile. A read on the embedded SQLite file does not
wait on anything (in WAL mode a reader never waits for a writer): it is CPU work in this
process, which a thread could not run alongside the loop anyway (one GIL), and the hop
to the thread and back costs more than the read itself — about 0.2 ms of CPU a request
through anyio's thread pool, against 0.13 ms for reading an account's whole state
(bench/README.md, "Eligibility over HTTP"). So there it runs inline.

Only for reads: a write may wait on SQLite's write lock (``busy_timeout``), which must not
hold the loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

_Result = TypeVar("_Result")

#: Databases that run in the serving process: a read there never waits on a socket.
EMBEDDED = frozenset({"sqlite"})


def reads_wait(engine: Engine) -> bool:
    """Whether a read on ``engine`` waits on another process (a database server)."""
    return engine.dialect.name not in EMBEDDED


async def read(engine: Engine, work: Callable[[], _Result]) -> _Result:
    """``work`` (blocking reads on ``engine``, then CPU work on what they found): in a
    worker thread when the database is a server, inline when it is embedded."""
    if reads_wait(engine):
        return await run_in_threadpool(work)
    return work()
