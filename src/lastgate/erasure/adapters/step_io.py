"""A step's context, what it reads when its transaction opens and what it writes with
its record.

On PostgreSQL a step's transaction opens with the run's locking reads, sent in one round
trip with the previous step's record and COMMIT (``runner``); the reads the next step
will make (``READ_AHEAD`` in ``executor``) travel with them, in the same transaction,
after the lock. A step then asks ``read`` for them and gets what was read already, or,
if the runner read something else (another step turned out to be next), has them read
now. Writes whose results the step does not need (``later``) travel with its record and
COMMIT: they are part of its transaction all the same, and a crash before that COMMIT
leaves none of them. On SQLite both simply run when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Executable

from lastgate.kernel.policy import Policy
from lastgate.kernel.settings import Settings
from lastgate.platform.db import pipeline


class NotReady(Exception):
    """A step cannot run yet (notices still to deliver); the run waits for the next pass."""


@dataclass(frozen=True)
class Context:
    run_id: str
    uid: str
    closure_id: str
    closed_at: datetime
    customer_id: int
    policy: Policy
    settings: Settings
    now: datetime
    #: The customer's e-mail and phone as the ledger holds them when the step began.
    contact: tuple[str, ...] = ()
    #: What one worker's pass over the run has read of its committed rows (the data key),
    #: kept across its steps; never written to the database.
    memo: dict[str, Any] = field(default_factory=dict, compare=False)


Step = Callable[[Connection, Context], int]


Batch = list[tuple[Executable, pipeline.Params]]

_AHEAD, _LATER = "read_ahead", "later"


def read(conn: Connection, ctx: Context, batch: Batch) -> list[pipeline.Sent]:
    """The results of ``batch`` (reads), in this transaction: what its opening read of
    exactly these statements with these values, or read now."""
    ahead = ctx.memo.pop(_AHEAD, None)
    if ahead is not None:
        sent, results = ahead
        if len(sent) == len(batch) and all(
            s is b and p == q for (s, p), (b, q) in zip(sent, batch, strict=True)
        ):
            return list(results)
    return pipeline.run(conn, batch)


def later(conn: Connection, ctx: Context, statement: Executable, params: pipeline.Params) -> None:
    """Write with the step's record, in its transaction (PostgreSQL: in the same round
    trip as the record and the COMMIT); on SQLite now."""
    if pipeline.is_postgresql(conn):
        ctx.memo.setdefault(_LATER, []).append((statement, params))
    else:
        conn.execute(statement, params)


def opened_with(ctx: Context, batch: Batch, results: list[pipeline.Sent]) -> None:
    """The runner: what this transaction's opening read ahead for its step."""
    if batch:
        ctx.memo[_AHEAD] = (batch, results)


def written_later(ctx: Context) -> Batch:
    """The runner: the step's writes to send with its record; forgets what it read ahead."""
    ctx.memo.pop(_AHEAD, None)
    writes: Batch = ctx.memo.pop(_LATER, [])
    return writes


def forget(ctx: Context) -> None:
    """The runner: a step that did not complete leaves nothing for the next one."""
    ctx.memo.pop(_AHEAD, None)
    ctx.memo.pop(_LATER, None)
