"""Statements sent together (platform/db/pipeline.py): each statement's own row count, a
transaction that the first statement opens and the last one commits, and one that is
rolled back leaving nothing. Both databases (on PostgreSQL through pipeline mode)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, delete, func, insert, select

from lastgate.erasure.adapters.executor import _json
from lastgate.erasure.adapters.statements import CUSTOMER, ROWS_AFTER
from lastgate.erasure.adapters.tables import erasure_steps
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db import pipeline
from tests.builders import account, load

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
_c = erasure_steps.c
_RECORD = insert(erasure_steps).values(
    run_id=bindparam("run_id"), step=bindparam("step"), rows=0, done_at=bindparam("now")
)
_ONE_RUN = select(_c.step).where(_c.run_id == bindparam("run_id")).order_by(_c.step)


def _steps(engine, run_id: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(_ONE_RUN, {"run_id": run_id}).scalars())


def _transaction(conn):
    """As the erasure runner opens one: SQLite takes its write lock at once."""
    transaction = conn.begin()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    return transaction


def test_statements_sent_together_report_their_own_row_counts(engine) -> None:
    with engine.begin() as conn:
        for run_id, step in [("r1", "a"), ("r1", "b"), ("r2", "a")]:
            conn.execute(_RECORD, {"run_id": run_id, "step": step, "now": NOW})
    by_step = delete(erasure_steps).where(_c.step == bindparam("step"))
    none = delete(erasure_steps).where(_c.run_id == "nobody")
    by_run = delete(erasure_steps).where(_c.run_id == bindparam("run_id"))
    with engine.connect() as conn, pipeline.own_transactions(conn), _transaction(conn):
        pipeline.begin_and_run(conn, [(_ONE_RUN, {"run_id": "r1"})])
        counts = pipeline.rowcounts(conn, (by_step, none, by_run), {"step": "a", "run_id": "r1"})
    assert counts == [2, 0, 1]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(erasure_steps)).scalar_one() == 0


def test_the_last_statement_commits_what_the_first_opened(engine) -> None:
    with engine.connect() as conn, pipeline.own_transactions(conn):
        with _transaction(conn):
            [read] = pipeline.begin_and_run(conn, [(_ONE_RUN, {"run_id": "r1"})])
            assert read.rows == []
            conn.execute(_RECORD, {"run_id": "r1", "step": "a", "now": NOW})
            pipeline.execute_and_commit(
                conn, [(_RECORD, {"run_id": "r1", "step": "b", "now": NOW})]
            )
        assert _steps(engine, "r1") == ["a", "b"]  # seen from another connection

        with pytest.raises(RuntimeError), _transaction(conn):
            pipeline.begin_and_run(conn, [(_ONE_RUN, {"run_id": "r2"})])
            conn.execute(_RECORD, {"run_id": "r2", "step": "a", "now": NOW})
            raise RuntimeError("the step failed before its record")
        assert _steps(engine, "r2") == []

        with _transaction(conn):  # the connection goes on: the next transaction works
            [read] = pipeline.begin_and_run(conn, [(_ONE_RUN, {"run_id": "r1"})])
            assert [tuple(r) for r in read.rows] == [("a",), ("b",)]
            pipeline.execute_and_commit(
                conn,
                [
                    (_RECORD, {"run_id": "r2", "step": "c", "now": NOW}),
                    (_RECORD, {"run_id": "r2", "step": "d", "now": NOW}),
                ],
            )
    assert _steps(engine, "r2") == ["c", "d"]


def test_a_read_outside_a_transaction_sees_committed_rows(engine) -> None:
    with engine.begin() as conn:
        conn.execute(_RECORD, {"run_id": "r1", "step": "a", "now": NOW})
    with engine.connect() as conn:
        assert [tuple(r) for r in pipeline.fetch(conn, _ONE_RUN, {"run_id": "r1"})] == [("a",)]
        assert pipeline.fetch(conn, _ONE_RUN, {"run_id": "r2"}) == []


def test_a_chunk_read_through_the_pipeline_is_sealed_as_sqlalchemy_reads_it(engine) -> None:
    """The vault keeps rows as text (``executor._json``): a driver's plain row, read with
    others on PostgreSQL, gives the same text as SQLAlchemy's typed row (times in UTC,
    amounts with every digit)."""
    orders = [
        {
            "id": f"o{j}",
            "product": "spot",
            "symbol": "BTC/USDT",
            "side": "buy",
            "kind": "limit",
            "status": "filled",
            "quantity": "0.123456789012345678",
            "price": "65000.5",
            "created_at": f"2026-0{j + 1}-15T09:30:00.250000+02:00",
        }
        for j in range(3)
    ]
    load(engine, account("U1", orders=orders))
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # the driver then returns times in +08:00
            conn.exec_driver_sql("SET TIME ZONE 'Asia/Shanghai'")  # until the rollback
        cid = conn.execute(select(ledger.customers.c.id)).scalar_one()
        params = {"cid": cid, "last": 0}
        typed = conn.execute(ROWS_AFTER["orders"], params).all()
        [plain] = pipeline.run(conn, [(ROWS_AFTER["orders"], params)])
        typed_customer = conn.execute(CUSTOMER, params).one()  # retain:identity's row
        [plain_customer] = pipeline.run(conn, [(CUSTOMER, params)])
    assert [_json(row, plain_customer.columns) for row in plain_customer.rows] == [
        _json(typed_customer)
    ]
    assert len(typed) == 3
    sealed = [_json(row) for row in typed]
    assert [_json(row, plain.columns) for row in plain.rows] == sealed
    assert sealed[0]["created_at"] == "2026-01-15T07:30:00.250000+00:00"
    assert sealed[0]["quantity"] == "0.123456789012345678"


def test_writes_kept_for_the_commit_are_committed_with_it_or_not_at_all(engine) -> None:
    """``pipeline.Later``: on PostgreSQL the writes travel with the COMMIT (nothing is sent
    before it unless flushed); on SQLite each runs at once. Either way they commit or roll
    back with the transaction."""
    with engine.connect() as conn, conn.begin():
        later = pipeline.Later(conn)
        later.add(_RECORD, {"run_id": "r1", "step": "a", "now": NOW})
        seen = conn.execute(_ONE_RUN, {"run_id": "r1"}).scalars().all()
        assert seen == ([] if conn.dialect.name == "postgresql" else ["a"])
        later.flush()  # now in the transaction, for a statement that must see it
        later.add(_RECORD, {"run_id": "r1", "step": "b", "now": NOW})
        assert conn.execute(_ONE_RUN, {"run_id": "r1"}).scalars().all()[:1] == ["a"]
        later.commit()
    assert _steps(engine, "r1") == ["a", "b"]

    with engine.connect() as conn:
        transaction = conn.begin()
        later = pipeline.Later(conn)
        later.add(_RECORD, {"run_id": "r2", "step": "a", "now": NOW})
        later.forget()
        transaction.rollback()
    assert _steps(engine, "r2") == []
