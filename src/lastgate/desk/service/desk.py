"""Use cases of the appeals desk's tickets: open, reply, note, assign, move, attach.

Each function is one unit of work that commits whole or changes nothing; every change is
audited (never with message text), every message is stored with its secrets redacted, and
the customer hears of a staff reply through a notice with their anti-phishing code. Shared
steps are in ``steps``; its limits, ``Posted`` and ``subject_of`` are re-exported here.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lastgate.desk.model import tickets as t
from lastgate.desk.model.knowledge import KnowledgeBase
from lastgate.desk.model.official import OfficialChannels
from lastgate.desk.ports import AttachmentFiles, DeskUnitOfWork
from lastgate.desk.service import steps as appeal_steps
from lastgate.desk.service.spoken import ticket_language
from lastgate.desk.service.steps import MAX_BODY as MAX_BODY
from lastgate.desk.service.steps import MAX_SUBJECT as MAX_SUBJECT
from lastgate.desk.service.steps import Posted as Posted
from lastgate.desk.service.steps import _audit, _message, _move, _readable, _text
from lastgate.desk.service.steps import subject_of as subject_of
from lastgate.kernel.access import (
    Principal,
    ensure_account_holder,
    ensure_may_read_account,
    ensure_staff,
)
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import AccountClosed, IllegalTransition, InvalidInput, NotFound
from lastgate.kernel.policy import DeskPolicy
from lastgate.kernel.redaction import redact
from lastgate.ledger.model import CustomerStatus
from lastgate.ledger.ports import AccountStateReader, PolicyBook

SYSTEM = "system"


@dataclass(frozen=True)
class Desk:
    """What the desk's use cases need from the outside."""

    unit_of_work: Callable[[], DeskUnitOfWork]
    accounts: AccountStateReader
    policies: PolicyBook
    clock: Clock
    files: AttachmentFiles
    public_base_url: str
    canned_replies: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    knowledge: KnowledgeBase = field(default_factory=lambda: KnowledgeBase(()))
    official_channels: OfficialChannels = field(
        default_factory=lambda: OfficialChannels(frozenset(), frozenset(), frozenset())
    )
    #: Seals the assistant's answers (``model.turns``); wiring derives it from the master
    #: key so every process agrees; unwired, a random key that never leaves the process.
    turn_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def policy_for(self, uid: str) -> DeskPolicy:
        jurisdiction = self.accounts.load(uid, withdrawals_since=self.clock()).jurisdiction
        return self.policies.for_jurisdiction(jurisdiction).desk

    def ticket_url(self, ticket_id: str) -> str:
        return f"{self.public_base_url}/support/tickets/{ticket_id}"


@dataclass(frozen=True, slots=True)
class TicketView:
    """A ticket as its reader may see it: internal notes and files only for staff."""

    ticket: t.Ticket
    messages: tuple[t.TicketMessage, ...]
    attachments: tuple[t.Attachment, ...]
    sla: t.SlaStatus


# -- customers ----------------------------------------------------------------------------


def open_ticket(
    desk: Desk,
    principal: Principal,
    uid: str,
    category: t.TicketCategory,
    subject: str,
    body: str,
    *,
    related_closure_id: str | None = None,
) -> tuple[t.Ticket, Posted]:
    """A customer opens a ticket in their category's queue, its SLA clock starting now."""
    ensure_account_holder(principal, uid)  # tickets are opened by the account holder
    subject = redact(_text(subject, "subject", MAX_SUBJECT)).text
    now = desk.clock()
    ticket = t.new_ticket(
        str(uuid.uuid4()),
        uid,
        category,
        subject,
        now=now,
        policy=desk.policy_for(uid),
        related_closure_id=related_closure_id,
    )
    with desk.unit_of_work() as uow:
        if related_closure_id is not None:
            _ensure_own_closure(uow, uid, related_closure_id)
        closed = uow.remediation.account_status(uid) is CustomerStatus.CLOSED
        if closed and category not in t.AFTER_CLOSURE:  # the pages offer only those
            raise AccountClosed(
                "a closed account writes about its closure, its certificate, its data or "
                "something else: " + ", ".join(c.value for c in t.AFTER_CLOSURE),
                details=[{"path": "category", "reason": "not_after_closure"}],
            )
        if category not in t.topics_for(closed):
            raise InvalidInput(
                f"{category.value} is a closed account's topic",
                details=[{"path": "category", "reason": "only_after_closure"}],
            )
        ticket = appeal_steps.naming_the_appealed(uow, ticket)
        uow.tickets.add(ticket)
        _audit(
            uow, principal.subject, "opened", ticket.id, category=category.value, queue=ticket.queue
        )
        posted = _message(uow, ticket, principal, body, t.Visibility.PUBLIC, now)
    return ticket, posted


def _ensure_own_closure(uow: DeskUnitOfWork, uid: str, closure_id: str) -> None:
    """A ticket may name only a closure request of its own account; another account's
    and one that does not exist get the same answer, so neither can be probed."""
    try:
        request = uow.closures.get(closure_id)
    except NotFound:
        request = None
    if request is None or request.uid != uid:
        raise InvalidInput(
            "related_closure_id names no closure request of this account",
            details=[{"path": "related_closure_id", "reason": "not a closure of this account"}],
        )


def account_closed(desk: Desk, uid: str) -> bool:
    """Whether the account is closed: its pages then offer only what is left to it (its
    closed account's page, its tickets, ``t.AFTER_CLOSURE``) and promise no e-mail."""
    with desk.unit_of_work() as uow:
        return uow.remediation.account_status(uid) is CustomerStatus.CLOSED


def list_for_customer(desk: Desk, principal: Principal, uid: str) -> Sequence[t.Ticket]:
    ensure_may_read_account(principal, uid)
    with desk.unit_of_work() as uow:
        return uow.tickets.for_customer(uid)


def view(desk: Desk, principal: Principal, ticket_id: str) -> TicketView:
    """The ticket with what its reader may see; a customer never sees internal notes."""
    internal = principal.is_staff
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id)
        _readable(principal, ticket)
        messages = tuple(uow.tickets.messages(ticket_id, include_internal=internal))
        files = tuple(uow.tickets.attachments(ticket_id, include_internal=internal))
    return TicketView(ticket, messages, files, t.sla(ticket, desk.clock()))


def reply(
    desk: Desk,
    principal: Principal,
    ticket_id: str,
    body: str,
    *,
    internal: bool = False,
    await_customer: bool = False,
) -> Posted:
    """Add a message. A customer's reply to a ticket waiting on them, or to one
    resolved within the reopen window, opens it again (past the window it is refused:
    write a new ticket); a staff member's public reply to a ticket nobody is assigned
    gives it to them (recorded as any assignment is), their first stops the
    first-response clock, and the customer is told (notice with their anti-phishing
    code, in the language they wrote the ticket in). Internal notes change nothing else."""
    if internal or await_customer:
        ensure_staff(principal)
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id, lock=True)
        _readable(principal, ticket)
        _writable(ticket)
        visibility = t.Visibility.INTERNAL if internal else t.Visibility.PUBLIC
        policy = desk.policy_for(ticket.uid)
        if not internal and not principal.is_staff:
            _customer_wrote(uow, ticket, principal, now, policy)  # first: may refuse
        posted = _message(uow, ticket, principal, body, visibility, now)
        if internal or not principal.is_staff:
            return posted
        if ticket.assignee is None:  # nobody's: it is now the replier's
            ticket = _assign(uow, ticket, principal.subject, principal.subject, ticket.queue, now)
        first = {"first_response_at": now} if ticket.first_response_at is None else {}
        event = t.TicketEvent.ASK_CUSTOMER if await_customer else t.TicketEvent.OPEN
        if t.TICKET_LIFECYCLE.allows(ticket.state, event):
            _move(uow, ticket, event, actor=principal.subject, now=now, policy=policy, **first)
        elif first:
            uow.tickets.save(t.replace_fields(ticket, now=now, **first))
        uow.notifier.notify_customer(
            ticket.uid,
            "desk_reply",
            {"ticket_ref": ticket.id[:8], "ticket_url": desk.ticket_url(ticket.id)},
            subject_ref=subject_of(ticket.id),
            language=ticket_language(uow, desk.files, ticket.id),  # as the customer wrote
        )
    return posted


def reply_canned(
    desk: Desk, principal: Principal, ticket_id: str, key: str, language: str
) -> Posted:
    """Send a canned reply in ``language`` (``en`` or ``zh_Hans``)."""
    ensure_staff(principal)
    texts = desk.canned_replies.get(key)
    if texts is None:
        raise NotFound(f"no canned reply {key!r}")
    text = texts.get(language) or texts["en"]
    return reply(desk, principal, ticket_id, text)


def change_state(
    desk: Desk, principal: Principal, ticket_id: str, event: t.TicketEvent
) -> t.Ticket:
    """Resolve (staff), close (staff or the customer), reopen (the customer, within the
    policy window; or staff)."""
    if event in (t.TicketEvent.RESOLVE, t.TicketEvent.ASK_CUSTOMER, t.TicketEvent.OPEN):
        ensure_staff(principal)
    elif event is t.TicketEvent.CUSTOMER_REPLIED:
        raise InvalidInput("a customer's reply moves the ticket by itself")
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id, lock=True)
        _readable(principal, ticket)
        return _move(
            uow, ticket, event, actor=principal.subject, now=now, policy=desk.policy_for(ticket.uid)
        )


def assign(
    desk: Desk, principal: Principal, ticket_id: str, *, assignee: str | None, queue: str | None
) -> t.Ticket:
    """Give the ticket to a staff member, or move it to another queue."""
    ensure_staff(principal)
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id, lock=True)
        to = ticket.queue if queue is None else _text(queue, "queue", 32)
        return _assign(uow, ticket, principal.subject, assignee, to, now)


def _assign(
    uow: DeskUnitOfWork,
    ticket: t.Ticket,
    actor: str,
    assignee: str | None,
    queue: str,
    now: datetime,
) -> t.Ticket:
    """The ticket given to ``assignee`` in ``queue``, saved and audited (``desk.assigned``)."""
    after = t.replace_fields(ticket, now=now, assignee=assignee, queue=queue)
    uow.tickets.save(after)
    _audit(uow, actor, "assigned", ticket.id, assignee=assignee, queue=queue)
    return after


def staff_queue(
    desk: Desk,
    principal: Principal,
    *,
    queue: str | None = None,
    assignee: str | None = None,
    open_only: bool = True,
    limit: int = 200,
    state: t.TicketState | None = None,
    category: t.TicketCategory | None = None,
) -> list[tuple[t.Ticket, t.SlaStatus]]:
    """Tickets for staff, oldest first, each with its breach flags now; optionally only
    one queue, assignee, state or category."""
    ensure_staff(principal)
    now = desk.clock()
    with desk.unit_of_work() as uow:
        found = uow.tickets.queue(
            queue=queue,
            assignee=assignee,
            open_only=open_only,
            limit=limit,
            state=state,
            category=category,
        )
    return [(ticket, t.sla(ticket, now)) for ticket in found]


# -- attachments --------------------------------------------------------------------------


def attach(
    desk: Desk, principal: Principal, ticket_id: str, purpose: t.AttachmentPurpose, content: bytes
) -> t.Attachment:
    """Store a file typed by its bytes (never its name), within the policy's size."""
    now = desk.clock()
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id)
        _readable(principal, ticket)
        _writable(ticket)
        if not principal.is_staff:
            closed = uow.remediation.account_status(ticket.uid) is CustomerStatus.CLOSED
            t.check_purpose(purpose, closed=closed)
    policy = desk.policy_for(ticket.uid)
    content_type = t.check_upload(
        purpose, desk.files.sniff(content), len(content), policy.attachment_max_bytes
    )
    return _store(desk, principal, ticket, purpose, t.Visibility.PUBLIC, content, content_type, now)


def _store(
    desk: Desk,
    principal: Principal,
    ticket: t.Ticket,
    purpose: t.AttachmentPurpose,
    visibility: t.Visibility,
    content: bytes,
    content_type: str,
    now: datetime,
) -> t.Attachment:
    stored = desk.files.put(content, content_type)
    attachment = t.Attachment(
        id=str(uuid.uuid4()),
        ticket_id=ticket.id,
        purpose=purpose,
        visibility=visibility,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.storage_key,
        uploaded_by=principal.subject,
        uploaded_at=now,
    )
    try:
        with desk.unit_of_work() as uow:
            if not principal.is_staff:
                locked = uow.tickets.get(ticket.id, lock=True)
                _customer_wrote(uow, locked, principal, now, desk.policy_for(ticket.uid))
            uow.tickets.add_attachment(attachment)
            _audit(
                uow,
                principal.subject,
                "attached",
                ticket.id,
                attachment_id=attachment.id,
                purpose=purpose.value,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
            )
    except BaseException:
        desk.files.delete(stored.storage_key)  # no row, no file
        raise
    return attachment


def _writable(ticket: t.Ticket) -> None:
    if ticket.state is t.TicketState.CLOSED:
        raise IllegalTransition("the ticket is closed: open a new one")


def _customer_wrote(
    uow: DeskUnitOfWork, ticket: t.Ticket, principal: Principal, now: datetime, policy: DeskPolicy
) -> None:
    """A customer's reply or file puts the ticket back before staff (``t.customer_wrote``)."""
    event = t.customer_wrote(ticket)
    if event is not None:
        _move(uow, ticket, event, actor=principal.subject, now=now, policy=policy)


def read_attachment(
    desk: Desk, principal: Principal, ticket_id: str, attachment_id: str
) -> tuple[t.Attachment, Iterator[bytes]]:
    """The file, for its owner and staff only; internal files for staff only."""
    with desk.unit_of_work() as uow:
        ticket = uow.tickets.get(ticket_id)
        _readable(principal, ticket)
        found = [
            a
            for a in uow.tickets.attachments(ticket_id, include_internal=principal.is_staff)
            if a.id == attachment_id
        ]
        if not found:
            raise NotFound(f"no attachment {attachment_id}")
        if principal.is_staff:
            _audit(
                uow, principal.subject, "attachment_read", ticket_id, attachment_id=attachment_id
            )
    return found[0], desk.files.read(found[0].storage_key)
