"""What the verification scan searches: every text column that may hold what a person
typed or is called, of every table but the vault, and which value each may not hold."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from sqlalchemy import String, Table

from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.registry import UID_KEPT

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
        "refusal",
    }
)
#: Free-text columns that share a name with a system column above.
FREE_TEXT = frozenset({("holds", "reason")})

#: The vault: ciphertext, which names no one without the key.
SKIPPED_TABLES = frozenset({"retained_records", "customer_keys"})


@lru_cache(maxsize=1)
def searched_tables() -> tuple[Table, ...]:
    return tuple(t for t in metadata.sorted_tables if t.name not in SKIPPED_TABLES)


@lru_cache(maxsize=128)
def searched_columns(tbl: Table) -> tuple[str, ...]:
    """The text columns of ``tbl`` that may hold what a person typed or is called."""
    return tuple(
        col.name
        for col in tbl.columns
        if isinstance(col.type, String)  # Text is a String; Amount is not
        and (col.name not in SYSTEM_COLUMNS or (tbl.name, col.name) in FREE_TEXT)
    )


def applies(table: str, col: str, what: str) -> bool:
    """Whether ``col`` may not hold ``what`` (the UID may stay where the map says)."""
    return what != "UID" or (table, col) not in UID_ALLOWED


def targets(tbl: Table, kinds: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(column, what) for every text column and every value it may not hold."""
    for col in searched_columns(tbl):
        for what in kinds:
            if applies(tbl.name, col, what):
                yield col, what
