"""What migration 0009 built, kept as it was so that 0009 (and 0011's downgrade) build the
same objects: substring indexes over the free-text columns. Migration 0011 replaced them
with the token index of ``lastgate.platform.db.textsearch``; nothing else uses this.

PostgreSQL: a GIN trigram index (``pg_trgm``, ``gin_trgm_ops``) on each column.

SQLite: one FTS5 table with the trigram tokenizer (``textsearch``), one row per
non-empty value, filled by triggers on every insert, update and delete of the indexed
tables. Its rowid is ``key * SLOTS + code``: ``code`` names the table and column
(``textsearch_columns``), ``key`` is the row's integer primary key, or for a table keyed
otherwise a number from ``textsearch_keys``.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "textsearch"
FTS = "textsearch"
KEYS = "textsearch_keys"
COLUMNS = "textsearch_columns"
#: Codes per key: rowid = key * SLOTS + code.
SLOTS = 1024
#: The fewest characters a trigram query can look for.
MIN_LENGTH = 3
#: PostgreSQL: new entries wait in a GIN index's pending list (fast to append, read in
#: full by every search) until this many kB, then are merged into the index. The default
#: (4 MB) made a search read up to 4 MB per index; a short list keeps searches cheap.
PENDING_LIST_KB = 128


@dataclass(frozen=True)
class Indexed:
    """One indexed table: its key column(s), whether that key is an integer, and each
    indexed column with its code (codes are unique over all tables, and never reused)."""

    key: tuple[str, ...]
    integer_key: bool
    columns: tuple[tuple[str, int], ...]


def _t(key: str | tuple[str, ...], integer: bool, *columns: tuple[str, int]) -> Indexed:
    return Indexed(key if isinstance(key, tuple) else (key,), integer, columns)


#: What the erasure verification scan searches (``lastgate.erasure.adapters.scan``; a
#: test holds the two equal). The customer row is not here: the scan reads only the
#: customer's own row, by its primary key.
TABLES: dict[str, Indexed] = {
    "account_freezes": _t("id", False, ("uid", 1)),
    "approvals": _t("id", True, ("subject", 2), ("actor", 3), ("note", 4)),
    "audit_log": _t("seq", True, ("actor", 5), ("subject", 6), ("payload", 7)),
    "campaigns": _t(
        "id",
        False,
        ("name", 8),
        ("terms", 9),
        ("report", 10),
        ("planned_by", 11),
        ("started_by", 12),
        ("note", 13),
    ),
    "closure_requests": _t(
        "id",
        False,
        ("uid", 14),
        ("reason_text", 15),
        ("decided_by", 16),
        ("decision_note", 17),
        ("origin", 18),
        ("initiated_by", 19),
    ),
    "customer_settings": _t("uid", False, ("uid", 20), ("anti_phishing_code", 21)),
    "erasure_runs": _t("id", False, ("uid", 22), ("certificate", 23)),
    "outbox": _t("id", False, ("recipient", 24), ("payload", 25), ("last_error", 26)),
    "revoked_tokens": _t("token_id", False, ("token_id", 27)),
    "second_factors": _t("uid", False, ("uid", 28), ("secret", 29)),
    "tickets": _t(
        "id",
        False,
        ("uid", 30),
        ("subject", 31),
        ("queue", 32),
        ("assignee", 33),
        ("related_closure_id", 34),
    ),
    "verification_attempts": _t("uid", False, ("uid", 35)),
    "api_keys": _t("id", True, ("label", 36)),
    "campaign_funnel": _t("id", True, ("campaign_id", 37), ("figures", 38)),
    "campaign_members": _t(
        ("campaign_id", "uid"),
        False,
        ("campaign_id", 39),
        ("uid", 40),
        ("outcome", 41),
        ("codes", 42),
    ),
    "credential_recoveries": _t("id", False, ("ticket_id", 43), ("uid", 44), ("reviewed_by", 45)),
    "dust_quotes": _t("id", False, ("target_asset", 46), ("lines", 47)),
    "evidence_files": _t("id", False, ("reviewed_by", 48), ("review_decision", 49)),
    "holds": _t("id", True, ("reason", 50), ("placed_by", 51)),
    "ledger_entries": _t("id", True, ("consent_by", 52)),
    "ticket_attachments": _t(
        "id",
        False,
        ("ticket_id", 53),
        ("purpose", 54),
        ("visibility", 55),
        ("uploaded_by", 56),
    ),
    "ticket_messages": _t(
        "id",
        False,
        ("ticket_id", 57),
        ("author", 58),
        ("author_role", 59),
        ("visibility", 60),
        ("body", 61),
        ("redacted", 62),
    ),
    "transfers": _t("id", True, ("address", 63)),
}


def index_name(table: str, column: str) -> str:
    """The PostgreSQL trigram index on ``table.column``."""
    return f"{PREFIX}_{table}__{column}"


# PostgreSQL ------------------------------------------------------------------------------


def postgresql_create(tables: dict[str, Indexed] = TABLES) -> list[str]:
    """Needs ``pg_trgm``: a trusted extension, so the database owner (or any role with
    CREATE on the database) can install it without superuser rights."""
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    for table, spec in tables.items():
        for column, _ in spec.columns:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} "
                f"ON {table} USING gin ({column} gin_trgm_ops) "
                f"WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
            )
    return statements


def postgresql_drop(tables: dict[str, Indexed] = TABLES) -> list[str]:
    """The indexes; the extension stays (other schemas may use it)."""
    return [
        f"DROP INDEX IF EXISTS {index_name(table, column)}"
        for table, spec in tables.items()
        for column, _ in spec.columns
    ]


# SQLite ----------------------------------------------------------------------------------


def sqlite_create(tables: dict[str, Indexed] = TABLES) -> list[str]:
    """The FTS5 table, its bookkeeping, every table's triggers, and the existing rows."""
    statements = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(value, tokenize='trigram')",
        f"CREATE TABLE IF NOT EXISTS {KEYS} (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
        "pk TEXT NOT NULL, UNIQUE (tbl, pk))",
        f"CREATE TABLE IF NOT EXISTS {COLUMNS} (code INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
        "col TEXT NOT NULL, UNIQUE (tbl, col))",
    ]
    for table, spec in tables.items():
        statements += sqlite_add(table, spec)
    return statements


def sqlite_add(table: str, spec: Indexed) -> list[str]:
    """Index one more table: its columns, its existing rows, its triggers."""
    statements = [
        f"INSERT INTO {COLUMNS} (code, tbl, col) VALUES ({code}, '{table}', '{column}')"
        for column, code in spec.columns
    ]
    if not spec.integer_key:
        statements.append(
            f"INSERT INTO {KEYS} (tbl, pk) SELECT '{table}', {_pk(spec, table)} FROM {table} "
            f"WHERE {_any(spec, table)}"
        )
    statements.append(
        f"INSERT INTO {FTS} (rowid, value) "
        + " UNION ALL ".join(
            f"SELECT {_key(spec, table, table)} * {SLOTS} + {code}, {table}.{column} FROM {table}"
            f" WHERE {table}.{column} IS NOT NULL AND {table}.{column} != ''"
            for column, code in spec.columns
        )
    )
    return statements + sqlite_triggers(table, spec)


def sqlite_triggers(table: str, spec: Indexed | None = None) -> list[str]:
    """(Re-)create the three triggers that keep ``table``'s part of the index. A row with
    nothing to index costs one test: the triggers do not run for it."""
    spec = spec or TABLES[table]
    watched = ", ".join(dict.fromkeys([*spec.key, *(column for column, _ in spec.columns)]))
    old, new = _any(spec, "old"), _any(spec, "new")
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names(table)),
        f"CREATE TRIGGER {PREFIX}_{table}_ins AFTER INSERT ON {table} WHEN {new} BEGIN "
        f"{_insert(table, spec)} END",
        f"CREATE TRIGGER {PREFIX}_{table}_upd AFTER UPDATE OF {watched} ON {table} "
        f"WHEN {old} OR {new} BEGIN {_delete(table, spec)} {_insert(table, spec)} END",
        f"CREATE TRIGGER {PREFIX}_{table}_del AFTER DELETE ON {table} WHEN {old} BEGIN "
        f"{_delete(table, spec)} END",
    ]


def _any(spec: Indexed, row: str) -> str:
    """``row`` has a value to index (a key row exists exactly for such rows)."""
    return "(" + " OR ".join(f"{row}.{column} != ''" for column, _ in spec.columns) + ")"


def trigger_names(table: str) -> tuple[str, str, str]:
    return (f"{PREFIX}_{table}_ins", f"{PREFIX}_{table}_upd", f"{PREFIX}_{table}_del")


def sqlite_drop(tables: dict[str, Indexed] = TABLES) -> list[str]:
    triggers = [f"DROP TRIGGER IF EXISTS {n}" for table in tables for n in trigger_names(table)]
    return [*triggers, *(f"DROP TABLE IF EXISTS {name}" for name in (FTS, KEYS, COLUMNS))]


def _pk(spec: Indexed, row: str) -> str:
    """The key of ``row`` (a table name, ``new`` or ``old``) as one text value."""
    return " || char(31) || ".join(f"{row}.{column}" for column in spec.key)


def _key(spec: Indexed, table: str, row: str) -> str:
    """The integer key of ``row`` in the index."""
    if spec.integer_key:
        return f"{row}.{spec.key[0]}"
    return f"(SELECT id FROM {KEYS} WHERE tbl = '{table}' AND pk = {_pk(spec, row)})"


def _insert(table: str, spec: Indexed) -> str:
    statements = []
    if not spec.integer_key:
        statements.append(
            f"INSERT INTO {KEYS} (tbl, pk) SELECT '{table}', {_pk(spec, 'new')} "
            f"WHERE {_any(spec, 'new')};"
        )
    values = " UNION ALL ".join(
        f"SELECT {code} AS code, new.{column} AS value" for column, code in spec.columns
    )
    statements.append(
        f"INSERT INTO {FTS} (rowid, value) SELECT {_key(spec, table, 'new')} * {SLOTS} + v.code, "
        f"v.value FROM ({values}) AS v WHERE v.value IS NOT NULL AND v.value != '';"
    )
    return " ".join(statements)


def _delete(table: str, spec: Indexed) -> str:
    key = _key(spec, table, "old")
    statements = [
        f"DELETE FROM {FTS} WHERE rowid BETWEEN {key} * {SLOTS} AND {key} * {SLOTS} + {SLOTS - 1};"
    ]
    if not spec.integer_key:
        statements.append(f"DELETE FROM {KEYS} WHERE tbl = '{table}' AND pk = {_pk(spec, 'old')};")
    return " ".join(statements)
