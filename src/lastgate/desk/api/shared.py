"""What the desk's HTTP routes share: path parameters, the error responses, the desk
dependency, and the ticket and message shapes every part returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from lastgate.desk.model import tickets as t
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Principal
from lastgate.kernel.redaction import warning
from lastgate.platform.http.deps import Context
from lastgate.platform.http.errors import ErrorOut

Uid = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
TicketId = Annotated[str, Path(min_length=36, max_length=36)]
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)
}


def get_desk(context: Context) -> d.Desk:
    """The desk's use cases, built once with the application."""
    return context.service(d.Desk)


DeskDep = Annotated[d.Desk, Depends(get_desk)]


class StrictIn(BaseModel):
    """A request body that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid")


class SlaOut(BaseModel):
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_response_breached: bool
    resolution_breached: bool


class TicketOut(BaseModel):
    id: str
    uid: str
    category: t.TicketCategory
    subject: str
    state: t.TicketState
    created_at: datetime
    updated_at: datetime
    related_closure_id: str | None
    sla: SlaOut
    queue: str | None = Field(default=None, description="Staff only.")
    assignee: str | None = Field(default=None, description="Staff only.")


class MessageOut(BaseModel):
    id: str
    author_role: str
    author: str | None = Field(description="Staff see who wrote; customers see the role.")
    visibility: t.Visibility
    body: str
    created_at: datetime
    secrets_removed: list[str]


class PostedOut(BaseModel):
    message: MessageOut
    warning: str | None = Field(
        description="Set when secrets were removed: staff never ask for them."
    )


class OpenedOut(PostedOut):
    ticket: TicketOut


def _sla(ticket: t.Ticket, status: t.SlaStatus) -> SlaOut:
    return SlaOut(
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        first_response_breached=status.first_response_breached,
        resolution_breached=status.resolution_breached,
    )


def ticket_out(ticket: t.Ticket, status: t.SlaStatus, principal: Principal) -> TicketOut:
    staff = principal.is_staff
    return TicketOut(
        id=ticket.id,
        uid=ticket.uid,
        category=ticket.category,
        subject=ticket.subject,
        state=ticket.state,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        related_closure_id=ticket.related_closure_id,
        sla=_sla(ticket, status),
        queue=ticket.queue if staff else None,
        assignee=ticket.assignee if staff else None,
    )


def message_out(message: t.TicketMessage, principal: Principal) -> MessageOut:
    return MessageOut(
        id=message.id,
        author_role=message.author_role,
        author=message.author if principal.is_staff else None,
        visibility=message.visibility,
        body=message.body,
        created_at=message.created_at,
        secrets_removed=list(message.redacted),
    )


def posted_out(posted: d.Posted, principal: Principal, lang: str) -> PostedOut:
    return PostedOut(
        message=message_out(posted.message, principal),
        warning=warning(posted.secrets_removed, lang),
    )
