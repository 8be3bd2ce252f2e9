"""The bulk sweep's statements replayed in DuckDB on the same data: how far the sweep on
PostgreSQL is from an analytical engine doing the same reading.

Used by ``python -m bench.bulk_sweep --db postgresql --duckdb``: the sweep runs once on
PostgreSQL untimed with its statements recorded (the SQL text and the bound values of
every chunk, exactly as ``lastgate.eligibility.adapters.bulk_sql.fetch`` receives them),
the ledger's tables are copied into an in-memory DuckDB database (``COPY … TO STDOUT`` as
CSV, loaded with the column types PostgreSQL reports), and the recorded statements are
replayed there, every row fetched. The timed PostgreSQL sweep does all of that *and*
turns the rows into verdicts in Python, so the ratio sweep / replay is an upper bound of
how much slower PostgreSQL is at the same reading.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from lastgate.eligibility.adapters import bulk_sql
from lastgate.eligibility.adapters.bulk import sweep
from lastgate.platform.policy_files import PolicyDirectory

#: PostgreSQL column types → DuckDB's. Amounts become DOUBLE: DuckDB's widest decimal,
#: DECIMAL(38, 18), overflows on amount * price, and the sweep's SQL only sorts rows into
#: clear and borderline bands (borderline ones are judged exactly in Python afterwards).
_TYPES = {
    "numeric": "DOUBLE",
    "bigint": "BIGINT",
    "integer": "BIGINT",
    "smallint": "BIGINT",
    "boolean": "BOOLEAN",
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "timestamp with time zone": "TIMESTAMPTZ",
    "timestamp without time zone": "TIMESTAMP",
    "date": "DATE",
    "json": "JSON",
    "jsonb": "JSON",
}

Statement = tuple[str, dict[str, Any]]


@contextmanager
def _recording(into: list[Statement]) -> Iterator[None]:
    original = bulk_sql.fetch

    def fetch(conn: Any, d: Any, sql: str, params: dict[str, Any]) -> list[Any]:
        into.append((sql, dict(params)))
        return original(conn, d, sql, params)

    bulk_sql.fetch = fetch  # type: ignore[assignment]
    try:
        yield
    finally:
        bulk_sql.fetch = original  # type: ignore[assignment]


def record(engine: Engine, now: datetime, chunk: int) -> list[Statement]:
    """Every statement one whole sweep runs, with its parameters (untimed)."""
    statements: list[Statement] = []
    with _recording(statements):
        for _ in sweep(engine, PolicyDirectory.load(), now, chunk_size=chunk):
            pass
    return statements


def _tables(statements: list[Statement]) -> set[str]:
    names: set[str] = set()
    for sql, _ in statements:
        names.update(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)\b", sql))
    return names


def load(engine: Engine, statements: list[Statement]) -> tuple[Any, float, int]:
    """An in-memory DuckDB with every table the statements read; (db, seconds, rows)."""
    import duckdb

    db = duckdb.connect()
    started, rows = time.perf_counter(), 0
    with engine.connect() as conn, tempfile.TemporaryDirectory() as folder:
        for table in sorted(_tables(statements)):
            columns = conn.execute(
                text(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = :t AND table_schema = current_schema() "
                    "ORDER BY ordinal_position"
                ),
                {"t": table},
            ).all()
            if not columns:
                continue  # a CTE's name, not a table
            ddl = ", ".join(f'"{name}" {_TYPES.get(kind, "VARCHAR")}' for name, kind in columns)
            db.execute(f"CREATE TABLE {table} ({ddl})")
            path = Path(folder) / f"{table}.csv"
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with path.open("wb") as out, cursor.copy(f"COPY {table} TO STDOUT WITH CSV") as copy:
                for data in copy:
                    out.write(data)
            db.execute(f"COPY {table} FROM '{path}' (FORMAT CSV, HEADER false)")
            rows += db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return db, time.perf_counter() - started, rows


def replay_postgresql(engine: Engine, statements: list[Statement]) -> tuple[float, int]:
    """The same statements on PostgreSQL through the sweep's own fetch: (seconds, rows) —
    the sweep's SQL alone, without its Python, one statement after the other on one
    connection (the sweep itself runs two chunks at once on two)."""
    d = bulk_sql.dialect("postgresql")
    with engine.connect() as conn:
        started, rows = time.perf_counter(), 0
        for sql, params in statements:
            rows += len(bulk_sql.fetch(conn, d, sql, params))
        return time.perf_counter() - started, rows


def _duckdb_sql(sql: str) -> str:
    return re.sub(r"(?<![:\w]):(\w+)", r"$\1", sql)


def replay(db: Any, statements: list[Statement]) -> tuple[float, int]:
    """Run every recorded statement in DuckDB, fetching every row: (seconds, rows)."""
    prepared = [(_duckdb_sql(sql), params) for sql, params in statements]
    started, rows = time.perf_counter(), 0
    for sql, params in prepared:
        names = set(re.findall(r"\$(\w+)", sql))
        used = {k: v for k, v in params.items() if k in names}
        rows += len(db.execute(sql, used).fetchall())
    return time.perf_counter() - started, rows
