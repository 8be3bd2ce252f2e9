"""The verification scan: after erasure, nothing outside the retained categories may still
name the customer. It is written apart from the executor and trusts none of its records:
it searches every text column of every table, and every customer link of the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, String, Table, Text, func, or_, select

from lastgate.adapters.db import tables as ledger
from lastgate.adapters.db.schema import metadata

#: Where the UID (a pseudonymous identifier, never the person's data) may remain.
UID_ALLOWED = frozenset(
    {
        ("customers", "uid"),
        ("closure_requests", "uid"),
        ("erasure_runs", "uid"),
        ("erasure_runs", "certificate"),
        ("audit_log", "payload"),
    }
)
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
    for table in ledger.CUSTOMER_TABLES:
        n = conn.execute(
            select(func.count()).select_from(table).where(table.c.customer_id == customer_id)
        ).scalar_one()
        if n:
            findings.append(ScanFinding(table.name, "customer_id", "link to the customer", n))
    needles = {what: value for what, value in identifiers.items() if value}
    checked = 0
    for table in metadata.sorted_tables:
        if table.name in SKIPPED_TABLES:
            continue
        checked += 1
        conditions = list(_conditions(table, uid, customer_id, needles))
        if not conditions:
            continue
        # One pass over the table for every column and identifier; only a hit is broken down.
        if not conn.execute(
            select(func.count()).select_from(table).where(or_(*(c for _, _, c in conditions)))
        ).scalar_one():
            continue
        for column, what, condition in conditions:
            n = conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
            if n:
                findings.append(ScanFinding(table.name, column, what, n))
    return checked, findings


def _conditions(
    table: Table, uid: str, customer_id: int, needles: dict[str, str]
) -> Iterator[tuple[str, str, ColumnElement[bool]]]:
    """(column, what, condition) for every text column and every identifier it may hold."""
    for column in table.columns:
        if not isinstance(column.type, String):  # Text is a String; Amount is not
            continue
        if column.name in SYSTEM_COLUMNS and (table.name, column.name) not in FREE_TEXT:
            continue
        targets = dict(needles)
        if (table.name, column.name) not in UID_ALLOWED:
            targets["UID"] = uid
        for what, value in targets.items():
            if what != "UID":
                condition = or_(column == value, column.contains(value, autoescape=True))
            elif isinstance(column.type, Text):  # JSON text: the UID as a quoted value
                condition = or_(column == value, column.contains(f'"{value}"', autoescape=True))
            else:
                condition = column == value
            if table is ledger.customers:
                # Other customers' own rows are theirs: a namesake, or a shared family
                # phone, is not this customer.
                condition = condition & (ledger.customers.c.id == customer_id)
            yield column.name, what, condition
