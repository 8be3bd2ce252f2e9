"""Human labels for codes, and evidence tables people can read.

``label(kind, code, lang)`` is the one lookup: the code's label in ``lang``; a code with no
label reads as words (``SOME_NEW_CHECK`` → "Some new check"), never a crash. Evidence
(the rows a check shows) gets labelled columns and values, and amounts, money and dates
formatted for the reader (``evidence_columns``, ``evidence_cell``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from lastgate.kernel.i18n import translations
from lastgate.kernel.present import formats
from lastgate.kernel.present.vocabulary import TABLES, Kind

#: Evidence columns holding an amount of the row's ``asset``.
AMOUNT_FIELDS = frozenset({"amount", "available", "frozen", "size", "outstanding", "fee", "net"})
#: Evidence columns holding a USD value.
MONEY_FIELDS = frozenset({"value_usd", "total", "threshold", "tolerance"})
#: Evidence columns holding a moment (ISO 8601 on the wire).
DATE_FIELDS = frozenset(
    {"created_at", "placed_at", "changed_at", "ends_at", "matures_at", "expected_completion_at"}
)
#: Evidence columns whose value is a code with a label (``VALUES``).
CODED_FIELDS = frozenset(
    {"account_type", "kind", "status", "product", "kyc_status", "change", "lands_as"}
)
#: Evidence columns shown as a reference (monospace, as it is).
REFERENCE_FIELDS = frozenset({"id", "uid"})


def humanize(code: str) -> str:
    """A code as words, for a code no table knows: ``SOME_NEW_CHECK`` → "Some new check"."""
    words = code.replace(".", " ").replace("_", " ").replace("-", " ").split()
    text = " ".join(words).lower()
    return text[:1].upper() + text[1:]


def has_label(kind: Kind | str, code: str) -> bool:
    return code in TABLES.get(Kind(kind), {})


def label(kind: Kind | str, code: object, lang: str) -> str:
    """The label of ``code`` (an enum member or its value) in ``lang``; unknown: as words."""
    value = str(getattr(code, "value", code))
    msgid = TABLES.get(Kind(kind), {}).get(value)
    if msgid is None:
        return humanize(value)
    return translations(lang).gettext(msgid)


def evidence_columns(rows: Iterable[Mapping[str, str]]) -> list[str]:
    """Every column of the rows, in the order they first appear."""
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def evidence_cell(field: str, row: Mapping[str, str], lang: str) -> str:
    """One cell of an evidence table as the reader reads it."""
    value = row.get(field, "")
    if value == "":
        return ""
    if value in ("unpriced", "unknown"):
        return label(Kind.VALUE, value, lang)
    if field in AMOUNT_FIELDS:
        return formats.amount(value, lang, row.get("asset"))
    if field in MONEY_FIELDS:
        return formats.money(value, lang)
    if field in DATE_FIELDS and (moment := _moment(value)) is not None:
        return formats.datetime_text(moment, lang)
    if field in CODED_FIELDS or value in ("True", "False"):
        return label(Kind.VALUE, value, lang)
    return value
