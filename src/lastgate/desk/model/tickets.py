"""Support tickets and their lifecycle, as data: states, events, one transition table.

```
new ──open──▶ open ──ask_customer──▶ waiting_on_customer ──customer_replied──▶ open
 │             └──resolve──▶ resolved ──close──▶ closed
 └──resolve──▶ resolved ──reopen (within the policy window)──▶ open
```
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from lastgate.eligibility.model.report import SUPPORT_ONLY_CODES, CheckCode
from lastgate.kernel.errors import IllegalTransition, InvalidInput
from lastgate.kernel.policy import DeskPolicy
from lastgate.kernel.state_machine import StateMachine


class TicketState(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketEvent(StrEnum):
    OPEN = "open"
    ASK_CUSTOMER = "ask_customer"
    CUSTOMER_REPLIED = "customer_replied"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"


class TicketCategory(StrEnum):
    CLOSURE_BLOCKED = "closure_blocked"
    CLOSURE_REJECTED = "closure_rejected"
    ACCOUNT_LOCKED = "account_locked"
    CREDENTIAL_RECOVERY = "credential_recovery"
    #: Someone else may be in the account (a password or factor the customer did not
    #: change): the security team, who ask what the case needs, not an ID up front.
    ACCOUNT_TAKEOVER = "account_takeover"
    DISPUTE = "dispute"
    IDENTITY = "identity"
    OTHER = "other"
    #: A closed account's own topics (``AFTER_CLOSURE``): its closure, its closure
    #: certificate, its personal data (what was erased, what is kept, a copy).
    ACCOUNT_CLOSURE = "account_closure"
    CERTIFICATE = "certificate"
    PERSONAL_DATA = "personal_data"


#: The topics a closed account can still write about, as its page promises ("its
#: closure, your certificate or your data"), and anything else.
AFTER_CLOSURE = (
    TicketCategory.ACCOUNT_CLOSURE,
    TicketCategory.CERTIFICATE,
    TicketCategory.PERSONAL_DATA,
    TicketCategory.OTHER,
)
#: The topics an open account writes about: all but those of a closed account.
BEFORE_CLOSURE = tuple(c for c in TicketCategory if c not in AFTER_CLOSURE[:-1])


def topics_for(closed: bool, *, rejected: bool = True) -> tuple[TicketCategory, ...]:
    """The topics the new-ticket form offers an account, closed or not; the appeal of a
    rejected closure only while the account has one (``rejected``: an appeal names it)."""
    topics = AFTER_CLOSURE if closed else BEFORE_CLOSURE
    return tuple(c for c in topics if rejected or c is not TicketCategory.CLOSURE_REJECTED)


class Visibility(StrEnum):
    """A public reply is the customer's to read; an internal note is for staff only."""

    PUBLIC = "public"
    INTERNAL = "internal"


_S, _E = TicketState, TicketEvent

#: The lifecycle: (state, event) → next state.
TRANSITIONS: dict[tuple[TicketState, TicketEvent], TicketState] = {
    (_S.NEW, _E.OPEN): _S.OPEN,
    (_S.NEW, _E.ASK_CUSTOMER): _S.WAITING_ON_CUSTOMER,
    (_S.NEW, _E.RESOLVE): _S.RESOLVED,
    (_S.OPEN, _E.ASK_CUSTOMER): _S.WAITING_ON_CUSTOMER,
    (_S.OPEN, _E.RESOLVE): _S.RESOLVED,
    (_S.WAITING_ON_CUSTOMER, _E.CUSTOMER_REPLIED): _S.OPEN,
    (_S.WAITING_ON_CUSTOMER, _E.RESOLVE): _S.RESOLVED,
    (_S.RESOLVED, _E.REOPEN): _S.OPEN,
    (_S.RESOLVED, _E.CLOSE): _S.CLOSED,
    (_S.NEW, _E.CLOSE): _S.CLOSED,
    (_S.OPEN, _E.CLOSE): _S.CLOSED,
    (_S.WAITING_ON_CUSTOMER, _E.CLOSE): _S.CLOSED,
}

TICKET_LIFECYCLE: StateMachine[TicketState, TicketEvent] = StateMachine(
    TicketState,
    TRANSITIONS,
    reopenings={_E.REOPEN},
    refusal="cannot {event} a ticket in {state}",
)

#: A ticket is open (in the queues, its SLA clock running) while it can still be resolved.
UNRESOLVED_STATES = frozenset(s for s in TicketState if TICKET_LIFECYCLE.can(s, _S.RESOLVED))


class ReopenWindowOver(IllegalTransition):
    """A resolved ticket may be reopened only within the policy's window."""

    code = "REOPEN_WINDOW_OVER"


@dataclass(frozen=True, slots=True)
class Ticket:
    """One customer's request for help."""

    id: str
    uid: str
    category: TicketCategory
    subject: str
    state: TicketState
    created_at: datetime
    updated_at: datetime
    version: int = 1
    assignee: str | None = None
    queue: str = "general"
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    related_closure_id: str | None = None
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state in UNRESOLVED_STATES


def reopen_until(ticket: Ticket, policy: DeskPolicy) -> datetime | None:
    """Until when a resolved ticket may be reopened (``None`` if it is not resolved)."""
    if ticket.state is not TicketState.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + timedelta(days=policy.reopen_window_days)


def takes_reply(ticket: Ticket, policy: DeskPolicy, now: datetime) -> bool:
    """The customer may still write on ``ticket``: not closed, and within the reopen
    window when resolved (``reopen_until``); else they write in a new ticket."""
    until = reopen_until(ticket, policy)
    return ticket.state is not TicketState.CLOSED and (until is None or now <= until)


def customer_wrote(ticket: Ticket) -> TicketEvent | None:
    """The move a customer's reply or file makes: a ticket waiting on them is open again,
    and a resolved one is reopened (within the policy's window: a reply is never left
    on a ticket nobody looks at any more)."""
    if ticket.state is TicketState.WAITING_ON_CUSTOMER:
        return TicketEvent.CUSTOMER_REPLIED
    if ticket.state is TicketState.RESOLVED:
        return TicketEvent.REOPEN
    return None


def apply(
    ticket: Ticket, event: TicketEvent, *, now: datetime, policy: DeskPolicy, **changes: Any
) -> Ticket:
    """``ticket`` after ``event`` at ``now``; ``IllegalTransition`` if not allowed."""
    target = TICKET_LIFECYCLE.next(ticket.state, event)
    if event is TicketEvent.REOPEN:
        until = reopen_until(ticket, policy)
        assert until is not None
        if now > until:
            raise ReopenWindowOver(
                f"resolved more than {policy.reopen_window_days} days ago: open a new ticket"
            )
    resolved_at = now if target is TicketState.RESOLVED else ticket.resolved_at
    if event is TicketEvent.REOPEN:
        resolved_at = None
    return replace(
        ticket,
        state=target,
        updated_at=now,
        version=ticket.version + 1,
        resolved_at=resolved_at,
        **changes,
    )


#: Each category's queue: who picks it up first.
QUEUES: dict[TicketCategory, str] = {
    TicketCategory.CLOSURE_BLOCKED: "closure",
    TicketCategory.CLOSURE_REJECTED: "appeals",
    TicketCategory.ACCOUNT_LOCKED: "appeals",
    TicketCategory.CREDENTIAL_RECOVERY: "recovery",
    TicketCategory.ACCOUNT_TAKEOVER: "security",
    TicketCategory.DISPUTE: "disputes",
    TicketCategory.IDENTITY: "identity",
    TicketCategory.OTHER: "general",
    TicketCategory.ACCOUNT_CLOSURE: "closure",
    TicketCategory.CERTIFICATE: "closure",
    TicketCategory.PERSONAL_DATA: "privacy",
}

#: Where staff hand a ticket whose answer is compliance's (a check only compliance
#: resolves blocks its customer): compliance officers find it in their console.
COMPLIANCE_QUEUE = "compliance"
#: Every queue a ticket can be in: its category's, or compliance's once handed there.
STAFF_QUEUES = tuple(sorted(set(QUEUES.values()) | {COMPLIANCE_QUEUE}))

#: The topic a ticket about a blocker of the self-check is opened under, where it is not
#: ``closure_blocked``. ``SUPPORT_REQUIRED`` stands in for the support-only checks and
#: takes the ordinary ``closure_blocked``, like every other "ask support" blocker, so that
#: the topic chosen for the customer tells them nothing.
_TOPICS: dict[CheckCode, TicketCategory] = {
    CheckCode.RISK_LOCK: TicketCategory.ACCOUNT_LOCKED,
    CheckCode.KYC_INCOMPLETE: TicketCategory.IDENTITY,
    CheckCode.DISPUTE_OPEN: TicketCategory.DISPUTE,
    CheckCode.P2P_ORDER_OPEN: TicketCategory.DISPUTE,
}


def topic_for(code: CheckCode) -> TicketCategory:
    """The ticket topic preselected for a customer writing about the blocker ``code``."""
    if code in SUPPORT_ONLY_CODES:
        raise ValueError(f"{code.value} is support-only: a customer never writes about it")
    return _TOPICS.get(code, TicketCategory.CLOSURE_BLOCKED)


def new_ticket(
    ticket_id: str,
    uid: str,
    category: TicketCategory,
    subject: str,
    *,
    now: datetime,
    policy: DeskPolicy,
    related_closure_id: str | None = None,
) -> Ticket:
    """A new ticket in its category's queue, its SLA targets fixed from ``policy`` now."""
    ticket = Ticket(
        id=ticket_id,
        uid=uid,
        category=category,
        subject=subject,
        state=TicketState.NEW,
        created_at=now,
        updated_at=now,
        queue=QUEUES[category],
        related_closure_id=related_closure_id,
    )
    return with_sla(ticket, policy)


def with_sla(ticket: Ticket, policy: DeskPolicy) -> Ticket:
    """``ticket`` with its SLA targets fixed from its category's policy at creation, so
    that a later policy change does not move a promise already made."""
    targets = policy.sla_for(ticket.category.value)
    return replace(
        ticket,
        first_response_due=ticket.created_at + timedelta(hours=targets.first_response_hours),
        resolution_due=ticket.created_at + timedelta(hours=targets.resolution_hours),
    )


@dataclass(frozen=True, slots=True)
class SlaStatus:
    """Breach flags of one ticket at one moment."""

    first_response_breached: bool
    resolution_breached: bool


def sla(ticket: Ticket, now: datetime) -> SlaStatus:
    """Where ``ticket`` stands against its SLA targets at ``now``.

    A target is breached when it passed before it was met, or is still unmet at ``now``.
    Time spent waiting on the customer is not excused: simple and strict (lastgate's
    choice).
    """
    responded = ticket.first_response_at or now
    done = ticket.resolved_at or (now if ticket.is_open else ticket.updated_at)
    return SlaStatus(
        first_response_breached=ticket.first_response_due is not None
        and responded > ticket.first_response_due,
        resolution_breached=ticket.resolution_due is not None and done > ticket.resolution_due,
    )


class AttachmentPurpose(StrEnum):
    """Why a file is on a ticket; recovery needs a document and a video statement."""

    DOCUMENT = "document"
    VIDEO_STATEMENT = "video_statement"
    SCREENSHOT = "screenshot"
    TRANSCRIPT = "transcript"
    ELIGIBILITY_SNAPSHOT = "eligibility_snapshot"


#: What a customer may upload for each purpose (the rest are made by lastgate).
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/heic"})
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime"})
UPLOAD_TYPES: dict[AttachmentPurpose, frozenset[str]] = {
    AttachmentPurpose.DOCUMENT: IMAGE_TYPES | {"application/pdf"},
    AttachmentPurpose.VIDEO_STATEMENT: VIDEO_TYPES,
    AttachmentPurpose.SCREENSHOT: IMAGE_TYPES | {"application/pdf"} | VIDEO_TYPES,
}


#: What a customer may attach: an open account, its identity too (a recovery needs a
#: document and a video statement); a closed account, a screenshot or other file (its
#: certificate, a statement), no identity evidence: nothing it asks needs any.
UPLOADS = (
    AttachmentPurpose.DOCUMENT,
    AttachmentPurpose.VIDEO_STATEMENT,
    AttachmentPurpose.SCREENSHOT,
)
UPLOADS_AFTER_CLOSURE = (AttachmentPurpose.SCREENSHOT,)


def uploads_for(closed: bool) -> tuple[AttachmentPurpose, ...]:
    return UPLOADS_AFTER_CLOSURE if closed else UPLOADS


def check_purpose(purpose: AttachmentPurpose, *, closed: bool) -> None:
    """A closed account attaches only what it may (``uploads_for``): no identity evidence."""
    if closed and purpose in UPLOADS and purpose not in UPLOADS_AFTER_CLOSURE:
        raise AttachmentRefused(
            "a closed account attaches only: " + ", ".join(p.value for p in UPLOADS_AFTER_CLOSURE),
            details=[{"path": "purpose", "reason": "not_after_closure"}],
        )


class AttachmentRefused(InvalidInput):
    """A file of a type, size or purpose the desk does not take."""

    code = "ATTACHMENT_REFUSED"


def check_upload(
    purpose: AttachmentPurpose, content_type: str | None, size: int, max_bytes: int
) -> str:
    """The content type to record; refuses an empty, oversized or wrongly typed file."""
    if size == 0:
        raise AttachmentRefused("the file is empty")
    if size > max_bytes:
        raise AttachmentRefused(
            f"the file is larger than {max_bytes} bytes",
            details=[{"path": "file", "reason": "too_large"}],
        )
    allowed = UPLOAD_TYPES.get(purpose)
    if allowed is None:
        raise AttachmentRefused(f"{purpose.value} files are made by lastgate, not uploaded")
    if content_type is None or content_type not in allowed:
        raise AttachmentRefused(
            f"a {purpose.value} must be one of: {', '.join(sorted(allowed))}",
            details=[{"path": "file", "reason": "type_not_accepted"}],
        )
    return content_type


@dataclass(frozen=True, slots=True)
class TicketMessage:
    """One message on a ticket, stored redacted; ``redacted`` names the secrets removed."""

    id: str
    ticket_id: str
    author: str
    author_role: str
    visibility: Visibility
    body: str
    created_at: datetime
    redacted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file on a ticket, stored under a random key outside anything served."""

    id: str
    ticket_id: str
    purpose: AttachmentPurpose
    visibility: Visibility
    content_type: str
    size: int
    sha256: str
    storage_key: str
    uploaded_by: str
    uploaded_at: datetime


def replace_fields(ticket: Ticket, *, now: datetime, **changes: Any) -> Ticket:
    """``ticket`` with changes that are not transitions (assignment, first response);
    the version still goes up, so a stale writer is refused."""
    return replace(ticket, updated_at=now, version=ticket.version + 1, **changes)
