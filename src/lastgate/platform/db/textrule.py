"""The one rule of what "a value holds an identifier" means, for the erasure verification
scan and the token index the databases keep for it (``lastgate.platform.db.textsearch``).

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
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

#: The SQL functions (both databases): the rule's folding, and its tokens.
FOLD = "textsearch_fold"
TOKENIZE = "textsearch_tokenize"
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

_UNSPACED_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in UNSPACED)
_ALNUM_RUN = re.compile(r"[^\W_]+")  # str.isalnum(): letters and all numbers
_ASCII_RUN = re.compile(r"[a-z0-9]+")


@cache
def _unspaced() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One character of the unspaced scripts, and a run of two or more. Compiled when
    first needed (about 5 ms: every process opening a database imports this module,
    and most never meet a character outside ASCII)."""
    return re.compile(f"[{_UNSPACED_CLASS}]"), re.compile(f"[{_UNSPACED_CLASS}]{{2,}}")


def fold(value: str) -> str:
    """What the rule compares: Unicode NFC, lower case."""
    return unicodedata.normalize("NFC", value).lower()


def _is_token_char(char: str) -> bool:
    """A letter or decimal digit outside the unspaced scripts: one that joins its
    neighbours of the same kind into a token."""
    return (char.isalpha() or char.isdecimal()) and not _unspaced()[0].match(char)


def _runs(folded: str) -> Iterator[str]:
    """The maximal runs of letters and decimal digits outside the unspaced scripts."""
    for match in _ALNUM_RUN.finditer(_unspaced()[0].sub(" ", folded)):
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
    for match in _unspaced()[1].finditer(folded):
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
