"""The erasure plan of one closed customer, executed as resumable, idempotent steps.

Each step runs in its own transaction together with the row that records it as done
(``erasure_steps``, keyed by run and step), so a crash at any point leaves every step
either fully applied or not at all, and a re-run skips what is done. The run's row is
locked while a step runs (``SKIP LOCKED`` on PostgreSQL), so two workers never run the
same step at once; on SQLite the write lock serialises them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    insert,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable

from lastgate.erasure.adapters import step_io
from lastgate.erasure.adapters.quarantine import digest, normalise
from lastgate.erasure.adapters.statements import (
    ANONYMOUS_HOLDER,
    CHUNK_ROWS,
    CLEAR_COMPLIANCE,
    CUSTOMER,
    DELETE_ACCOUNT_DATA,
    DELETE_PREFERENCES,
    EVIDENCE_KEYS,
    IDENTIFIERS,
    INSERT_KEY,
    INSERT_QUARANTINE,
    INSERT_RECORD,
    KEY_OF_RUN,
    MOVE_TRADES,
    OUTBOX_ABOUT,
    OUTBOX_ABOUT_PG,
    REQUESTS,
    ROWS_AFTER,
    outbox_params,
)
from lastgate.erasure.adapters.step_io import Context, NotReady, Step
from lastgate.erasure.adapters.tables import erasure_runs
from lastgate.erasure.model import data_map as dm
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform import vault
from lastgate.platform.db import pipeline
from lastgate.platform.db.types import read_time
from lastgate.remediation.adapters.tables import ledger_entries

ANONYMISED_UID = "anonymised"
PERSONAL_COLUMNS = ("email", "phone", "full_name", "country", "id_number", "kyc_verified_at")


def _json(row: Any, columns: Sequence[str] | None = None) -> dict[str, Any]:
    """A row as the vault keeps it: times in UTC as ISO 8601, every other value as text.
    ``columns``: the names of a driver's plain row (``pipeline.Sent``)."""
    names = row._mapping.keys() if columns is None else columns
    return {
        k: (read_time(v).isoformat() if isinstance(v, datetime) else None if v is None else str(v))
        for k, v in zip(names, row, strict=True)
    }


_c = ledger.customers.c
_ANONYMISE_CUSTOMER = (
    update(ledger.customers)
    .where(_c.id == bindparam("cid"))
    .values(status="closed", **dict.fromkeys(PERSONAL_COLUMNS))
)


def data_key(conn: Connection, ctx: Context) -> tuple[str, bytes]:
    """The run's data key (``create_key``'s committed row), unwrapped once per pass."""
    if "data_key" not in ctx.memo:
        row = conn.execute(KEY_OF_RUN, {"run_id": ctx.run_id}).one()
        masters = vault.MasterKeys.from_settings(ctx.settings)
        key = vault.unwrap(masters, row.wrapped_key, row.master_key_id, row.key_id)
        ctx.memo["data_key"] = (row.key_id, key)
    found: tuple[str, bytes] = ctx.memo["data_key"]
    return found


def _seal_rows(
    conn: Connection,
    ctx: Context,
    category: dm.Category,
    source: str,
    rows: Iterator[dict[str, Any]],
) -> int:
    key_id, key = data_key(conn, ctx)
    total = 0
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        text = "\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in chunk)
        sealed = vault.seal_record(key, text.encode(), key_id=key_id, source=source)
        record = {
            "key_id": key_id,
            "category": category.name,
            "source": source,
            "rows": len(chunk),
            "ciphertext": sealed,
        }
        if len(chunk) < CHUNK_ROWS:  # a table's last chunk: sent with the step's record
            step_io.later(conn, ctx, INSERT_RECORD, record)
        else:  # a full one now, so that a large table is not held in memory
            conn.execute(INSERT_RECORD, record)

    for row in rows:
        chunk.append(row)
        total += 1
        if len(chunk) >= CHUNK_ROWS:
            flush()
            chunk = []
    if chunk:
        flush()
    return total


def _first_chunks(
    tables: Sequence[Table], cid: int, *more: tuple[Executable, pipeline.Params]
) -> step_io.Batch:
    """Reading the first chunk of the customer's rows of each table (and any ``more``
    reads after them)."""
    first: step_io.Batch = [(ROWS_AFTER[t.name], {"cid": cid, "last": 0}) for t in tables]
    return [*first, *more]


def _customer_rows(
    conn: Connection, table: Table, cid: int, first: pipeline.Sent
) -> Iterator[dict[str, Any]]:
    """The customer's rows of ``table``, chunk by chunk from its ``first``."""
    chunk = first
    while True:
        for row in chunk.rows:
            yield _json(row, chunk.columns)
        if len(chunk.rows) < CHUNK_ROWS:
            return
        last = chunk.rows[-1][chunk.columns.index("id")]
        [chunk] = pipeline.run(conn, [(ROWS_AFTER[table.name], {"cid": cid, "last": last})])


# -- the steps ----------------------------------------------------------------------------


def await_notices(conn: Connection, ctx: Context) -> int:
    """Nothing about the customer still on its way is erased: erasure waits until each
    notice and webhook event is delivered or given up (the outbox's retries are bounded),
    so the exchange always hears of the closure and the customer gets the notices that
    need their address. Only notices scheduled for later and never tried are voided: they
    are about an account that no longer exists. Events are never voided. (The rows "about
    the customer": ``statements._about``.)"""
    awaited, voided = pipeline.run(conn, _awaiting(conn, ctx))
    _wait_for(awaited)
    return voided.rowcount


def _awaiting(conn: Connection, ctx: Context) -> list[tuple[Executable, pipeline.Params]]:
    """Asking what voiding the scheduled notices leaves on its way, and voiding them:
    the two travel together, and a step that must wait is rolled back, void and all."""
    about = OUTBOX_ABOUT_PG if pipeline.is_postgresql(conn) else OUTBOX_ABOUT
    params = {**outbox_params(ctx.uid, ctx.contact), "now": ctx.now}
    return [(about.one_awaited, params), (about.void_scheduled, params)]


def _wait_for(awaited: pipeline.Sent) -> None:
    if awaited.rows:
        raise NotReady("notices or webhook events about the customer are still on their way")


def create_key(conn: Connection, ctx: Context) -> int:
    key_id, key = str(uuid.uuid4()), vault.new_data_key()
    wrapped, master_id = vault.wrap(vault.MasterKeys.from_settings(ctx.settings), key, key_id)
    until = dm.IDENTITY.retained_until(ctx.closed_at, ctx.policy.retention.aml_records_years)
    assert until is not None
    step_io.later(
        conn,
        ctx,
        INSERT_KEY,
        {
            "key_id": key_id,
            "run_id": ctx.run_id,
            "wrapped_key": wrapped,
            "master_key_id": master_id,
            "created_at": ctx.now,
            "retain_until": datetime.combine(until, ctx.closed_at.timetz()),
        },
    )
    # The pass goes on only once this step is committed (a failed commit ends it), so the
    # memo still holds only what committed rows hold.
    ctx.memo["data_key"] = (key_id, key)
    return 1


def _identity_reads(ctx: Context) -> step_io.Batch:
    return [(CUSTOMER, {"cid": ctx.customer_id})]


def retain_identity(conn: Connection, ctx: Context) -> int:
    [customer] = step_io.read(conn, ctx, _identity_reads(ctx))
    [row] = customer.rows
    return _seal_rows(conn, ctx, dm.IDENTITY, "customers", iter([_json(row, customer.columns)]))


_TRANSACTION_TABLES = (ledger.orders, ledger.transfers, ledger.p2p_orders, ledger_entries)


def _transaction_reads(ctx: Context) -> step_io.Batch:
    return _first_chunks(_TRANSACTION_TABLES, ctx.customer_id)


def retain_transactions(conn: Connection, ctx: Context) -> int:
    tables = _TRANSACTION_TABLES
    firsts = step_io.read(conn, ctx, _transaction_reads(ctx))
    return sum(
        _seal_rows(
            conn,
            ctx,
            dm.TRANSACTION_RECORDS,
            table.name,
            _customer_rows(conn, table, ctx.customer_id, first),
        )
        for table, first in zip(tables, firsts, strict=True)
    )


def _compliance_reads(ctx: Context) -> step_io.Batch:
    return _first_chunks((ledger.holds,), ctx.customer_id, (REQUESTS, {"uid": ctx.uid}))


def retain_compliance(conn: Connection, ctx: Context) -> int:
    holds, requests = step_io.read(conn, ctx, _compliance_reads(ctx))
    sealed = _seal_rows(
        conn,
        ctx,
        dm.COMPLIANCE_RECORDS,
        "holds",
        _customer_rows(conn, ledger.holds, ctx.customer_id, holds),
    )
    rows = iter([_json(r, requests.columns) for r in requests.rows])
    sealed += _seal_rows(conn, ctx, dm.COMPLIANCE_RECORDS, "closure_requests", rows)
    for statement in CLEAR_COMPLIANCE:
        step_io.later(conn, ctx, statement, {"request_uid": ctx.uid, "cid": ctx.customer_id})
    return sealed


_HOLDER = {"anonymised_uid": ANONYMISED_UID}


def _trade_reads(ctx: Context) -> step_io.Batch:
    return [(ANONYMOUS_HOLDER, _HOLDER)]


def _anonymised_customer(conn: Connection, ctx: Context) -> int:
    [found] = step_io.read(conn, ctx, _trade_reads(ctx))
    if found.rows:
        return int(found.rows[0][0])
    try:
        with conn.begin_nested():
            return int(
                conn.execute(
                    insert(ledger.customers)
                    .returning(ledger.customers.c.id)
                    .values(
                        uid=ANONYMISED_UID,
                        jurisdiction="DEFAULT",
                        status="closed",
                        kyc_status="not_started",
                        kyc_level=0,
                        kyc_applicant_mismatch=False,
                        created_at=ctx.now,
                    )
                ).scalar_one()
            )
    except IntegrityError:  # another worker created it first
        return int(conn.execute(ANONYMOUS_HOLDER, _HOLDER).scalar_one())


def anonymise_trade_history(conn: Connection, ctx: Context) -> int:
    params = {"target": _anonymised_customer(conn, ctx), "cid": ctx.customer_id}
    return sum(pipeline.rowcounts(conn, MOVE_TRADES, params))


def delete_account_data(conn: Connection, ctx: Context) -> int:
    from lastgate.desk.adapters.erasure import DELETE_DESK_ROWS, DESK_FILE_KEYS, remove_desk_files

    account, desk = {"cid": ctx.customer_id}, {"uid": ctx.uid}
    files, *deletes = pipeline.run(  # one round trip for them all
        conn,
        [
            (DESK_FILE_KEYS, desk),
            *((statement, account) for statement in DELETE_ACCOUNT_DATA),
            *((statement, desk) for statement in DELETE_DESK_ROWS),
        ],
    )
    remove_desk_files([key for (key,) in files.rows], ctx.settings.evidence_dir)
    return sum(sent.rowcount for sent in deletes)


def delete_preferences_and_factors(conn: Connection, ctx: Context) -> int:
    # Anything queued since ``await_notices`` ran is waited for too: the outbox rows
    # deleted below are only ever delivered, given up or voided ones (a step that must
    # wait is rolled back, deletes and all). All of it travels together.
    awaiting = _awaiting(conn, ctx)
    params = {"uid": ctx.uid}
    outbox = OUTBOX_ABOUT_PG if pipeline.is_postgresql(conn) else OUTBOX_ABOUT
    awaited, _voided, files, *deletes = pipeline.run(
        conn,
        [
            *awaiting,
            (EVIDENCE_KEYS, params),
            *((statement, params) for statement in DELETE_PREFERENCES),
            (outbox.delete, awaiting[0][1]),
        ],
    )
    _wait_for(awaited)
    for (key,) in files.rows:  # after the rows: a crash here leaves files the scan reports
        (Path(ctx.settings.evidence_dir) / Path(str(key)).name).unlink(missing_ok=True)
    return sum(sent.rowcount for sent in deletes)


def _quarantine_reads(ctx: Context) -> step_io.Batch:
    return [(IDENTIFIERS, {"cid": ctx.customer_id})]


def quarantine_identifiers(conn: Connection, ctx: Context) -> int:
    [identifiers] = step_io.read(conn, ctx, _quarantine_reads(ctx))
    [(email, phone, id_number)] = identifiers.rows
    until = ctx.closed_at + timedelta(days=ctx.policy.retention.identifier_quarantine_days)
    entries = [
        {"kind": kind, "digest": digest(ctx.settings, kind, value), "until": until}
        for kind, value in (("email", email), ("phone", phone), ("id_number", id_number))
        if value and normalise(kind, value)
    ]
    for entry in entries:
        step_io.later(conn, ctx, INSERT_QUARANTINE, entry)
    return len(entries)


def anonymise_customer(conn: Connection, ctx: Context) -> int:
    return conn.execute(_ANONYMISE_CUSTOMER, {"cid": ctx.customer_id}).rowcount


#: The plan, in order. Names are recorded in ``erasure_steps``: never rename one.
PLAN: tuple[tuple[str, dm.Category | None, Step], ...] = (
    ("await_notices", None, await_notices),
    ("create_key", None, create_key),
    ("retain:identity", dm.IDENTITY, retain_identity),
    ("retain:transaction_records", dm.TRANSACTION_RECORDS, retain_transactions),
    ("retain:compliance_records", dm.COMPLIANCE_RECORDS, retain_compliance),
    ("anonymise:trade_history", dm.TRADE_HISTORY, anonymise_trade_history),
    ("delete:account_data", dm.ACCOUNT_DATA, delete_account_data),
    ("delete:preferences_and_factors", dm.PREFERENCES_AND_FACTORS, delete_preferences_and_factors),
    ("quarantine_identifiers", None, quarantine_identifiers),
    ("anonymise:identity", dm.IDENTITY, anonymise_customer),
)

#: What a step reads first, by its name: read ahead with the locking reads that open its
#: transaction (``step_io``), and read by the step itself otherwise. (The finish's is in
#: ``finish.py``.)
READ_AHEAD: dict[str, Callable[[Context], step_io.Batch]] = {
    "retain:identity": _identity_reads,
    "retain:transaction_records": _transaction_reads,
    "retain:compliance_records": _compliance_reads,
    "anonymise:trade_history": _trade_reads,
    "quarantine_identifiers": _quarantine_reads,
}


def begin(later: pipeline.Later, *, uid: str, closure_id: str, closed_at: datetime) -> str:
    """Queue the erasure of a customer whose account was just closed (written in the same
    transaction, with its COMMIT: ``later``)."""
    run_id = str(uuid.uuid4())
    later.add(
        _BEGIN_RUN, {"id": run_id, "uid": uid, "closure_id": closure_id, "closed_at": closed_at}
    )
    return run_id


_BEGIN_RUN = insert(erasure_runs).values(
    id=bindparam("id"),
    uid=bindparam("uid"),
    closure_id=bindparam("closure_id"),
    closed_at=bindparam("closed_at"),
    started_at=bindparam("closed_at"),
)
