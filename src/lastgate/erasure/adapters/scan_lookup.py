"""The verification scan's index lookups: the rows that hold one of the tokens looked up
(``lastgate.platform.db.textsearch``), read from their own tables. Candidates only: the
scan applies the rule to every value returned."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Connection,
    Select,
    Table,
    Text,
    bindparam,
    func,
    literal,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.scan_targets import applies, searched_columns, searched_tables
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db import pipeline, textsearch

#: A value found: (table, column, value).
Candidate = tuple[str, str, str | None]

# PostgreSQL: a condition each column's GIN index on its tokens answers ------------------


def postgresql_candidates(
    conn: Connection, kinds: tuple[str, ...], lookups: dict[str, str | None]
) -> list[tuple[str, str, str | None]]:
    if not kinds:
        return []
    tokens = sorted({t for w in kinds if (t := lookups[w]) is not None})
    others = sorted({t for w in kinds if w != "UID" and (t := lookups[w]) is not None})
    statement = _postgresql_statement(searched_tables())
    # Dozens of index lookups of a few rows each: the planner's estimates grow with the
    # tables (a share of their rows) until it compiles the statement (JIT, ~100 ms) or
    # starts parallel workers (~25 ms each, and each compiles the tokenizer again),
    # which costs far more than the lookups; and planning the 63 branches again for
    # every customer (a custom plan) cost about 1 ms, twice the lookups. So for this
    # statement: no JIT, no workers, the prepared statement's generic plan (the same
    # whatever the tokens: an index scan per column). Set back as they were after it
    # (kept meanwhile in settings of the transaction's own): the three travel together.
    _set, found, _back = pipeline.run(
        conn,
        [
            (_PLANNER_FOR_LOOKUPS, {}),
            (statement, {"tokens": tokens, "tokens_but_uid": others or [""]}),
            (_PLANNER_BACK, {}),
        ],
    )
    return [(t, c, v) for t, c, v in found.rows]


#: Planner settings for the lookup statement, and their values there.
_PLANNER = {
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
    "plan_cache_mode": "force_generic_plan",
}
#: Keeps each setting's value (in ``lastgate.scan_<n>``, for the transaction), then
#: sets it for the lookups; ``_PLANNER_BACK`` sets the kept values back.
_PLANNER_FOR_LOOKUPS = text(
    "SELECT "
    + ", ".join(
        f"set_config('lastgate.scan_{i}', current_setting('{name}'), true)"
        for i, name in enumerate(_PLANNER)
    )
    + ", "
    + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in _PLANNER.items())
)
_PLANNER_BACK = text(
    "SELECT "
    + ", ".join(
        f"set_config('{name}', current_setting('lastgate.scan_{i}'), true)"
        for i, name in enumerate(_PLANNER)
    )
)


@lru_cache(maxsize=4)
def _postgresql_statement(tables: tuple[Table, ...]) -> CompoundSelect[Any]:
    """Every value, in any searched column, holding one of the tokens looked up (the
    UID's left out where the UID may stay)."""
    parts = []
    for tbl in tables:
        if tbl is ledger.customers:
            continue
        for col in searched_columns(tbl):
            name = "tokens" if applies(tbl.name, col, "UID") else "tokens_but_uid"
            wanted = bindparam(name, type_=ARRAY(Text))
            parts.append(
                select(literal(tbl.name), literal(col), tbl.c[col]).where(
                    func.textsearch_tokenize(tbl.c[col]).op("&&")(wanted)
                )
            )
    return union_all(*parts)


# SQLite: the trigger-kept token table ----------------------------------------------------


#: Coverage per database and schema version (``PRAGMA schema_version`` changes with
#: every CREATE or DROP, a trigger's included).
_COVERAGE: dict[tuple[str, int], dict[int, tuple[str, str]]] = {}


def indexed(conn: Connection) -> dict[int, tuple[str, str]]:
    """code -> (table, column) for every table the SQLite token index covers completely:
    its three triggers exist and every column the scan searches has a code."""
    version = int(conn.exec_driver_sql("PRAGMA schema_version").scalar_one())
    key = (conn.engine.url.render_as_string(hide_password=True), version)
    if key not in _COVERAGE:
        _COVERAGE[key] = _coverage(conn)
    return _COVERAGE[key]


def _coverage(conn: Connection) -> dict[int, tuple[str, str]]:
    names = set(
        conn.execute(
            text("SELECT name FROM sqlite_master WHERE name LIKE :prefix"),
            {"prefix": f"{textsearch.PREFIX}%"},
        ).scalars()
    )
    if not {textsearch.COLUMNS, textsearch.TOKENS} <= names:
        return {}
    coded = {
        (tbl, col): code
        for code, tbl, col in conn.execute(text(f"SELECT code, tbl, col FROM {textsearch.COLUMNS}"))
    }
    covered: dict[int, tuple[str, str]] = {}
    for tbl in searched_tables():
        if tbl is ledger.customers:
            continue
        searched = searched_columns(tbl)
        complete = all((tbl.name, col) in coded for col in searched)
        if searched and complete and set(textsearch.trigger_names(tbl.name)) <= names:
            covered.update({coded[tbl.name, col]: (tbl.name, col) for col in searched})
    return covered


_LOOKUP = text(f"SELECT DISTINCT ref FROM {textsearch.TOKENS} WHERE token IN :tokens").bindparams(
    bindparam("tokens", expanding=True)
)
_KEYS = text(f"SELECT id, pk FROM {textsearch.KEYS} WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def sqlite_candidates(
    conn: Connection,
    codes: dict[int, tuple[str, str]],
    kinds: tuple[str, ...],
    lookups: dict[str, str | None],
) -> Iterator[tuple[str, str, str | None]]:
    """The rows holding a token looked up, read from their tables by key."""
    tokens = sorted({t for w in kinds if (t := lookups[w]) is not None})
    if not tokens or not codes:
        return
    wanted: dict[str, dict[int, set[str]]] = {}  # table -> index key -> columns
    for (ref,) in conn.execute(_LOOKUP, {"tokens": tokens}):
        key, code = divmod(ref, textsearch.SLOTS)
        if code in codes:
            name, col = codes[code]
            wanted.setdefault(name, {}).setdefault(key, set()).add(col)
    for name, by_key in sorted(wanted.items()):
        tbl, spec = metadata.tables[name], textsearch.TABLES[name]
        keys: dict[tuple[Any, ...], set[str]]
        if spec.integer_key:
            keys = {(k,): cols for k, cols in by_key.items()}
        else:
            pks: dict[int, str] = {i: pk for i, pk in conn.execute(_KEYS, {"ids": sorted(by_key)})}
            keys = {tuple(pks[k].split(textsearch.KEY_SEPARATOR)): by_key[k] for k in pks}
        yield from _rows_by_key(conn, tbl, spec.key, keys)


def _rows_by_key(
    conn: Connection, tbl: Table, key: tuple[str, ...], keys: dict[tuple[Any, ...], set[str]]
) -> Iterator[tuple[str, str, str | None]]:
    """The columns wanted of each row, by key (a text key as ``textsearch_keys`` holds it)."""
    columns = searched_columns(tbl)
    wanted_keys = [k[0] for k in keys] if len(key) == 1 else list(keys)
    integer = textsearch.TABLES[tbl.name].integer_key
    for row in conn.execute(_by_key_statement(tbl), {"keys": wanted_keys}):
        row_key = tuple(row[: len(key)]) if integer else tuple(str(v) for v in row[: len(key)])
        wanted = keys.get(row_key, set())
        for col, value in zip(columns, row[len(key) :], strict=True):
            if col in wanted:
                yield tbl.name, col, value


@lru_cache(maxsize=64)
def _by_key_statement(tbl: Table) -> Select[Any]:
    key_columns = [tbl.c[k] for k in textsearch.TABLES[tbl.name].key]
    keys: BindParameter[Any] = bindparam("keys", expanding=True)
    where = key_columns[0].in_(keys) if len(key_columns) == 1 else tuple_(*key_columns).in_(keys)
    return select(*key_columns, *(tbl.c[c] for c in searched_columns(tbl))).where(where)
