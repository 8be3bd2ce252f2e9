"""The erasure plans on the database: each step in its own transaction, the plan shown
without running it, and the vault purged when retention clocks run out."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    RootTransaction,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import NoResultFound
from sqlalchemy.sql import Executable

from lastgate.erasure.adapters import step_io
from lastgate.erasure.adapters.executor import PLAN, READ_AHEAD
from lastgate.erasure.adapters.finish import FINISH, finish, finish_reads
from lastgate.erasure.adapters.quarantine import purge_expired
from lastgate.erasure.adapters.registry import DATA_MAP
from lastgate.erasure.adapters.statements import one_awaited_by_uid, outbox_params
from lastgate.erasure.adapters.step_io import Context, NotReady, Step
from lastgate.erasure.adapters.tables import (
    customer_keys,
    erasure_runs,
    erasure_steps,
    retained_records,
)
from lastgate.erasure.ports import FaultHook, Outcome
from lastgate.kernel.clock import Clock
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.ports import PolicyBook
from lastgate.platform import audit_log
from lastgate.platform.db import pipeline
from lastgate.platform.db.types import read_time

log = logging.getLogger("lastgate.erasure")


#: Each step's transaction opens with these two, sent together: lock the unfinished run
#: (``SKIP LOCKED``: a run another worker holds is left to it) and read what every step
#: needs (the run and its customer), then read the steps already done. The second is its
#: own statement so that it reads after the lock is taken: under READ COMMITTED each
#: statement sees what was committed when it began, and a worker that held the lock
#: committed its step before letting go of it. (Joined into the locking read, the done
#: steps were those committed when that read began: a step another worker committed
#: after the read began, and before it took the lock, could be run a second time.)
_LOCK_RUN = (
    select(
        erasure_runs.c.uid,
        erasure_runs.c.closure_id,
        erasure_runs.c.closed_at,
        ledger.customers.c.id.label("customer_id"),
        ledger.customers.c.jurisdiction,
        ledger.customers.c.email,
        ledger.customers.c.phone,
    )
    .select_from(
        erasure_runs.outerjoin(ledger.customers, ledger.customers.c.uid == erasure_runs.c.uid)
    )
    .where(erasure_runs.c.id == bindparam("run_id"), erasure_runs.c.finished_at.is_(None))
    .with_for_update(of=erasure_runs, skip_locked=True)
)
_DONE_STEPS = select(erasure_steps.c.step).where(erasure_steps.c.run_id == bindparam("run_id"))
_RECORD_STEP = insert(erasure_steps).values(
    run_id=bindparam("run_id"),
    step=bindparam("step"),
    rows=bindparam("rows"),
    done_at=bindparam("done_at"),
)


def _opening(run_id: str) -> list[tuple[Executable, pipeline.Params]]:
    """What a step's transaction opens with: the run locked, then the steps done."""
    params = {"run_id": run_id}
    return [(_LOCK_RUN, params), (_DONE_STEPS, params)]


def _locked(
    opened: list[pipeline.Sent],
    run_id: str,
    settings: Settings,
    policies: PolicyBook,
    now: datetime,
    memo: dict[str, Any],
) -> tuple[Context, set[str]] | None:
    """The run locked for this transaction (``opened``: what ``_opening`` read, then
    anything read ahead): its context and the steps done, or None when it is finished or
    another worker holds it."""
    run, done = opened[:2]
    if not run.rows:
        return None
    uid, closure_id, closed_at, customer_id, jurisdiction, email, phone = run.rows[0]
    if customer_id is None:
        raise NoResultFound(f"erasure run {run_id}: no customer {uid} in the ledger")
    ctx = Context(
        run_id,
        uid,
        closure_id,
        read_time(closed_at),
        customer_id,
        policies.for_jurisdiction(jurisdiction),
        settings,
        now,
        contact=tuple(r for r in (email, phone) if r),
        memo=memo,
    )
    return ctx, {step for (step,) in done.rows}


class SqlErasureRuns:
    """The erasure plans on lastgate's database: each step one transaction, resumable."""

    def __init__(self, engine: Engine, clock: Clock, settings: Settings, policies: PolicyBook):
        self._engine, self._clock = engine, clock
        self._settings, self._policies = settings, policies
        self._waiting: set[str] = set()  # runs ``unfinished`` listed that await notices

    def unfinished(self, limit: int) -> list[str]:
        with self._engine.connect() as conn:
            runs = [
                (run_id, uid) for run_id, uid in pipeline.fetch(conn, _UNFINISHED, {"limit": limit})
            ]
            self._waiting = _awaiting_notices(conn, runs, self._clock())
        return [run_id for run_id, _uid in runs]

    def advance(self, run_id: str, fault: FaultHook | None) -> tuple[Outcome, int]:
        return _advance(
            self._engine,
            self._clock,
            self._settings,
            self._policies,
            run_id,
            fault,
            waiting=run_id in self._waiting,
        )


_UNFINISHED = (
    select(erasure_runs.c.id, erasure_runs.c.uid)
    .where(erasure_runs.c.finished_at.is_(None))
    .order_by(erasure_runs.c.started_at)
    .limit(bindparam("limit"))
)


#: A run that has not awaited its notices yet, whose customer has a notice or event on
#: its way (what ``await_notices`` would wait for), waits without taking its lock: asked
#: outside a transaction, one statement per run listed, all sent together. Only ever a
#: shortcut to "waiting": a run it lets through is checked again under the lock.
_CONTACT = (
    select(ledger.customers.c.email.label("recipient"))
    .where(ledger.customers.c.uid == bindparam("uid"), ledger.customers.c.email != "")
    .union_all(
        select(ledger.customers.c.phone).where(
            ledger.customers.c.uid == bindparam("uid"), ledger.customers.c.phone != ""
        )
    )
)
_AWAITS_NOTICES = one_awaited_by_uid(_CONTACT).where(
    ~exists().where(
        erasure_steps.c.run_id == bindparam("run_id"), erasure_steps.c.step == PLAN[0][0]
    )
)


def _awaiting_notices(conn: Connection, runs: list[tuple[str, str]], now: datetime) -> set[str]:
    """Of ``runs`` (id, customer), those that would only wait for their notices."""
    asked = [
        (run_id, {"run_id": run_id, "uid": uid, "now": now, **outbox_params(uid, ())})
        for run_id, uid in runs
    ]
    found = pipeline.fetch_each(conn, [(_AWAITS_NOTICES, params) for _run, params in asked])
    return {run_id for (run_id, _params), rows in zip(asked, found, strict=True) if rows}


@contextmanager
def _transaction(conn: Connection) -> Iterator[RootTransaction]:
    """One transaction; on SQLite it takes the write lock at once (``BEGIN IMMEDIATE``);
    on PostgreSQL ``_locked`` sends the BEGIN with its statement (``own_transactions``)."""
    with conn.begin() as transaction:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield transaction


def _advance(
    engine: Engine,
    clock: Clock,
    settings: Settings,
    policies: PolicyBook,
    run_id: str,
    fault: FaultHook | None,
    *,
    waiting: bool = False,
) -> tuple[Outcome, int]:
    """Each step in its own transaction, on one connection: the run is locked anew in
    each, and the steps done (by this worker or another) are read under that lock, so a
    step runs once whoever runs the plan and wherever a crash stopped it (on PostgreSQL
    with one round trip of bookkeeping per step: ``_advance_postgresql``). A run the
    listing found ``waiting`` for its notices (``_awaiting_notices``) waits without a
    transaction."""
    if waiting:
        return "waiting", 0
    with engine.connect() as conn, pipeline.own_transactions(conn):
        if pipeline.is_postgresql(conn):
            return _advance_postgresql(conn, clock, settings, policies, run_id, fault)
        steps = 0
        memo: dict[str, Any] = {}  # what the run's committed rows hold (its data key)
        while True:
            with _transaction(conn) as transaction:
                opened = pipeline.begin_and_run(conn, _opening(run_id))
                locked = _locked(opened, run_id, settings, policies, clock(), memo)
                if locked is None:
                    return "busy", steps  # finished meanwhile, or another worker holds it
                ctx, done = locked
                pending = [(name, step) for name, step in STEPS if name not in done]
                if not pending:
                    return "finished", steps
                name, step = pending[0]
                try:
                    rows = step(conn, ctx)
                except NotReady:
                    transaction.rollback()
                    return "waiting", steps
                if fault is not None:
                    fault(name)  # a crash here: the step and its record are not committed
                record = {"run_id": run_id, "step": name, "rows": rows, "done_at": ctx.now}
                pipeline.execute_and_commit(conn, [(_RECORD_STEP, record)])
                steps += 1
            _log_step(ctx, name, rows)
            if name == FINISH:
                return "finished", steps


def _advance_postgresql(
    conn: Connection,
    clock: Clock,
    settings: Settings,
    policies: PolicyBook,
    run_id: str,
    fault: FaultHook | None,
) -> tuple[Outcome, int]:
    """``_advance`` on PostgreSQL, the same transactions with fewer round trips: a step's
    writes that it needs no answer from (``step_io.later``), its record, its COMMIT and
    the next step's BEGIN, locking reads and first reads (``READ_AHEAD``) travel
    together. The transactions are the runner's own (``own_transactions``), not
    SQLAlchemy's."""
    steps = 0
    memo: dict[str, Any] = {}  # what the run's committed rows hold (its data key)
    ahead: step_io.Batch = []
    opened = pipeline.begin_and_run(conn, _opening(run_id))
    try:
        while True:
            locked = _locked(opened, run_id, settings, policies, clock(), memo)
            if locked is None:
                pipeline.commit(conn)
                return "busy", steps  # finished meanwhile, or another worker holds it
            ctx, done = locked
            pending = [(name, step) for name, step in STEPS if name not in done]
            if not pending:
                pipeline.commit(conn)
                return "finished", steps
            name, step = pending[0]
            step_io.opened_with(ctx, ahead, opened[2:])
            try:
                rows = step(conn, ctx)
            except NotReady:
                pipeline.rollback(conn)
                return "waiting", steps
            finally:
                writes = step_io.written_later(ctx)
            if fault is not None:
                fault(name)  # a crash here: the step and its record are not committed
            record = {"run_id": run_id, "step": name, "rows": rows, "done_at": ctx.now}
            writes.append((_RECORD_STEP, record))
            if name == FINISH:
                pipeline.execute_and_commit(conn, writes)
            else:  # committed, and the next transaction opened
                ahead = _reads_after(name, ctx)
                opened = pipeline.commit_and_begin(conn, writes, _opening(run_id) + ahead)
            steps += 1
            _log_step(ctx, name, rows)
            if name == FINISH:
                return "finished", steps
    except BaseException:
        pipeline.rollback(conn)  # whatever was not committed is undone
        raise


def _reads_after(name: str, ctx: Context) -> step_io.Batch:
    """What the step after ``name`` reads first, if it has such reads: read ahead when its
    transaction opens (if another step turns out to be next, it reads its own)."""
    following = STEPS[[n for n, _step in STEPS].index(name) + 1][0]
    reads = _READ_AHEAD.get(following)
    return reads(ctx) if reads is not None else []


def _log_step(ctx: Context, name: str, rows: int) -> None:
    done = {"run_id": ctx.run_id, "closure_id": ctx.closure_id, "step": name, "rows": rows}
    log.info("erasure.step", extra={"event": "erasure.step", **done})  # committed


#: The plan's steps and then the finish (scan and certificate), each one transaction.
STEPS: tuple[tuple[str, Step], ...] = (*((n, step) for n, _c, step in PLAN), (FINISH, finish))
_READ_AHEAD = {**READ_AHEAD, FINISH: finish_reads}


def dry_run(engine: Engine, uid: str) -> list[dict[str, object]]:
    """The plan for ``uid`` with the rows each table holds now; changes nothing."""
    with engine.connect() as conn:
        cid = conn.execute(
            select(ledger.customers.c.id).where(ledger.customers.c.uid == uid)
        ).scalar_one_or_none()
        if cid is None:
            from lastgate.kernel.errors import AccountNotFound

            raise AccountNotFound(f"no account with UID {uid}")
        plan: list[dict[str, object]] = []
        for table in _customer_keyed_tables():
            rows = conn.execute(
                select(func.count()).select_from(table).where(table.c.customer_id == cid)
            ).scalar_one()
            mapping = DATA_MAP[table.name]
            plan.append(
                {
                    "table": table.name,
                    "rows": rows,
                    "category": mapping.category.name,
                    "action": mapping.category.action.value,
                    "how": mapping.how,
                }
            )
    return plan


def _customer_keyed_tables() -> list[Table]:
    """Every mapped table whose rows are keyed to a customer of the ledger."""
    from lastgate.erasure.adapters.catalogue import metadata

    return [t for t in metadata.sorted_tables if "customer_id" in t.c and t.name in DATA_MAP]


def purge(engine: Engine, clock: Clock) -> dict[str, int]:
    """Crypto-shred every data key whose retention has ended, delete its records, and drop
    expired quarantine entries. Idempotent; recorded in the audit log."""
    now = clock()
    with engine.begin() as conn:
        due = list(
            conn.execute(
                select(customer_keys.c.key_id).where(
                    customer_keys.c.destroyed_at.is_(None), customer_keys.c.retain_until <= now
                )
            ).scalars()
        )
        records = 0
        for key_id in due:
            conn.execute(
                update(customer_keys)
                .where(customer_keys.c.key_id == key_id)
                .values(wrapped_key=None, destroyed_at=now)
            )
            records += conn.execute(
                delete(retained_records).where(retained_records.c.key_id == key_id)
            ).rowcount
        quarantine = purge_expired(conn, now)
        result = {
            "keys_destroyed": len(due),
            "records_purged": records,
            "quarantine_expired": quarantine,
        }
        if any(result.values()):
            audit_log.append(
                conn,
                now=now,
                actor="system",
                action="retention.purged",
                subject="retention",
                payload={**result, "key_ids": due},
            )
    return result
