"""The audit chain on both databases: appends, verification, tampering detected."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lastgate.kernel.audit import verify_chain
from lastgate.platform import audit_log
from lastgate.platform.db.audit_tables import append_only_ddl


def _write(engine, clock, n: int, subject: str = "closure:1") -> None:
    for i in range(n):
        with engine.begin() as conn:
            audit_log.append(
                conn,
                now=clock(),
                actor="agent-ada",
                action="closure.approve",
                subject=subject,
                payload={"i": i, "note": "ok ✓"},
            )


def _tamper(engine, sql: str) -> None:
    with engine.begin() as conn:
        create, drop = append_only_ddl(conn.dialect.name)
        for statement in drop:
            conn.execute(text(statement))
        conn.execute(text(sql))
        for statement in create:
            conn.execute(text(statement))


def _breaks(engine):
    with engine.connect() as conn:
        return verify_chain(audit_log.entries(conn))


def test_an_untouched_chain_verifies(engine, clock) -> None:
    _write(engine, clock, 5)
    assert _breaks(engine) == []
    with engine.connect() as conn:
        assert audit_log.head(conn)[0] == 5


def test_an_edited_entry_is_detected(engine, clock) -> None:
    _write(engine, clock, 5)
    _tamper(engine, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    assert [b.seq for b in _breaks(engine)] == [3]


def test_a_removed_entry_is_detected(engine, clock) -> None:
    _write(engine, clock, 5)
    _tamper(engine, "DELETE FROM audit_log WHERE seq = 2")
    problems = _breaks(engine)
    assert problems and problems[0].seq == 3


def test_the_database_refuses_to_edit_or_delete_entries(engine, clock) -> None:
    _write(engine, clock, 1)
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))


def test_concurrent_appends_extend_one_chain(engine, clock) -> None:
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: _write(engine, clock, 5, f"closure:{i}"), range(4)))
    assert _breaks(engine) == []
    with engine.connect() as conn:
        assert audit_log.head(conn)[0] == 20
