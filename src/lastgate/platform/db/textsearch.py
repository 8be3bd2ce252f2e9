"""The token index over the free-text columns, so that finding an identifier in them costs
about the same however many rows the tables hold.

The index holds every token of every value, plus each pair of adjacent characters in a
run of an unspaced script (``lastgate.platform.db.textrule``: the rule, its tokens, and
which token of an identifier to look up). A value in which an identifier occurs holds
every token of the identifier, so looking up its rarest token finds every row where it
occurs, among rows that merely share that token; each is then checked by the rule. The
lookup reads the rows that really hold that token, not a share of the tables.

PostgreSQL: the SQL function ``textsearch_tokenize(text) -> text[]`` (the same rule, with
the ICU root collation for case and letters, so it does not depend on the database's
locale) and a GIN index on ``textsearch_tokenize(column)`` for each searched column; a
query ``textsearch_tokenize(col) && ARRAY[...]`` is answered from it.

SQLite: a table of (token, ref) filled by triggers on every insert, update and delete of
the indexed tables, inside the writing transaction. The triggers call the SQL function
``textsearch_tokenize`` (``textrule.tokens`` as JSON), which ``make_engine``
registers on every connection: a connection without it cannot write to an indexed table
at all, rather than leave the index behind. ``ref`` is ``key * SLOTS + code``: ``code``
names the table and column (``textsearch_columns``), ``key`` is the row's integer
primary key, or for a table keyed otherwise a number from ``textsearch_keys`` — never
SQLite's implicit rowid, which VACUUM may renumber.

Every object is named ``textsearch…``; ``include_name`` keeps them out of Alembic's
comparison of the database with the declared tables. A migration that rebuilds an
indexed table on SQLite (``batch_alter_table``) drops its triggers: re-create them with
``sqlite_triggers(table)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.platform.db.textrule import FOLD, TOKENIZE, UNSPACED

PREFIX = "textsearch"
TOKENS = "textsearch_tokens"
KEYS = "textsearch_keys"
COLUMNS = "textsearch_columns"
#: Codes per key: ref = key * SLOTS + code.
SLOTS = 1024
#: PostgreSQL: GIN's fast update off. With it on, new entries wait in each index's
#: pending list (up to ``gin_pending_list_limit``) until a vacuum or a full list merges
#: them, and every search reads its list in full: 63 indexes' lists were 94 % of the
#: scan's backend CPU at 100,000 customers (5.3 ms; 0.33 after VACUUM). Off, a value's
#: few tokens go straight into the index (writes: see bench/README.md).
GIN_OPTIONS = "fastupdate = off"
#: PostgreSQL: the planner's cost of one ``textsearch_tokenize`` call, in units of
#: ``cpu_operator_cost`` (the default for a function is 100; a call costs about as
#: much as reading a few index pages).
PG_TOKENIZE_COST = 10000


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


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name``: the index objects are not part of the declared schema."""
    return not (name or "").startswith(PREFIX)


def index_name(table: str, column: str) -> str:
    """The PostgreSQL token index on ``table.column``."""
    return f"{PREFIX}_tok_{table}__{column}"


# PostgreSQL ------------------------------------------------------------------------------


def _pg_ranges() -> str:
    return "".join(
        f"\\u{a:04x}-\\u{b:04x}" if b <= 0xFFFF else f"\\U{a:08x}-\\U{b:08x}" for a, b in UNSPACED
    )


#: ``fold`` in SQL: the ICU root collation's lower case (not the database's locale).
_PG_FOLD = 'lower(normalize(value, NFC) COLLATE "und-x-icu")'


def postgresql_create(tables: dict[str, Indexed] = TABLES) -> list[str]:
    """The two functions and a GIN index per column. Needs ICU (the ``und-x-icu``
    collation, present in PostgreSQL built with ICU, as the common packages are)."""
    ranges = _pg_ranges()
    runs = "array_remove(regexp_split_to_array({text}, '[^[:alnum:]]+'), '')"
    statements = [
        f"CREATE OR REPLACE FUNCTION {FOLD}(value text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT {_PG_FOLD} $$",
        # Tokens may repeat: GIN keeps each once. PL/pgSQL: half the CPU of the same in
        # SQL. COST: the planner should prefer the index to calling this on every row,
        # however small the table.
        f"CREATE OR REPLACE FUNCTION {TOKENIZE}(value text) RETURNS text[] "
        f"LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST {PG_TOKENIZE_COST} AS $$ "
        f'DECLARE s text COLLATE "und-x-icu" := {_PG_FOLD}; '
        f"BEGIN IF s !~ '[{ranges}]' THEN RETURN {runs.format(text='s')}; END IF; "
        "RETURN "
        + runs.format(text=f"regexp_replace(s, '[{ranges}]', ' ', 'g')")
        + " || ARRAY(SELECT substr(r[1], i, 2) "
        f"FROM regexp_matches(s, '([{ranges}]{{2,}})', 'g') AS r, "
        "generate_series(1, length(r[1]) - 1) AS i); END $$",
    ]
    for table, spec in tables.items():
        for column, _ in spec.columns:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} "
                f"ON {table} USING gin ({TOKENIZE}({column})) "
                f"WITH ({GIN_OPTIONS})"
            )
    return statements


def postgresql_drop(tables: dict[str, Indexed] = TABLES, *, functions: bool = True) -> list[str]:
    """The indexes, and unless told otherwise the functions (the scan's queries call them)."""
    statements = [
        f"DROP INDEX IF EXISTS {index_name(table, column)}"
        for table, spec in tables.items()
        for column, _ in spec.columns
    ]
    if functions:
        statements += [f"DROP FUNCTION IF EXISTS {name}(text)" for name in (TOKENIZE, FOLD)]
    return statements


# SQLite ----------------------------------------------------------------------------------


def sqlite_create(tables: dict[str, Indexed] = TABLES) -> list[str]:
    """The token table, its bookkeeping, every table's triggers, and the existing rows."""
    statements = [
        f"CREATE TABLE IF NOT EXISTS {TOKENS} (token TEXT NOT NULL, ref INTEGER NOT NULL, "
        "PRIMARY KEY (token, ref)) WITHOUT ROWID",
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
        f"INSERT OR IGNORE INTO {TOKENS} (token, ref) "
        + " UNION ALL ".join(
            f"SELECT j.value, {_key(spec, table, table)} * {SLOTS} + {code} "
            f"FROM {table}, json_each({TOKENIZE}({table}.{column})) AS j"
            f" WHERE {table}.{column} IS NOT NULL AND {table}.{column} != ''"
            for column, code in spec.columns
        )
    )
    return statements + sqlite_triggers(table, spec)


def sqlite_reindex(table: str) -> list[str]:
    """Rebuild ``table``'s part of the index: after rows were written without its
    triggers (dropped to write with a client that lacks the functions; the scan searched
    the table itself meanwhile). Its entries, keys and codes go, then ``sqlite_add``."""
    spec = TABLES[table]
    codes = ", ".join(str(code) for _, code in spec.columns)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names(table)),
        f"DELETE FROM {TOKENS} WHERE ref % {SLOTS} IN ({codes})",
        f"DELETE FROM {KEYS} WHERE tbl = '{table}'",
        f"DELETE FROM {COLUMNS} WHERE tbl = '{table}'",
        *sqlite_add(table, spec),
    ]


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
    return [*triggers, *(f"DROP TABLE IF EXISTS {name}" for name in (TOKENS, KEYS, COLUMNS))]


def _pk(spec: Indexed, row: str) -> str:
    """The key of ``row`` (a table name, ``new`` or ``old``) as one text value."""
    return " || char(31) || ".join(f"{row}.{column}" for column in spec.key)


#: How ``_pk`` joins the columns of a composite key.
KEY_SEPARATOR = "\x1f"


def _key(spec: Indexed, table: str, row: str) -> str:
    """The integer key of ``row`` in the index."""
    if spec.integer_key:
        return f"{row}.{spec.key[0]}"
    return f"(SELECT id FROM {KEYS} WHERE tbl = '{table}' AND pk = {_pk(spec, row)})"


def _values(spec: Indexed, row: str) -> str:
    """(code, value) of each indexed column of ``row``, as a subquery."""
    return " UNION ALL ".join(
        f"SELECT {code} AS code, {row}.{column} AS value" for column, code in spec.columns
    )


def _insert(table: str, spec: Indexed) -> str:
    statements = []
    if not spec.integer_key:
        statements.append(
            f"INSERT INTO {KEYS} (tbl, pk) SELECT '{table}', {_pk(spec, 'new')} "
            f"WHERE {_any(spec, 'new')};"
        )
    statements.append(
        f"INSERT OR IGNORE INTO {TOKENS} (token, ref) SELECT j.value, "
        f"{_key(spec, table, 'new')} * {SLOTS} + v.code FROM ({_values(spec, 'new')}) AS v, "
        f"json_each({TOKENIZE}(v.value)) AS j WHERE v.value IS NOT NULL AND v.value != '';"
    )
    return " ".join(statements)


def _delete(table: str, spec: Indexed) -> str:
    """The old row's entries, found by their key in the index: its tokens, computed again
    (the function is deterministic). Should the rule have changed since, an entry left
    behind names a row that is gone or no longer holds the token: the scan reads every
    row it finds from its table and applies the rule, so it costs a lookup, not a
    finding."""
    statements = [
        f"DELETE FROM {TOKENS} WHERE (token, ref) IN (SELECT j.value, "
        f"{_key(spec, table, 'old')} * {SLOTS} + v.code FROM ({_values(spec, 'old')}) AS v, "
        f"json_each({TOKENIZE}(v.value)) AS j WHERE v.value IS NOT NULL AND v.value != '');"
    ]
    if not spec.integer_key:
        statements.append(f"DELETE FROM {KEYS} WHERE tbl = '{table}' AND pk = {_pk(spec, 'old')};")
    return " ".join(statements)
