"""The verification scan: after erasure, nothing outside the retained categories may still
name the customer. It is written apart from the executor and trusts none of its records:
it searches every text column of every table, and every customer link of the ledger.

Its cost does not grow with the tables: each search is served by a substring index the
database keeps itself (``lastgate.platform.db.textsearch``). On PostgreSQL the queries
are plain ``LIKE``/``=`` over the tables, which the planner answers from the trigram
indexes. On SQLite the FTS5 trigram copy, kept by triggers, finds the candidate values,
and the same conditions are applied to them; a table whose triggers or columns are
missing from the index, and a string shorter than a trigram, are searched in the table
itself. The customer row is read by its key only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    String,
    Table,
    Text,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)

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

#: How a column may hold a value: inside its text, as the whole value, or (the UID in
#: JSON text) as a quoted value.
CONTAINS, EQUALS, QUOTED = "contains", "equals", "quoted"


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
    needles = {what: value for what, value in identifiers.items() if value}
    values = {**needles, "UID": uid}
    params = _parameters(uid, customer_id, needles)
    kinds = (*sorted(needles), "UID")
    tables = _searched_tables()
    codes = _indexed(conn)
    indexed = {name for name, _ in codes.values()}
    short = tuple(w for w in kinds if len(values[w]) < textsearch.MIN_LENGTH)
    found = _table_findings(conn, tuple(t for t in tables if t.name not in indexed), kinds, params)
    if indexed:
        found += _indexed_findings(
            conn, codes, tuple(w for w in kinds if w not in short), values, params
        )
        # Too short for a trigram: searched in the indexed tables themselves.
        found += _table_findings(conn, tuple(t for t in tables if t.name in indexed), short, params)
    return len(tables), links + sorted(found, key=lambda f: _order(f, kinds))


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
def _searched_columns(tbl: Table) -> frozenset[str]:
    return frozenset(col for col, _, _ in _targets(tbl, ("UID", "any")))


def _parameters(uid: str, customer_id: int, needles: dict[str, str]) -> dict[str, object]:
    """Bound values: each identifier as itself and as an escaped LIKE pattern."""
    values = {**needles, "UID": uid}
    params: dict[str, object] = {"customer_id": customer_id}
    for what, value in values.items():
        escaped = value.replace("/", "//").replace("%", "/%").replace("_", "/_")
        params[f"eq_{what}"] = value
        params[f"like_{what}"] = f"%{escaped}%"
        params[f"quoted_{what}"] = f'%"{escaped}"%'
    return params


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


def _targets(table: Table, needle_kinds: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
    """(column, what, how) for every text column and every value it may not hold."""
    for col in table.columns:
        if not isinstance(col.type, String):  # Text is a String; Amount is not
            continue
        if col.name in SYSTEM_COLUMNS and (table.name, col.name) not in FREE_TEXT:
            continue
        for what in needle_kinds:
            if what != "UID":
                yield col.name, what, CONTAINS
            elif (table.name, col.name) not in UID_ALLOWED:
                yield col.name, what, QUOTED if isinstance(col.type, Text) else EQUALS


def _match(value: ColumnElement[Any], what: str, how: str) -> ColumnElement[bool]:
    """``value`` holds ``what``: the one rule, on a table's column or an indexed copy."""
    equal = value == bindparam(f"eq_{what}")
    if how == EQUALS:
        return equal
    if how == CONTAINS:  # the whole value is inside it too: no equality needed
        return value.like(bindparam(f"like_{what}"), escape="/")
    return or_(equal, value.like(bindparam(f"quoted_{what}"), escape="/"))


# Searching the tables themselves (PostgreSQL: served by the trigram indexes) -------------


def _table_findings(
    conn: Connection, tables: tuple[Table, ...], kinds: tuple[str, ...], params: dict[str, object]
) -> list[ScanFinding]:
    """One statement counts the hits of every table; only a table with hits is broken down."""
    statement = _any_hit(tables, kinds)
    if statement is None:
        return []
    findings = []
    for name, hits in conn.execute(statement, params).all():
        if not hits:
            continue
        breakdown = _breakdown(metadata.tables[name], kinds)
        counts = conn.execute(breakdown.statement, params).one()
        for (col, what), n in zip(breakdown, counts, strict=True):
            if n:
                findings.append(ScanFinding(name, col, what, n))
    return findings


@dataclass(frozen=True)
class _Breakdown:
    """One statement counting the rows that match each condition, and what each names."""

    statement: Select[Any]
    labels: tuple[tuple[str, str], ...]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.labels)


@lru_cache(maxsize=64)
def _any_hit(tables: tuple[Table, ...], kinds: tuple[str, ...]) -> CompoundSelect[Any] | None:
    """Rows matching any condition, per table, in one statement (built once, values bound)."""
    parts = []
    for tbl in tables:
        conditions = [c for _, _, c in _conditions(tbl, kinds)]
        if conditions:
            where = or_(*conditions)
            if tbl is ledger.customers:
                # Other customers' own rows are theirs: a namesake, or a shared family
                # phone, is not this customer. The key goes first: one row is read.
                where = (ledger.customers.c.id == bindparam("customer_id")) & where
            parts.append(select(literal(tbl.name), func.count()).select_from(tbl).where(where))
    return union_all(*parts) if parts else None


@lru_cache(maxsize=512)
def _breakdown(tbl: Table, kinds: tuple[str, ...]) -> _Breakdown:
    conditions = list(_conditions(tbl, kinds))
    statement = select(
        *(func.coalesce(func.sum(case((c, 1), else_=0)), 0) for _, _, c in conditions)
    ).select_from(tbl)
    if tbl is ledger.customers:
        statement = statement.where(ledger.customers.c.id == bindparam("customer_id"))
    return _Breakdown(statement, tuple((col, what) for col, what, _ in conditions))


def _conditions(
    tbl: Table, kinds: tuple[str, ...]
) -> Iterator[tuple[str, str, ColumnElement[bool]]]:
    for col, what, how in _targets(tbl, kinds):
        yield col, what, _match(tbl.c[col], what, how)


# Searching SQLite's FTS5 trigram copy ----------------------------------------------------

_FTS = table(textsearch.FTS, column("rowid", Integer), column("value", String))
_CODE = (_FTS.c.rowid % textsearch.SLOTS).label("code")


#: Coverage per database and schema version (``PRAGMA schema_version`` changes with
#: every CREATE or DROP, a trigger's included).
_COVERAGE: dict[tuple[str, int], dict[int, tuple[str, str]]] = {}


def _indexed(conn: Connection) -> dict[int, tuple[str, str]]:
    """code -> (table, column) for every table the FTS5 copy covers completely: its three
    triggers exist and every column the scan searches has a code. Empty on PostgreSQL."""
    if conn.dialect.name != "sqlite":
        return {}
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
    if textsearch.COLUMNS not in names or textsearch.FTS not in names:
        return {}
    coded = {
        (tbl, col): code
        for code, tbl, col in conn.execute(text(f"SELECT code, tbl, col FROM {textsearch.COLUMNS}"))
    }
    covered: dict[int, tuple[str, str]] = {}
    for tbl in _searched_tables():
        searched = _searched_columns(tbl)
        complete = all((tbl.name, col) in coded for col in searched)
        if searched and complete and set(textsearch.trigger_names(tbl.name)) <= names:
            covered.update({coded[tbl.name, col]: (tbl.name, col) for col in searched})
    return covered


def _indexed_findings(
    conn: Connection,
    codes: dict[int, tuple[str, str]],
    kinds: tuple[str, ...],
    values: dict[str, str],
    params: dict[str, object],
) -> list[ScanFinding]:
    """The candidates the trigram index finds for any of the values (a superset: it
    ignores case), counted per column and per condition the column is subject to."""
    statement, pairs = _indexed_statement(kinds)
    query = " OR ".join(textsearch.phrase(values[what]) for what in kinds)
    findings = []
    for code, *counts in conn.execute(statement, {**params, "fts_query": query}):
        if code not in codes:
            continue
        name, col = codes[code]
        n_by_pair = dict(zip(pairs, counts, strict=True))
        for col_, what, how in _targets(metadata.tables[name], kinds):
            n = n_by_pair[what, how] if col_ == col else 0
            if n:
                findings.append(ScanFinding(name, col, what, n))
    return findings


@lru_cache(maxsize=16)
def _indexed_statement(kinds: tuple[str, ...]) -> tuple[Select[Any], tuple[tuple[str, str], ...]]:
    pairs = tuple(
        (what, how)
        for what in kinds
        for how in ((EQUALS, QUOTED) if what == "UID" else (CONTAINS,))
    )
    statement = (
        select(
            _CODE,
            *(func.sum(case((_match(_FTS.c.value, what, how), 1), else_=0)) for what, how in pairs),
        )
        .where(literal_column(textsearch.FTS).op("MATCH")(bindparam("fts_query")))
        .group_by(_CODE)
    )
    return statement, pairs
