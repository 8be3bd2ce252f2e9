"""What a ticket's customer said on it, read inside a unit of work: the hand-off's
conversation as it was kept (``transcript``) and the language the ticket is written in
(``written_in``), which staff answer in and the reply's notice is written in."""

from __future__ import annotations

import json
from typing import Any

from lastgate.desk.model import tickets as t
from lastgate.desk.model.ticket_language import written_in
from lastgate.desk.ports import AttachmentFiles, DeskUnitOfWork


def transcript(uow: DeskUnitOfWork, files: AttachmentFiles, ticket_id: str) -> list[Any] | None:
    """The hand-off's conversation as stored (a list of lines), or ``None`` when the ticket
    was not handed off by the assistant. The transcript is a public file of the ticket."""
    found = [
        a
        for a in uow.tickets.attachments(ticket_id, include_internal=False)
        if a.purpose is t.AttachmentPurpose.TRANSCRIPT
    ]
    if not found:
        return None
    lines = json.loads(b"".join(files.read(found[0].storage_key)))
    return lines if isinstance(lines, list) else []


def ticket_language(uow: DeskUnitOfWork, files: AttachmentFiles, ticket_id: str) -> str | None:
    """The language the customer wrote ``ticket_id`` in (``written_in``), or ``None`` when
    their words do not tell (their language setting decides then).

    A hand-off's first message is the hand-off's own (the customer's last line, or our
    fixed "I would like to talk to a person"): their lines of the conversation stand for
    it."""
    said = [
        m.body
        for m in uow.tickets.messages(ticket_id, include_internal=False)
        if m.author_role == "customer"
    ]
    lines = transcript(uow, files, ticket_id)
    if lines is None:
        return written_in(said)
    spoken = [x for x in lines if isinstance(x, dict)]
    theirs = [str(x.get("text", "")) for x in spoken if x.get("from") == "customer"]
    answers = [str(x.get("text", "")) for x in spoken if x.get("from") == "assistant"]
    return written_in([*theirs, *said[1:]], answers)
