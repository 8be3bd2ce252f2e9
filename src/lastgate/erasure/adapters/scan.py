"""The verification scan: after erasure, nothing outside the retained categories may still
name the customer. It is written apart from the executor and trusts none of its records:
it searches every text column of every table, and every customer link of the ledger.

What "a value names the customer" means is one rule, ``textsearch.occurs``: the UID or an
identifier (e-mail, phone, name, ID number…) appears in it with token boundaries on both
sides, ignoring case — ``U0001234`` inside ``U00012345`` is another customer. Each
identifier is looked up by its rarest token in the token index the database keeps itself
(``lastgate.platform.db.textsearch``), so the cost follows the rows that hold that token,
not the size of the tables; every value found is then read from its table and checked by
the rule. On PostgreSQL the lookup is a condition on each column that its GIN index
answers; on SQLite it reads the trigger-kept token table, then the rows by their keys.
A table whose triggers or columns are missing from the SQLite index, and an identifier
without a token to look up (a single CJK character), are searched in the tables
themselves. The customer row is read by its key only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Connection,
    Select,
    String,
    Table,
    Text,
    bindparam,
    func,
    literal,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.registry import UID_KEPT
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db import textsearch

#: Where the UID (a pseudonymous identifier, never the person's data) may remain: what
#: the data map declares (``Mapping.uid_columns``), so the scan allows nothing the map
#: does not state with its category and legal basis.
UID_ALLOWED = UID_KEPT
#: Columns whose values lastgate or the exchange generates from a closed set (codes,
#: enumerations, generated ids): they cannot hold what a person typed or is called, so
#: scanning them would cost a pass over the biggest tables for nothing.
SYSTEM_COLUMNS = frozenset(
    {
        "id",
        "ref",
        "status",
        "state",
        "kind",
        "side",
        "product",
        "symbol",
        "asset",
        "account_type",
        "direction",
        "network",
        "jurisdiction",
        "country",
        "kyc_status",
        "reason",
        "held_from",
        "cause",
        "channel",
        "topic",
        "category",
        "source",
        "step",
        "action",
        "decision",
        "method",
        "content_type",
        "sha256",
        "storage_key",
        "hash",
        "prev_hash",
        "key_id",
        "master_key_id",
        "digest",
        "run_id",
        "request_id",
        "closure_id",
        "code_hash",
        "language",
        "sub_uid",
        "subject_ref",
        "content_hash",
    }
)
#: Free-text columns that share a name with a system column above.
FREE_TEXT = frozenset({("holds", "reason")})

#: The vault: ciphertext, which names no one without the key.
SKIPPED_TABLES = frozenset({"retained_records", "customer_keys"})


@dataclass(frozen=True)
class ScanFinding:
    table: str
    column: str
    what: str
    rows: int

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.rows} row(s) hold the {self.what}"


def scan(
    conn: Connection, *, uid: str, customer_id: int, identifiers: dict[str, str]
) -> tuple[int, list[ScanFinding]]:
    """(tables checked, findings). ``identifiers``: e-mail, phone, name, ID number…"""
    links = [
        ScanFinding(name, "customer_id", "link to the customer", n)
        for name, n in conn.execute(_links_statement(), {"customer_id": customer_id})
        if n
    ]
    values = {**{what: value for what, value in identifiers.items() if value}, "UID": uid}
    kinds = (*sorted(w for w in values if w != "UID"), "UID")
    lookups = {what: textsearch.lookup_token(values[what]) for what in kinds}
    tables = _searched_tables()
    others = tuple(t for t in tables if t is not ledger.customers)
    found: Counter[tuple[str, str, str]] = Counter()
    _check(found, values, kinds, _customer_values(conn, customer_id))
    with_token = tuple(w for w in kinds if lookups[w] is not None)
    without = tuple(w for w in kinds if lookups[w] is None)
    indexed: tuple[Table, ...] = others
    unindexed: tuple[Table, ...] = ()
    if conn.dialect.name == "postgresql":
        _check(found, values, with_token, _postgresql_candidates(conn, with_token, lookups))
    else:
        codes = _indexed(conn)
        names = {name for name, _ in codes.values()}
        indexed = tuple(t for t in others if t.name in names)
        unindexed = tuple(t for t in others if t.name not in names)
        _check(found, values, with_token, _sqlite_candidates(conn, codes, with_token, lookups))
    # Searched in the tables themselves: what the index cannot serve.
    frags = {w: lookups[w] or textsearch.fold(values[w]) for w in kinds}
    _check(found, values, without, _direct_candidates(conn, indexed, without, frags))
    _check(found, values, kinds, _direct_candidates(conn, unindexed, kinds, frags))
    findings = [ScanFinding(t, c, w, n) for (t, c, w), n in found.items()]
    return len(tables), links + sorted(findings, key=lambda f: _order(f, kinds))


def _check(
    found: Counter[tuple[str, str, str]],
    values: dict[str, str],
    kinds: tuple[str, ...],
    candidates: Iterable[tuple[str, str, str | None]],
) -> None:
    """Count, per column and identifier, the candidate values the rule says hold it (one
    candidate per row and column)."""
    for table, col, value in candidates:
        if not value:
            continue
        for what in kinds:
            if _applies(table, col, what) and textsearch.occurs(values[what], value):
                found[table, col, what] += 1


def _order(finding: ScanFinding, kinds: tuple[str, ...]) -> tuple[int, int, int]:
    """Findings in the order of the tables, their columns and the values searched."""
    tbl = metadata.tables[finding.table]
    return (
        _searched_tables().index(tbl),
        list(tbl.columns.keys()).index(finding.column),
        kinds.index(finding.what),
    )


@lru_cache(maxsize=1)
def _searched_tables() -> tuple[Table, ...]:
    return tuple(t for t in metadata.sorted_tables if t.name not in SKIPPED_TABLES)


@lru_cache(maxsize=128)
def _searched_columns(tbl: Table) -> tuple[str, ...]:
    """The text columns of ``tbl`` that may hold what a person typed or is called."""
    return tuple(
        col.name
        for col in tbl.columns
        if isinstance(col.type, String)  # Text is a String; Amount is not
        and (col.name not in SYSTEM_COLUMNS or (tbl.name, col.name) in FREE_TEXT)
    )


def _applies(table: str, col: str, what: str) -> bool:
    """Whether ``col`` may not hold ``what`` (the UID may stay where the map says)."""
    return what != "UID" or (table, col) not in UID_ALLOWED


def _targets(tbl: Table, kinds: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(column, what) for every text column and every value it may not hold."""
    for col in _searched_columns(tbl):
        for what in kinds:
            if _applies(tbl.name, col, what):
                yield col, what


@lru_cache(maxsize=1)
def _links_statement() -> CompoundSelect[Any]:
    """Rows per ledger table still linked to the customer, in one statement."""
    customer_id: BindParameter[int] = bindparam("customer_id")
    return union_all(
        *(
            select(literal(table.name), func.count())
            .select_from(table)
            .where(table.c.customer_id == customer_id)
            for table in ledger.CUSTOMER_TABLES
        )
    )


def _customer_values(conn: Connection, customer_id: int) -> Iterator[tuple[str, str, str | None]]:
    """The customer's own row, by its key (other customers' rows are theirs: a namesake,
    or a shared family phone, is not this customer)."""
    columns = _searched_columns(ledger.customers)
    row = conn.execute(_customer_statement(), {"customer_id": customer_id}).first()
    if row is not None:
        yield from ((ledger.customers.name, col, v) for col, v in zip(columns, row, strict=True))


@lru_cache(maxsize=1)
def _customer_statement() -> Select[Any]:
    tbl = ledger.customers
    return select(*(tbl.c[c] for c in _searched_columns(tbl))).where(
        tbl.c.id == bindparam("customer_id")
    )


# PostgreSQL: a condition each column's GIN index on its tokens answers ------------------


def _postgresql_candidates(
    conn: Connection, kinds: tuple[str, ...], lookups: dict[str, str | None]
) -> list[tuple[str, str, str | None]]:
    if not kinds:
        return []
    tokens = sorted({t for w in kinds if (t := lookups[w]) is not None})
    others = sorted({t for w in kinds if w != "UID" and (t := lookups[w]) is not None})
    statement = _postgresql_statement(_searched_tables())
    # Dozens of index lookups of a few rows each: the planner's estimates grow with the
    # tables (a share of their rows) until it compiles the statement (JIT, ~100 ms) or
    # starts parallel workers (~25 ms each, and each compiles the tokenizer again),
    # which costs far more than the lookups. Off for this statement, as they were after.
    before = conn.execute(_PLANNER_OFF).one()
    try:
        rows = conn.execute(statement, {"tokens": tokens, "tokens_but_uid": others or [""]})
        return [(t, c, v) for t, c, v in rows]
    finally:
        conn.execute(_PLANNER_SET, dict(zip(_PLANNER_SETTINGS, before[:2], strict=True)))


_PLANNER_SETTINGS = ("jit", "max_parallel_workers_per_gather")
_PLANNER_OFF = text(
    "SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather'), "
    "set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)"
)
_PLANNER_SET = text(
    "SELECT set_config('jit', :jit, true), "
    "set_config('max_parallel_workers_per_gather', :max_parallel_workers_per_gather, true)"
)


@lru_cache(maxsize=4)
def _postgresql_statement(tables: tuple[Table, ...]) -> CompoundSelect[Any]:
    """Every value, in any searched column, holding one of the tokens looked up (the
    UID's left out where the UID may stay)."""
    parts = []
    for tbl in tables:
        if tbl is ledger.customers:
            continue
        for col in _searched_columns(tbl):
            name = "tokens" if _applies(tbl.name, col, "UID") else "tokens_but_uid"
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


def _indexed(conn: Connection) -> dict[int, tuple[str, str]]:
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
    for tbl in _searched_tables():
        if tbl is ledger.customers:
            continue
        searched = _searched_columns(tbl)
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


def _sqlite_candidates(
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
    columns = _searched_columns(tbl)
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
    return select(*key_columns, *(tbl.c[c] for c in _searched_columns(tbl))).where(where)


# Searching the tables themselves ---------------------------------------------------------


def _direct_candidates(
    conn: Connection, tables: tuple[Table, ...], kinds: tuple[str, ...], frags: dict[str, str]
) -> list[tuple[str, str, str | None]]:
    """Values holding, after folding, the looked-up token (or the whole identifier) of one
    of ``kinds``: a superset of what the rule accepts, read from every row."""
    statement = _direct_statement(tables, kinds, conn.dialect.name)
    if statement is None:
        return []
    return [
        (t, c, v) for t, c, v in conn.execute(statement, {f"frag_{w}": frags[w] for w in kinds})
    ]


@lru_cache(maxsize=64)
def _direct_statement(
    tables: tuple[Table, ...], kinds: tuple[str, ...], dialect: str
) -> CompoundSelect[Any] | None:
    position = func.strpos if dialect == "postgresql" else func.instr
    parts = []
    for tbl in tables:
        for col in _searched_columns(tbl):
            folded: ColumnElement[str] = func.textsearch_fold(tbl.c[col])
            conditions = [
                position(folded, bindparam(f"frag_{what}")) > 0
                for what in kinds
                if _applies(tbl.name, col, what)
            ]
            if conditions:
                parts.append(
                    select(literal(tbl.name), literal(col), tbl.c[col]).where(or_(*conditions))
                )
    return union_all(*parts) if parts else None
