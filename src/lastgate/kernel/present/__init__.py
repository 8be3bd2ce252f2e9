"""The presentation layer: how codes, numbers and times read to people, in their language.

Pure (Babel and gettext, no framework): pages, notices and documents all use it.

- ``labels``: ``label(kind, code, lang)`` for every code shown to people (check codes,
  evidence fields and values, closure states, hold kinds, reasons, events, ticket states
  and topics, roles), and evidence tables (``evidence_columns``, ``evidence_cell``).
- ``formats``: ``amount``, ``money``, ``threshold``, ``number``, ``date``, ``datetime_text``,
  ``relative``, ``duration``, ``countdown``, ``when``, ``plural``, ``sentences``.
- ``vocabulary``: the tables (``Kind``, one mapping per kind).

docs/web.md ("The presentation layer") says how pages use it.
"""

from lastgate.kernel.present.formats import (
    amount,
    countdown,
    date,
    datetime_text,
    duration,
    money,
    number,
    plural,
    relative,
    sentences,
    threshold,
    when,
)
from lastgate.kernel.present.labels import evidence_cell, evidence_columns, humanize, label
from lastgate.kernel.present.vocabulary import Kind

__all__ = [
    "Kind",
    "amount",
    "countdown",
    "date",
    "datetime_text",
    "duration",
    "evidence_cell",
    "evidence_columns",
    "humanize",
    "label",
    "money",
    "number",
    "plural",
    "relative",
    "sentences",
    "threshold",
    "when",
]
