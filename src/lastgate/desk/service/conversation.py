"""The hand-off's conversation, read back for the ticket's page: who said what and when,
the assistant's words as the customer read them on the Help page.

The transcript is a public file of the ticket (the customer's own words and the answers
the assistant gave them, which read only the customer's report), so its owner and staff
read it like the ticket's messages; the internal eligibility snapshot is not read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lastgate.desk.service.desk import Desk
from lastgate.desk.service.spoken import ticket_language, transcript
from lastgate.desk.service.steps import _readable
from lastgate.kernel.access import Principal

SPEAKERS = frozenset({"customer", "assistant"})


@dataclass(frozen=True, slots=True)
class Spoken:
    """One line of the conversation: ``role`` is ``customer`` or ``assistant``; ``at`` is
    missing only in a transcript kept before lines were dated."""

    role: str
    text: str
    at: datetime | None


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def conversation(desk: Desk, principal: Principal, ticket_id: str) -> list[Spoken] | None:
    """The hand-off's conversation on ``ticket_id``, or ``None`` when the ticket was not
    handed off by the assistant; its owner and staff only (another's: 404).

    The hand-off posts the customer's last line as the ticket's first message; a last
    line no answer follows (what the customer wrote for the person) is shown there, once,
    and not again at the end of the conversation."""
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id)
        _readable(principal, ticket)
        lines = transcript(uow, desk.files, ticket_id)
        first = next(iter(uow.tickets.messages(ticket_id, include_internal=False)), None)
    if lines is None:
        return None
    api = f"{desk.public_base_url}/v1/"
    said = [
        Spoken(role, without_api_links(str(line["text"]), api), _moment(line.get("at", "")))
        for line in lines
        if isinstance(line, dict) and (role := str(line.get("from"))) in SPEAKERS
    ]
    note = said[-1] if said and said[-1].role == "customer" else None
    if note is not None and first is not None and note.text.strip() == first.body.strip():
        said.pop()
    return said


def written_in(desk: Desk, principal: Principal, ticket_id: str) -> str | None:
    """The language ``ticket_id`` is written in (``spoken.ticket_language``), or ``None``
    when the customer's words do not tell; its owner and staff only."""
    with desk.unit_of_work() as uow:
        _readable(principal, uow.tickets.get(ticket_id))
        return ticket_language(uow, desk.files, ticket_id)


def without_api_links(text: str, api: str) -> str:
    """A transcript kept before answers were recorded as shown may still hold the link to
    the API's hand-off (under ``api``): it is not shown."""
    return re.sub(re.escape(api) + r"\S*", "", text).strip()
