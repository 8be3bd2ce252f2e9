"""A hand-off ticket's title: what the conversation was about, so that an agent's queue is
not a list of identical rows.

The customer's last question that asks about something (not merely for a person), on one
line and shortened; else the first thing that blocks closing in the customer's own report
(``CustomerReport``: a confidential check reads as ``SUPPORT_REQUIRED`` there, exactly as
any support matter does); else the fixed title. Stored as text like any ticket subject,
so it is redacted and held to ``MAX_SUBJECT`` where it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lastgate.desk.model.intents import Intent, recognise
from lastgate.eligibility.model.report import CustomerReport
from lastgate.kernel.folded_text import INVISIBLE
from lastgate.kernel.messages import N_
from lastgate.kernel.present.vocabulary import TABLES, Kind

#: Stored in English like any ticket text; the pages show it in the reader's language.
HANDOFF_SUBJECT = N_("Conversation with the assistant")
#: How long a title taken from a question may be (a queue row, not the message).
TITLE_LENGTH = 80
#: The check labels a title may be: shown translated, like the fixed title.
CHECK_TITLES = frozenset(TABLES[Kind.CHECK].values())
_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
#: Line breaks, tabs and every other control character (C0, DEL, C1): a title is one line.
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
#: Punctuation a cut title does not end on (the Chinese forms too).
_TRAILING = " ,.;:\uff0c\u3002\uff1b\uff1a\u3001"


def one_line(text: str) -> str:
    """``text`` on one line: invisible characters (zero-width, direction marks) dropped,
    line breaks, tabs and other controls read as single spaces."""
    return _BREAKS.sub(" ", _INVISIBLE.sub("", text)).strip()


def shorten(text: str, limit: int = TITLE_LENGTH) -> str:
    """``text`` within ``limit`` characters, cut after a whole word where there are words
    (Chinese is cut anywhere), with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(_TRAILING) + "…"


def handoff_title(customer_lines: Sequence[str], report: CustomerReport) -> str:
    """The title of a hand-off from these customer lines (redacted) and the customer's
    report."""
    for line in reversed(customer_lines):
        said = one_line(line)
        if said and recognise(said).intent is not Intent.HUMAN:
            return shorten(said)
    for check in report.blockers:
        titled = TABLES[Kind.CHECK].get(check.code.value)
        if titled:
            return titled
    return HANDOFF_SUBJECT
