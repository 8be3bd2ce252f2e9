"""The token index over the free-text columns, so that finding an identifier in them costs
about the same however many rows the tables hold — and the one rule of what "a value
holds an identifier" means.

The rule (``occurs``): after folding both (Unicode NFC, then lower case), the identifier
appears in the value with a token boundary on both sides. Tokens are the maximal runs of
letters and decimal digits (Unicode categories L and Nd), except in the scripts written
without spaces (CJK, kana, Hangul, Thai, Lao, Khmer, Myanmar: ``UNSPACED``), where every
character stands alone. So ``U0001234`` does not occur in ``U00012345`` (another
customer), nor ``bob@x.com`` in ``jimbob@x.com``, while ``U7000`` occurs in
``{"uid": "U7000"}``, in ``closure of U7000.`` and in ``用户U7000已关闭``.

The index (``tokens``): every token of every value, plus each pair of adjacent characters
in a run of ``UNSPACED`` ones (a CJK name is found by one of its pairs). A value in
which an identifier occurs holds every token of the identifier (its pairs included), so
looking up the identifier's rarest token (``lookup_token``) finds every row where it
occurs, among rows that merely share that token; each is then checked by ``occurs``.
The lookup reads the rows that really hold that token, not a share of the tables.

PostgreSQL: the SQL function ``textsearch_tokenize(text) -> text[]`` (the same rule, with
the ICU root collation for case and letters, so it does not depend on the database's
locale) and a GIN index on ``textsearch_tokenize(column)`` for each searched column; a
query ``textsearch_tokenize(col) && ARRAY[...]`` is answered from it.

SQLite: a table of (token, ref) filled by triggers on every insert, update and delete of
the indexed tables, inside the writing transaction. The triggers call the SQL function
``textsearch_tokenize`` (this module's ``tokens`` as JSON), which ``make_engine``
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

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PREFIX = "textsearch"
TOKENS = "textsearch_tokens"
KEYS = "textsearch_keys"
COLUMNS = "textsearch_columns"
#: The SQL functions (both databases): the rule's folding, and its tokens.
FOLD = "textsearch_fold"
TOKENIZE = "textsearch_tokenize"
#: Codes per key: ref = key * SLOTS + code.
SLOTS = 1024
#: PostgreSQL: new entries wait in a GIN index's pending list (fast to append, read in
#: full by every search) until this many kB, then are merged into the index.
PENDING_LIST_KB = 128
#: PostgreSQL: the planner's cost of one ``textsearch_tokenize`` call, in units of
#: ``cpu_operator_cost`` (the default for a function is 100; a call costs about as
#: much as reading a few index pages).
PG_TOKENIZE_COST = 10000
#: Scripts written without spaces between words: each character is a token of its own.
UNSPACED = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G
)


# The rule --------------------------------------------------------------------------------

_UNSPACED_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in UNSPACED)
_UNSPACED_ONE = re.compile(f"[{_UNSPACED_CLASS}]")
_UNSPACED_RUN = re.compile(f"[{_UNSPACED_CLASS}]{{2,}}")
_ALNUM_RUN = re.compile(r"[^\W_]+")  # str.isalnum(): letters and all numbers
_ASCII_RUN = re.compile(r"[a-z0-9]+")


def fold(value: str) -> str:
    """What the rule compares: Unicode NFC, lower case."""
    return unicodedata.normalize("NFC", value).lower()


def _is_token_char(char: str) -> bool:
    """A letter or decimal digit outside the unspaced scripts: one that joins its
    neighbours of the same kind into a token."""
    return (char.isalpha() or char.isdecimal()) and not _UNSPACED_ONE.match(char)


def _runs(folded: str) -> Iterator[str]:
    """The maximal runs of letters and decimal digits outside the unspaced scripts."""
    for match in _ALNUM_RUN.finditer(_UNSPACED_ONE.sub(" ", folded)):
        run = match.group()
        if run.isascii():
            yield run
            continue
        # Other numbers (², Ⅻ…) are alphanumeric for Python, not for the rule.
        part = ""
        for char in run:
            if char.isalpha() or char.isdecimal():
                part += char
            elif part:
                yield part
                part = ""
        if part:
            yield part


def _pairs(folded: str) -> Iterator[str]:
    for match in _UNSPACED_RUN.finditer(folded):
        run = match.group()
        for i in range(len(run) - 1):
            yield run[i : i + 2]


def tokens(value: str) -> list[str]:
    """What the index holds for ``value``: its tokens and unspaced pairs, each once."""
    if value.isascii():  # the same, faster: NFC changes nothing, no unspaced script
        return list(dict.fromkeys(_ASCII_RUN.findall(value.lower())))
    folded = fold(value)
    return list(dict.fromkeys([*_runs(folded), *_pairs(folded)]))


def lookup_token(identifier: str) -> str | None:
    """The token of ``identifier`` that the fewest values should hold: one with digits,
    then one before an ``@`` (an address's person, not its provider: ``gmail`` is in
    millions of rows), then the longest, the first of equals. None when it has none (a
    single CJK character, punctuation): then it is searched without the index."""
    candidates = tokens(identifier)
    if not candidates:
        return None
    local = set(tokens(identifier.split("@", 1)[0])) if "@" in identifier else set()
    return max(candidates, key=lambda t: (any(c.isdecimal() for c in t), t in local, len(t)))


def _joined(left: str, right: str) -> bool:
    """No token boundary between two adjacent characters."""
    return _is_token_char(left) and _is_token_char(right)


def occurs(identifier: str, value: str) -> bool:
    """``identifier`` appears in ``value`` with a token boundary on both sides."""
    needle, haystack = fold(identifier), fold(value)
    if not needle:
        return False
    at = haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        if (at == 0 or not _joined(haystack[at - 1], needle[0])) and (
            end == len(haystack) or not _joined(needle[-1], haystack[end])
        ):
            return True
        at = haystack.find(needle, at + 1)
    return False


def tokens_json(value: str | None) -> str:
    """SQLite's ``textsearch_tokenize``: the tokens as a JSON array."""
    return json.dumps(tokens(value) if value else [], ensure_ascii=False)


def fold_or_none(value: str | None) -> str | None:
    """SQLite's ``textsearch_fold``."""
    return fold(value) if value is not None else None


def register_sqlite(dbapi_connection: Any) -> None:
    """The rule's SQL functions on one SQLite connection (``make_engine`` does it)."""
    dbapi_connection.create_function(TOKENIZE, 1, tokens_json, deterministic=True)
    dbapi_connection.create_function(FOLD, 1, fold_or_none, deterministic=True)


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
                f"WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
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
