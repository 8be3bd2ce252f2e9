"""The hand-off's conversation, read back for the ticket's page: who said what and when,
the assistant's words as the customer read them on the Help page.

The transcript is a public file of the ticket (the customer's own words and the answers
the assistant gave them, which read only the customer's report), so its owner and staff
read it like the ticket's messages; the internal eligibility snapshot is not read here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from lastgate.desk.model import tickets as t
from lastgate.desk.service.desk import Desk
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
    handed off by the assistant; its owner and staff only (another's: 404)."""
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id)
        _readable(principal, ticket)
        found = [
            a
            for a in uow.tickets.attachments(ticket_id, include_internal=False)
            if a.purpose is t.AttachmentPurpose.TRANSCRIPT
        ]
    if not found:
        return None
    lines = json.loads(b"".join(desk.files.read(found[0].storage_key)))
    api = f"{desk.public_base_url}/v1/"
    return [
        Spoken(role, without_api_links(str(line["text"]), api), _moment(line.get("at", "")))
        for line in lines
        if isinstance(line, dict) and (role := str(line.get("from"))) in SPEAKERS
    ]


def without_api_links(text: str, api: str) -> str:
    """A transcript kept before answers were recorded as shown may still hold the link to
    the API's hand-off (under ``api``): it is not shown."""
    return re.sub(re.escape(api) + r"\S*", "", text).strip()
