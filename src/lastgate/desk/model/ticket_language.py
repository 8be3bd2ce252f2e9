"""The language a ticket is written in: the one its customer wrote it in, which is not
always the one their pages are set to now (a customer who wrote in Chinese and switched
the pages to English since still wrote in Chinese). Staff read the ticket in their own
language and answer in this one; the notice of their reply is written in it. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from lastgate.desk.model.intents import detect_language

_UNDECIDED = ""


def written_in(customer_words: Sequence[str], answers: Sequence[str] = ()) -> str | None:
    """The language of the customer's own words on a ticket (``detect_language`` over
    all of them at once: Chinese characters against English words); when they do not tell
    (digits, nothing), that of the assistant's answers in the hand-off's conversation,
    which were given in the customer's language; else ``None``."""
    for words in (customer_words, answers):
        found = detect_language("\n".join(words), _UNDECIDED)
        if found:
            return found
    return None
