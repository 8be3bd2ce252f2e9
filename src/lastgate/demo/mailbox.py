"""The demo's mailbox, read for the person it was written to: in the demo nothing is sent,
e-mails and text messages are written to a folder (``mailbox_dir``, the notices'
``MailboxChannel``); the demo page shows the signed-in customer theirs, newest first, so
that a verification code can be read without a terminal.

For ``lastgate demo`` only: its one caller is the demo sign-in page (``demo.pages``),
behind the ``demo_login`` setting, which a production start refuses.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path

from sqlalchemy import Engine, select

from lastgate.demo.records import demo_email
from lastgate.ledger.adapters import tables as ledger

#: How many messages the page shows at most.
SHOWN = 20


@dataclass(frozen=True, slots=True)
class Letter:
    """One message in the mailbox: ``subject`` is empty for a text message."""

    sent_at: datetime
    channel: str
    subject: str
    body: str


def _contact(engine: Engine, uid: str) -> set[str]:
    """The customer's address and number in the ledger, and the address the demo gave
    them: a closed account's were erased, and what was sent to them before is still
    theirs to read (the closure's own notices among it)."""
    c = ledger.customers.c
    with engine.connect() as conn:
        row = conn.execute(select(c.email, c.phone).where(c.uid == uid)).first()
    return {value for value in (row or ()) if value} | {demo_email(uid)}


def _read(path: Path) -> tuple[str, Letter] | None:
    """The recipient and the message of one mailbox file; None for anything else."""
    stamp = path.name.split("-", 1)[0]
    try:
        sent_at = datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        raw = path.read_bytes()
    except (ValueError, OSError):
        return None
    if path.suffix == ".eml":
        mail = email.message_from_bytes(raw, policy=email_policy)
        assert isinstance(mail, EmailMessage)
        body = mail.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        return str(mail["To"]), Letter(sent_at, "email", str(mail["Subject"]), text)
    head, _, text = raw.decode("utf-8", "replace").partition("\n\n")
    return head.removeprefix("To: ").strip(), Letter(sent_at, "sms", "", text)


def _mtime(path: Path) -> int:
    """When ``path`` was written (0: gone meanwhile, or not a message)."""
    try:
        return path.stat().st_mtime_ns if path.suffix in (".eml", ".txt") else 0
    except OSError:
        return 0


def letters_for(engine: Engine, directory: Path | None, uid: str) -> list[Letter]:
    """The messages written to ``uid``'s e-mail address or phone number, newest first."""
    if directory is None or not directory.is_dir():
        return []
    to = _contact(engine, uid)
    found = []
    written = [(when, path.name, path) for path in directory.glob("*-*") if (when := _mtime(path))]
    for _when, _name, path in sorted(written, reverse=True):  # the last written first
        read = _read(path)
        if read is not None and read[0] in to:
            found.append(read[1])
            if len(found) == SHOWN:
                break
    return found
