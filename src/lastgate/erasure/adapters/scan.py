"""The verification scan: after erasure, nothing outside the retained categories may still
name the customer. It is written apart from the executor and trusts none of its records:
it searches every text column of every table, and every customer link of the ledger.
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
    Select,
    String,
    Table,
    Text,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.registry import UID_KEPT
from lastgate.ledger.adapters import tables as ledger

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
    }
)
#: Free-text columns that share a name with a system column above.
FREE_TEXT = frozenset({("holds", "reason")})

#: Documents lastgate generates and signs for one customer, from the data map and the
#: scan's own result: only the customer's own row is searched. Reading every certificate
#: ever issued at each erasure made the scan's cost grow with the number of closed
#: accounts (10,000 erasures on PostgreSQL slowed from 7 to 3 a second). That a
#: certificate names nobody is checked by the erasure tests on the finished run.
OWN_ROW_ONLY = frozenset({("erasure_runs", "certificate")})

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
    findings: list[ScanFinding] = []
    for name, n in conn.execute(_links_statement(), {"customer_id": customer_id}):
        if n:
            findings.append(ScanFinding(name, "customer_id", "link to the customer", n))
    needles = {what: value for what, value in identifiers.items() if value}
    params = _parameters(uid, customer_id, needles)
    checked = 0
    for table in metadata.sorted_tables:
        if table.name in SKIPPED_TABLES:
            continue
        checked += 1
        statements = _table_statements(table, tuple(sorted(needles)))
        if statements is None:
            continue
        # One pass over the table for every column and identifier; only a hit is broken down.
        any_hit, breakdown = statements
        if not conn.execute(any_hit, params).scalar_one():
            continue
        counts = conn.execute(breakdown.statement, params).one()
        for (column, what), n in zip(breakdown, counts, strict=True):
            if n:
                findings.append(ScanFinding(table.name, column, what, n))
    return checked, findings


@dataclass(frozen=True)
class _Breakdown:
    """One statement counting the rows that match each condition, and what each names."""

    statement: Select[Any]
    labels: tuple[tuple[str, str], ...]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.labels)


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


@lru_cache(maxsize=512)
def _table_statements(
    table: Table, needle_kinds: tuple[str, ...]
) -> tuple[Select[Any], _Breakdown] | None:
    """The "any hit" statement and the per-condition breakdown of one table, built once per
    table and set of identifier kinds: values are bound at execution."""
    conditions = list(_conditions(table, needle_kinds))
    if not conditions:
        return None
    any_hit = select(func.count()).select_from(table).where(or_(*(c for _, _, c in conditions)))
    breakdown = select(
        *(func.coalesce(func.sum(case((c, 1), else_=0)), 0) for _, _, c in conditions)
    ).select_from(table)
    return any_hit, _Breakdown(breakdown, tuple((col, what) for col, what, _ in conditions))


def _conditions(
    table: Table, needle_kinds: tuple[str, ...]
) -> Iterator[tuple[str, str, ColumnElement[bool]]]:
    """(column, what, condition) for every text column and every identifier it may hold."""
    for column in table.columns:
        if not isinstance(column.type, String):  # Text is a String; Amount is not
            continue
        if column.name in SYSTEM_COLUMNS and (table.name, column.name) not in FREE_TEXT:
            continue
        targets = list(needle_kinds)
        if (table.name, column.name) not in UID_ALLOWED:
            targets.append("UID")
        for what in targets:
            equal = column == bindparam(f"eq_{what}")
            if what != "UID":
                condition = or_(equal, column.like(bindparam(f"like_{what}"), escape="/"))
            elif isinstance(column.type, Text):  # JSON text: the UID as a quoted value
                condition = or_(equal, column.like(bindparam(f"quoted_{what}"), escape="/"))
            else:
                condition = equal
            # The row test goes first: databases evaluate AND left to right inside an OR,
            # and the equality is what spares the LIKE on every other row.
            if table is ledger.customers:
                # Other customers' own rows are theirs: a namesake, or a shared family
                # phone, is not this customer.
                condition = (ledger.customers.c.id == bindparam("customer_id")) & condition
            elif (table.name, column.name) in OWN_ROW_ONLY:
                condition = (table.c.uid == bindparam("eq_UID")) & condition
            yield column.name, what, condition
