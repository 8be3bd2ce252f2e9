"""Several statements in one round trip on PostgreSQL (psycopg's pipeline mode), for work
that runs a handful of statements per transaction many times over (the erasure runner's
steps). On SQLite each statement simply runs in turn.

A statement is still written once, as SQLAlchemy; it is compiled for PostgreSQL once,
its placeholders numbered (``$1``…, what the server takes: the driver has nothing left
to rewrite, which for a long statement it would do again on every execution), and then
sent as prepared text on the driver's own connection, as the eligibility reader and the
token lookup do. Values are bound as psycopg binds them, so a statement here takes
plain values (strings, integers, aware datetimes), none needing a column type's own
conversion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import psycopg
from sqlalchemy import Connection
from sqlalchemy.sql import Executable

#: id(statement) -> (statement, text with ``$n``, the name bound at each n, own values).
_COMPILED: dict[int, tuple[Executable, str, tuple[str, ...], dict[str, Any]]] = {}
#: A placeholder of SQLAlchemy's PostgreSQL text (``%(name)s``), or an escaped ``%``.
_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%")

Params = Mapping[str, object]


class Sent(NamedTuple):
    """What one statement sent with others did: the rows it touched, the rows it read
    (as the driver returns them on PostgreSQL) and their column names."""

    rowcount: int
    rows: list[Any]
    columns: tuple[str, ...] = ()


def pg_text(
    conn: Connection, statement: Executable, params: Params
) -> tuple[str, tuple[object, ...]]:
    """``statement`` as PostgreSQL text with numbered placeholders (compiled once) and
    its values in their order: ``params`` and the values the statement itself holds (a
    literal, a LIMIT)."""
    found = _COMPILED.get(id(statement))
    if found is None or found[0] is not statement:
        compiled = statement.compile(dialect=conn.dialect)  # type: ignore[attr-defined]
        found = (statement, *_numbered(str(compiled)), dict(compiled.params))
        _COMPILED[id(statement)] = found
    _statement, text, names, own = found
    values = {**own, **params} if own else params
    return text, tuple(values[name] for name in names)


def _numbered(text: str) -> tuple[str, tuple[str, ...]]:
    """``%(name)s`` placeholders as ``$1``… (one number per name) and ``%%`` as ``%``."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PLACEHOLDER.sub(number, text), tuple(names)


def _cursor(driver: Any) -> Any:
    """A cursor that sends ``pg_text``'s text as it is (``$n`` placeholders)."""
    return psycopg.RawCursor(driver)


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _driver(conn: Connection) -> Any:
    return conn.connection.driver_connection


@contextmanager
def own_transactions(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, let the caller open each transaction itself (``begin_and_run``)
    so that BEGIN travels with the first statement: the connection is in autocommit and
    ``BEGIN`` is sent as a statement. Everything run between that BEGIN and a COMMIT or
    ROLLBACK is one transaction, as usual. On SQLite nothing changes."""
    if is_postgresql(conn):
        conn.execution_options(isolation_level="AUTOCOMMIT")
    yield


def fetch(conn: Connection, statement: Executable, params: Params) -> list[Any]:
    """The rows of one read, outside any transaction (one statement, one snapshot): on
    PostgreSQL in autocommit, prepared, so the pool's rollback on return sends nothing."""
    if not is_postgresql(conn):
        with conn.begin():
            return list(conn.execute(statement, params))
    conn.execution_options(isolation_level="AUTOCOMMIT")
    cursor = _cursor(_driver(conn))
    try:
        cursor.execute(*pg_text(conn, statement, params), prepare=True)
        rows: list[Any] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


def fetch_each(conn: Connection, batch: Sequence[tuple[Executable, Params]]) -> list[list[Any]]:
    """The rows of each read of ``batch``, outside any transaction (each statement its
    own snapshot, as ``fetch``); on PostgreSQL all in one round trip."""
    if not is_postgresql(conn):
        return [fetch(conn, statement, params) for statement, params in batch]
    if not batch:
        return []
    conn.execution_options(isolation_level="AUTOCOMMIT")
    return [sent.rows for sent in run(conn, batch)]


def begin_and_run(conn: Connection, batch: Sequence[tuple[Executable, Params]]) -> list[Sent]:
    """Open a transaction and run ``batch`` in it (as ``run``). On PostgreSQL (inside
    ``own_transactions``) the BEGIN and the statements are one round trip; each statement
    still sees what was committed when it began, after the one before it finished."""
    if not is_postgresql(conn):
        return run(conn, batch)
    return run(conn, batch, begin=True)


def rowcounts(conn: Connection, statements: Sequence[Executable], params: Params) -> list[int]:
    """Run ``statements``, none depending on another's result, with the same values; the
    rows each touched. On PostgreSQL they travel together: one round trip."""
    return [sent.rowcount for sent in run(conn, [(s, params) for s in statements])]


def run(
    conn: Connection, batch: Sequence[tuple[Executable, Params]], *, begin: bool = False
) -> list[Sent]:
    """Run each statement of ``batch`` with its values, in order, none depending on
    another's result: each one's row count and rows (none for a write). On PostgreSQL
    they travel together: one round trip."""
    if not is_postgresql(conn):
        sent = []
        for statement, params in batch:
            result = conn.execute(statement, params)
            if result.returns_rows:
                sent.append(Sent(result.rowcount, list(result), tuple(result.keys())))
            else:
                sent.append(Sent(result.rowcount, []))
        return sent
    driver = _driver(conn)
    cursors = [_cursor(driver) for _ in batch]
    try:
        with driver.pipeline():
            if begin:
                driver.execute("BEGIN", prepare=False)
            for cursor, (statement, params) in zip(cursors, batch, strict=True):
                cursor.execute(*pg_text(conn, statement, params), prepare=True)
        return [_sent(cursor) for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def commit_and_begin(
    conn: Connection,
    last: Sequence[tuple[Executable, Params]],
    batch: Sequence[tuple[Executable, Params]],
) -> list[Sent]:
    """PostgreSQL only (inside ``own_transactions``): run ``last`` (writes) and COMMIT,
    then open the next transaction and run ``batch`` in it (as ``begin_and_run``), all in
    one round trip. If a statement of ``last`` or the COMMIT fails, nothing after it runs
    (the server skips the rest of the pipeline) and the error is raised."""
    driver = _driver(conn)
    head, cursors = _cursor(driver), [_cursor(driver) for _ in batch]
    try:
        with driver.pipeline():
            for statement, params in last:
                head.execute(*pg_text(conn, statement, params), prepare=True)
            head.execute("COMMIT", prepare=False)
            head.execute("BEGIN", prepare=False)
            for cursor, (statement, params) in zip(cursors, batch, strict=True):
                cursor.execute(*pg_text(conn, statement, params), prepare=True)
        return [_sent(cursor) for cursor in cursors]
    finally:
        for cursor in (head, *cursors):
            cursor.close()


def commit(conn: Connection) -> None:
    """Commit the transaction the caller opened (``own_transactions``)."""
    _driver(conn).commit()


def rollback(conn: Connection) -> None:
    """Roll back the transaction the caller opened, if one is open."""
    _driver(conn).rollback()


def _sent(cursor: Any) -> Sent:
    description = cursor.description  # psycopg builds its columns anew at every access
    if description is None:
        return Sent(int(cursor.rowcount), [])
    columns = tuple(d.name for d in description)
    return Sent(int(cursor.rowcount), cursor.fetchall(), columns)


def execute_and_commit(conn: Connection, batch: Sequence[tuple[Executable, Params]]) -> None:
    """Run ``batch`` (writes) and commit the transaction; on PostgreSQL one round trip."""
    if not is_postgresql(conn):
        for statement, params in batch:
            conn.execute(statement, params)
        return  # the caller's transaction block commits
    _commit_with(conn, batch)


def _commit_with(conn: Connection, batch: Sequence[tuple[Executable, Params]]) -> None:
    driver = _driver(conn)
    cursor = _cursor(driver)
    try:
        with driver.pipeline():
            for statement, params in batch:
                cursor.execute(*pg_text(conn, statement, params), prepare=True)
            cursor.execute("COMMIT", prepare=False)
    finally:
        cursor.close()


class Later:
    """Writes a unit of work needs no answer from (an audit entry, a queued notice), kept
    to travel with its COMMIT on PostgreSQL (``commit``: one round trip for them all);
    on SQLite each runs at once. Only for rows nothing reads back before the commit:
    they are written in order, at the end of the same transaction."""

    def __init__(self, conn: Connection, *, keep: bool = True) -> None:
        self._conn = conn
        self._kept: list[tuple[Executable, Params]] = []
        self._keeps = keep and is_postgresql(conn)  # keep=False: every write at once

    def add(self, statement: Executable, params: Params) -> None:
        if self._keeps:
            self._kept.append((statement, params))
        else:
            self._conn.execute(statement, params)

    def commit(self) -> None:
        """PostgreSQL: send what was kept and COMMIT the connection's transaction (the
        caller's transaction object then has nothing left to send)."""
        kept, self._kept = self._kept, []
        if kept:
            _commit_with(self._conn, kept)

    def flush(self) -> None:
        """Send what was kept now (for a statement that must see those rows)."""
        kept, self._kept = self._kept, []
        if kept:
            run(self._conn, kept)

    def forget(self) -> None:
        self._kept = []
