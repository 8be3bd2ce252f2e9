"""The verification scan: after erasure, nothing outside the retained categories may still
name the customer. It is written apart from the executor and trusts none of its records:
it searches every text column of every table, and every customer link of the ledger.

What "a value names the customer" means is one rule, ``textrule.occurs``: the UID or an
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
    Table,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import Executable

from lastgate.erasure.adapters import scan_lookup
from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.scan_targets import (
    SKIPPED_TABLES,
    UID_ALLOWED,
    applies,
    searched_columns,
    searched_tables,
)
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db import pipeline, textrule

__all__ = ["SKIPPED_TABLES", "UID_ALLOWED", "ScanFinding", "scan"]


@dataclass(frozen=True)
class ScanFinding:
    table: str
    column: str
    what: str
    rows: int

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.rows} row(s) hold the {self.what}"


def first_reads(customer_id: int) -> list[tuple[Executable, pipeline.Params]]:
    """What the scan reads before its lookups (the rows linked to the customer, their own
    row): a caller may send them with its own (``scan``'s ``first``)."""
    params = {"customer_id": customer_id}
    return [(_links_statement(), params), (_customer_statement(), params)]


def scan(
    conn: Connection,
    *,
    uid: str,
    customer_id: int,
    identifiers: dict[str, str],
    first: tuple[pipeline.Sent, pipeline.Sent] | None = None,
) -> tuple[int, list[ScanFinding]]:
    """(tables checked, findings). ``identifiers``: e-mail, phone, name, ID number…
    ``first``: what ``first_reads`` read in this transaction, if the caller read it."""
    linked, customer = first or pipeline.run(conn, first_reads(customer_id))
    links = [
        ScanFinding(name, "customer_id", "link to the customer", n) for name, n in linked.rows if n
    ]
    values = {**{what: value for what, value in identifiers.items() if value}, "UID": uid}
    kinds = (*sorted(w for w in values if w != "UID"), "UID")
    lookups = {what: textrule.lookup_token(values[what]) for what in kinds}
    tables = searched_tables()
    others = tuple(t for t in tables if t is not ledger.customers)
    found: Counter[tuple[str, str, str]] = Counter()
    _check(found, values, kinds, _customer_values(customer))
    with_token = tuple(w for w in kinds if lookups[w] is not None)
    without = tuple(w for w in kinds if lookups[w] is None)
    indexed: tuple[Table, ...] = others
    unindexed: tuple[Table, ...] = ()
    candidates: Iterable[scan_lookup.Candidate]
    if conn.dialect.name == "postgresql":
        candidates = scan_lookup.postgresql_candidates(conn, with_token, lookups)
    else:
        codes = scan_lookup.indexed(conn)
        names = {name for name, _ in codes.values()}
        indexed = tuple(t for t in others if t.name in names)
        unindexed = tuple(t for t in others if t.name not in names)
        candidates = scan_lookup.sqlite_candidates(conn, codes, with_token, lookups)
    _check(found, values, with_token, candidates)
    # Searched in the tables themselves: what the index cannot serve.
    frags = {w: lookups[w] or textrule.fold(values[w]) for w in kinds}
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
            if applies(table, col, what) and textrule.occurs(values[what], value):
                found[table, col, what] += 1


def _order(finding: ScanFinding, kinds: tuple[str, ...]) -> tuple[int, int, int]:
    """Findings in the order of the tables, their columns and the values searched."""
    tbl = metadata.tables[finding.table]
    return (
        searched_tables().index(tbl),
        list(tbl.columns.keys()).index(finding.column),
        kinds.index(finding.what),
    )


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


def _customer_values(customer: pipeline.Sent) -> Iterator[tuple[str, str, str | None]]:
    """The customer's own row, read by its key (other customers' rows are theirs: a
    namesake, or a shared family phone, is not this customer)."""
    columns = searched_columns(ledger.customers)
    for row in customer.rows[:1]:
        yield from ((ledger.customers.name, col, v) for col, v in zip(columns, row, strict=True))


@lru_cache(maxsize=1)
def _customer_statement() -> Select[Any]:
    tbl = ledger.customers
    return select(*(tbl.c[c] for c in searched_columns(tbl))).where(
        tbl.c.id == bindparam("customer_id")
    )


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
        for col in searched_columns(tbl):
            folded: ColumnElement[str] = func.textsearch_fold(tbl.c[col])
            conditions = [
                position(folded, bindparam(f"frag_{what}")) > 0
                for what in kinds
                if applies(tbl.name, col, what)
            ]
            if conditions:
                parts.append(
                    select(literal(tbl.name), literal(col), tbl.c[col]).where(or_(*conditions))
                )
    return union_all(*parts) if parts else None
