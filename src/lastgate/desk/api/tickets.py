"""The desk's tickets over HTTP: open, read, reply, canned replies, state changes,
assignment, the staff queue, and attachments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from lastgate.desk.adapters.files import FILE_EXTENSIONS
from lastgate.desk.api.shared import (
    ERRORS,
    DeskDep,
    MessageOut,
    OpenedOut,
    PostedOut,
    StrictIn,
    TicketId,
    TicketOut,
    Uid,
    message_out,
    posted_out,
    ticket_out,
)
from lastgate.desk.model import tickets as t
from lastgate.desk.service import desk as d
from lastgate.kernel.access import ensure_staff
from lastgate.platform.http.deps import CurrentPrincipal, Language

router = APIRouter()


class OpenIn(StrictIn):
    category: t.TicketCategory
    subject: str = Field(min_length=1, max_length=d.MAX_SUBJECT)
    body: str = Field(min_length=1, max_length=d.MAX_BODY)
    related_closure_id: str | None = Field(default=None, max_length=36)


class MessageIn(StrictIn):
    body: str = Field(min_length=1, max_length=d.MAX_BODY)
    internal: bool = Field(default=False, description="Staff only: a note the customer never sees.")
    await_customer: bool = Field(default=False, description="Staff only: wait for an answer.")


class CannedIn(StrictIn):
    key: str = Field(min_length=1, max_length=64)
    language: Literal["en", "zh_Hans", "zh-Hans"] = "en"


class TransitionIn(StrictIn):
    event: Literal["resolve", "close", "reopen"]


class AssignIn(StrictIn):
    assignee: str | None = Field(default=None, max_length=64)
    queue: str | None = Field(default=None, max_length=32)


class AttachmentOut(BaseModel):
    id: str
    purpose: t.AttachmentPurpose
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class TicketDetailOut(BaseModel):
    ticket: TicketOut
    messages: list[MessageOut]
    attachments: list[AttachmentOut]


class CannedOut(BaseModel):
    key: str
    title: str
    en: str
    zh_Hans: str


@router.post("/accounts/{uid}/tickets", status_code=status.HTTP_201_CREATED, responses=ERRORS)
def open_ticket(
    uid: Uid, body: OpenIn, desk: DeskDep, principal: CurrentPrincipal, lang: Language
) -> OpenedOut:
    """The customer opens a ticket; secrets in it are removed before it is stored."""
    ticket, posted = d.open_ticket(
        desk,
        principal,
        uid,
        body.category,
        body.subject,
        body.body,
        related_closure_id=body.related_closure_id,
    )
    out = posted_out(posted, principal, lang)
    status_now = t.sla(ticket, desk.clock())
    return OpenedOut(
        ticket=ticket_out(ticket, status_now, principal), message=out.message, warning=out.warning
    )


@router.get("/accounts/{uid}/tickets", responses=ERRORS)
def list_tickets(uid: Uid, desk: DeskDep, principal: CurrentPrincipal) -> list[TicketOut]:
    """A customer's tickets, newest first."""
    now = desk.clock()
    return [
        ticket_out(ticket, t.sla(ticket, now), principal)
        for ticket in d.list_for_customer(desk, principal, uid)
    ]


@router.get("/tickets/{ticket_id}", responses=ERRORS)
def get_ticket(ticket_id: TicketId, desk: DeskDep, principal: CurrentPrincipal) -> TicketDetailOut:
    """One ticket; a customer sees public messages and files only."""
    seen = d.view(desk, principal, ticket_id)
    return TicketDetailOut(
        ticket=ticket_out(seen.ticket, seen.sla, principal),
        messages=[message_out(m, principal) for m in seen.messages],
        attachments=[
            AttachmentOut(
                id=a.id,
                purpose=a.purpose,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                uploaded_at=a.uploaded_at,
            )
            for a in seen.attachments
        ],
    )


@router.post("/tickets/{ticket_id}/messages", status_code=status.HTTP_201_CREATED, responses=ERRORS)
def post_message(
    ticket_id: TicketId,
    body: MessageIn,
    desk: DeskDep,
    principal: CurrentPrincipal,
    lang: Language,
) -> PostedOut:
    """A reply (customer or staff) or, for staff, an internal note."""
    posted = d.reply(
        desk,
        principal,
        ticket_id,
        body.body,
        internal=body.internal,
        await_customer=body.await_customer,
    )
    return posted_out(posted, principal, lang)


@router.get("/desk/canned-replies", responses=ERRORS)
def canned_replies(desk: DeskDep, principal: CurrentPrincipal) -> list[CannedOut]:
    """Staff: the canned replies, in both languages."""
    ensure_staff(principal, message="staff only")
    return [
        CannedOut(key=key, title=v["title"], en=v["en"], zh_Hans=v["zh_Hans"])
        for key, v in desk.canned_replies.items()
    ]


@router.post(
    "/tickets/{ticket_id}/canned-replies", status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def send_canned(
    ticket_id: TicketId, body: CannedIn, desk: DeskDep, principal: CurrentPrincipal, lang: Language
) -> PostedOut:
    """Staff: send a canned reply in the customer's language."""
    posted = d.reply_canned(desk, principal, ticket_id, body.key, body.language.replace("-", "_"))
    return posted_out(posted, principal, lang)


@router.post("/tickets/{ticket_id}/transitions", responses=ERRORS)
def transition(
    ticket_id: TicketId, body: TransitionIn, desk: DeskDep, principal: CurrentPrincipal
) -> TicketOut:
    """Resolve (staff), close, or reopen (within the policy's window)."""
    ticket = d.change_state(desk, principal, ticket_id, t.TicketEvent(body.event))
    return ticket_out(ticket, t.sla(ticket, desk.clock()), principal)


@router.post("/tickets/{ticket_id}/assignment", responses=ERRORS)
def assign(
    ticket_id: TicketId, body: AssignIn, desk: DeskDep, principal: CurrentPrincipal
) -> TicketOut:
    """Staff: give the ticket to someone, or move it to another queue."""
    ticket = d.assign(desk, principal, ticket_id, assignee=body.assignee, queue=body.queue)
    return ticket_out(ticket, t.sla(ticket, desk.clock()), principal)


@router.get("/desk/queue", responses=ERRORS)
def queue(
    desk: DeskDep,
    principal: CurrentPrincipal,
    queue: Annotated[str | None, Query(max_length=32)] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    open_only: bool = True,
    state: t.TicketState | None = None,
    category: t.TicketCategory | None = None,
) -> list[TicketOut]:
    """Staff: tickets oldest first, with SLA breach flags."""
    found = d.staff_queue(
        desk,
        principal,
        queue=queue,
        assignee=assignee,
        open_only=open_only,
        state=state,
        category=category,
    )
    return [ticket_out(ticket, sla, principal) for ticket, sla in found]


@router.post(
    "/tickets/{ticket_id}/attachments", status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def upload(
    ticket_id: TicketId,
    purpose: Annotated[Literal["document", "video_statement", "screenshot"], Form()],
    file: Annotated[UploadFile, File(description="JPEG, PNG, HEIC, PDF, MP4 or QuickTime")],
    desk: DeskDep,
    principal: CurrentPrincipal,
) -> AttachmentOut:
    """Attach a file; its type is read from its bytes, its name is ignored."""
    limit = desk.policy_for(d.view(desk, principal, ticket_id).ticket.uid).attachment_max_bytes
    content = file.file.read(limit + 1)
    a = d.attach(desk, principal, ticket_id, t.AttachmentPurpose(purpose), content)
    return AttachmentOut(
        id=a.id,
        purpose=a.purpose,
        content_type=a.content_type,
        size=a.size,
        sha256=a.sha256,
        uploaded_at=a.uploaded_at,
    )


@router.get(
    "/tickets/{ticket_id}/attachments/{attachment_id}",
    responses=ERRORS,
    response_class=StreamingResponse,
)
def download(
    ticket_id: TicketId,
    attachment_id: Annotated[str, Path(min_length=36, max_length=36)],
    desk: DeskDep,
    principal: CurrentPrincipal,
) -> StreamingResponse:
    """Stream a file to the ticket's owner or staff: never inline, never cached."""
    attachment, chunks = d.read_attachment(desk, principal, ticket_id, attachment_id)

    def stream() -> Iterator[bytes]:
        yield from chunks

    extension = FILE_EXTENSIONS.get(attachment.content_type, "bin")
    return StreamingResponse(
        stream(),
        media_type=attachment.content_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{attachment.id}.{extension}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
