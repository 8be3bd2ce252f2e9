"""The steps the desk's use cases are built from: who may read a ticket, the limits on
text, the audit entry, posting a (redacted) message, and moving a ticket's state."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model import tickets as t
from lastgate.desk.ports import DeskUnitOfWork
from lastgate.kernel.access import Principal
from lastgate.kernel.errors import InvalidInput, NotFound
from lastgate.kernel.policy import DeskPolicy
from lastgate.kernel.redaction import Redacted, redact

log = logging.getLogger("lastgate.desk")
MAX_BODY = 10_000
MAX_SUBJECT = 200


@dataclass(frozen=True, slots=True)
class Posted:
    """A message as stored, and which kinds of secret were removed from it."""

    message: t.TicketMessage
    secrets_removed: tuple[str, ...]


def subject_of(ticket_id: str) -> str:
    return f"ticket:{ticket_id}"


def _readable(principal: Principal, ticket: t.Ticket) -> None:
    """A customer reads only their own tickets; another's is 'not found', not 'forbidden',
    so that ticket ids cannot be probed."""
    if not principal.is_staff and principal.subject != ticket.uid:
        raise NotFound(f"no ticket {ticket.id}")


def _text(value: str, name: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"{name} is empty", details=[{"path": name, "reason": "empty"}])
    if len(value) > limit:
        raise InvalidInput(f"{name} is longer than {limit} characters")
    return value


def _audit(uow: DeskUnitOfWork, actor: str, action: str, ticket_id: str, **payload: Any) -> None:
    uow.audit.record(
        actor=actor, action=f"desk.{action}", subject=subject_of(ticket_id), payload=payload
    )


def _message(
    uow: DeskUnitOfWork,
    ticket: t.Ticket,
    principal: Principal,
    body: str,
    visibility: t.Visibility,
    now: datetime,
) -> Posted:
    clean: Redacted = redact(_text(body, "body", MAX_BODY))
    kinds = tuple(k.value for k in clean.kinds)
    message = t.TicketMessage(
        id=str(uuid.uuid4()),
        ticket_id=ticket.id,
        author=principal.subject,
        author_role=principal.role.value,
        visibility=visibility,
        body=clean.text,
        created_at=now,
        redacted=kinds,
    )
    uow.tickets.add_message(message)
    _audit(
        uow,
        principal.subject,
        "message" if visibility is t.Visibility.PUBLIC else "internal_note",
        ticket.id,
        message_id=message.id,
        secrets_removed=list(kinds),
    )
    return Posted(message, kinds)


def _move(
    uow: DeskUnitOfWork,
    ticket: t.Ticket,
    event: t.TicketEvent,
    *,
    actor: str,
    now: datetime,
    policy: DeskPolicy,
    **changes: Any,
) -> t.Ticket:
    after = t.apply(ticket, event, now=now, policy=policy, **changes)
    uow.tickets.save(after)
    _audit(
        uow, actor, event.value, ticket.id, **{"from": ticket.state.value, "to": after.state.value}
    )
    moved = {"ticket_id": after.id, "transition": event.value, "actor": actor}
    states = {"from_state": ticket.state.value, "to_state": after.state.value}
    log.info("ticket.transition", extra={"event": "ticket.transition", **moved, **states})
    return after


def naming_the_appealed(uow: DeskUnitOfWork, ticket: t.Ticket) -> t.Ticket:
    """An appeal of a rejected closure names the request it appeals: the one it was opened
    about (the rejection notice's link), else the account's last rejected one; with none
    there is nothing to appeal, and staff could decide nothing (``InvalidInput``). Any
    other ticket as it is."""
    if ticket.category is not t.TicketCategory.CLOSURE_REJECTED:
        return ticket
    named = ticket.related_closure_id
    request = uow.closures.get(named) if named else uow.closures.last_rejected_for(ticket.uid)
    if request is None or request.state is not ClosureState.REJECTED:
        raise InvalidInput(
            "an appeal names a rejected closure request of this account, and there is none",
            details=[{"path": "category", "reason": "no_rejected_closure"}],
        )
    return replace(ticket, related_closure_id=request.id)
