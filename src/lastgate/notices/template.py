"""One notice topic's shape: its subject and body message ids and the parameters they
use. The topics themselves are ``lastgate.notices.model.TOPICS``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NoticeTemplate:
    """The subject and body message ids of one topic and the parameters they use."""

    subject: str
    body: str
    params: tuple[str, ...] = ()
    #: Parameters that are secrets (a one-time code): sealed in the outbox, opened only to
    #: deliver, and scrubbed once the row is delivered, given up or voided.
    secret: tuple[str, ...] = ()
