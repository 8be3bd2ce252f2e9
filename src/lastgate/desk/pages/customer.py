"""The customer's side of the appeals desk: "my tickets" and a ticket's page (the hand-off's
conversation, reply, attach, close, reopen, credential recovery), the "is this official?"
checker, which needs no sign-in (the Help page with the assistant is ``help``).

Each action calls the same desk use case as the API, for the signed-in customer only; a
ticket of another customer answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response, StreamingResponse

from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.desk.adapters.files import FILE_EXTENSIONS
from lastgate.desk.model import tickets as t
from lastgate.desk.model.official import check
from lastgate.desk.pages.common import FIXED_TEXTS as FIXED_TEXTS
from lastgate.desk.pages.common import desk_of as desk_of
from lastgate.desk.pages.common import render as render
from lastgate.desk.service import appeals as desk_appeals
from lastgate.desk.service import desk as d
from lastgate.desk.service.conversation import conversation
from lastgate.eligibility.model.checks.restrictions import (
    LIFTED_ON_THIS_APPEAL,
    NEW_LOCK_TICKET,
    WRITE_NEW_TICKET,
)
from lastgate.kernel.errors import Forbidden, NotFound
from lastgate.kernel.messages import N_
from lastgate.kernel.redaction import warning
from lastgate.notices.adapters import preferences
from lastgate.platform.web.pages import (
    AnyPage,
    CustomerActionPage,
    CustomerPage,
    Page,
    PageRoute,
    SignedInPage,
    gettext_for,
    see_other,
)

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)
#: The ``desk_reply`` notices link to ``/support/tickets/{id}`` (``Desk.ticket_url``).
notice_links = APIRouter(route_class=PageRoute, include_in_schema=False)

TicketId = Annotated[str, Path(min_length=36, max_length=36)]
AttachmentId = Annotated[str, Path(min_length=36, max_length=36)]
Body = Annotated[str, Form(min_length=1, max_length=d.MAX_BODY)]
#: Why an upload was refused, for the reader (the domain's reason codes).
UPLOAD_REFUSALS = {
    "too_large": N_("The file is too large: at most {megabytes} MB."),
    "type_not_accepted": N_(
        "This kind of file is not accepted here. A document must be a JPEG, PNG, HEIC or "
        "PDF; a video statement an MP4 or QuickTime video. The file's name does not matter: "
        "we read what it really is."
    ),
    "empty": N_("The file is empty."),
    "unreadable": N_(
        "The file could not be read: it is damaged, or not the kind of file it seems to be. "
        "Send the original photo or PDF again."
    ),
    "too_many_pixels": N_(
        "The picture has too many pixels. Send a smaller photo, for example a screenshot of it."
    ),
    "active_content": N_(
        "This PDF contains scripts or embedded files, which we do not accept. Save it as a "
        "new PDF (print to PDF) or send photos of the pages."
    ),
    "encrypted": N_("This PDF is protected by a password. Send it without the password."),
}


# -- tickets ---------------------------------------------------------------------------------


def _rejected(page: Page, closure_id: str) -> ClosureRequest | None:
    """The rejected request an appeal names: the one in the link when it is the
    customer's own and rejected, else their latest if that is rejected."""
    wf = page.service(Workflow)
    request = closure.current(wf, page.me, page.me.subject)
    if closure_id:
        with suppress(NotFound, Forbidden):  # not theirs: the same answer as no such request
            request = closure.get(wf, page.me, closure_id)
    return request if request and request.state is ClosureState.REJECTED else None


@router.get("/tickets")
def my_tickets(
    page: CustomerPage,
    category: str = "",
    closure_id: Annotated[str, Query(alias="closure", max_length=36)] = "",
) -> Response:
    """The customer's tickets, newest first, and the form to write to support; with
    ``?category=closure_rejected&closure=ID`` (the rejection notice's link) the appeal."""
    uid = page.me.subject
    desk = desk_of(page)
    chosen = category if category in t.TicketCategory.__members__.values() else ""
    closed = d.account_closed(desk, uid)  # only the topics left to a closed account
    return render(
        page,
        "desk/tickets.html",
        tickets=[
            (ticket, t.sla(ticket, desk.clock()))
            for ticket in d.list_for_customer(desk, page.me, uid)
        ],
        categories=t.topics_for(closed, rejected=desk_appeals.rejected_closure(desk, page.me, uid)),
        category=chosen,
        account_closed=closed,
        rejected=_rejected(page, closure_id),
    )


@router.post("/tickets")
def open_ticket(
    page: CustomerActionPage,
    category: Annotated[t.TicketCategory, Form()],
    subject: Annotated[str, Form(min_length=1, max_length=d.MAX_SUBJECT)],
    body: Body,
    related_closure_id: Annotated[str, Form(max_length=36)] = "",
) -> Response:
    ticket, _ = d.open_ticket(
        desk_of(page),
        page.me,
        page.me.subject,
        category,
        subject,
        body,
        related_closure_id=related_closure_id or None,
    )
    closed = d.account_closed(desk_of(page), ticket.uid)  # no e-mail address is left
    return see_other(f"/web/tickets/{ticket.id}?done=ticket_opened{'_closed' if closed else ''}")


def _ticket(page: Page, ticket_id: str, status: int = 200, upload_error: str = "") -> Response:
    desk = desk_of(page)
    seen = d.view(desk, page.me, ticket_id)
    ticket = seen.ticket
    policy = desk.policy_for(ticket.uid)
    reopen_until = t.reopen_until(ticket, policy)
    closed = d.account_closed(desk, ticket.uid)
    recovery = (
        desk_appeals.recovery_of(desk, page.me, ticket_id)
        if ticket.category is t.TicketCategory.CREDENTIAL_RECOVERY
        else None
    )
    return render(
        page,
        "desk/ticket.html",
        status=status,
        seen=seen,
        conversation=conversation(desk, page.me, ticket_id),
        warnings={
            m.id: said
            for m in seen.messages
            if (said := warning(m.redacted, page.language)) is not None
        },
        anti_phishing=preferences.read_anti_phishing_code(page.context.engine, page.me, ticket.uid),
        purposes=t.uploads_for(closed),
        max_megabytes=policy.attachment_max_bytes // (1024 * 1024),
        reopen_until=reopen_until,
        takes_reply=t.takes_reply(ticket, policy, desk.clock()),
        recovery=recovery,
        lock_kept=desk_appeals.lock_kept_on_ticket(desk, page.me, ticket),
        lock_lifted=LIFTED_ON_THIS_APPEAL
        if desk_appeals.lock_lifted_on_appeal(desk, page.me, ticket)
        else None,
        new_lock_ticket=(NEW_LOCK_TICKET, WRITE_NEW_TICKET),
        upload_error=upload_error,
        account_closed=closed,
    )


@router.get("/tickets/{ticket_id}")
def ticket_page(page: SignedInPage, ticket_id: TicketId) -> Response:
    """A ticket's public messages and files, with reply, upload, close and reopen."""
    if page.me.is_staff:
        return see_other(f"/web/desk/tickets/{ticket_id}")
    return _ticket(page, ticket_id)


@router.post("/tickets/{ticket_id}/reply")
def reply(page: CustomerActionPage, ticket_id: TicketId, body: Body) -> Response:
    d.reply(desk_of(page), page.me, ticket_id, body)
    return see_other(f"/web/tickets/{ticket_id}?done=replied#messages")


@router.post("/tickets/{ticket_id}/attachments")
def upload(
    page: CustomerPage,
    ticket_id: TicketId,
    purpose: Annotated[Literal["document", "video_statement", "screenshot"], Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    """Attach a file; a refused one re-shows the page with the reason, and nothing is kept."""
    desk = desk_of(page)
    limit = desk.policy_for(d.view(desk, page.me, ticket_id).ticket.uid).attachment_max_bytes
    content = file.file.read(limit + 1)
    try:
        d.attach(desk, page.me, ticket_id, t.AttachmentPurpose(purpose), content)
    except t.AttachmentRefused as refused:
        reason = (refused.details or [{}])[0].get("reason") or ("empty" if not content else "")
        text = UPLOAD_REFUSALS.get(str(reason), UPLOAD_REFUSALS["type_not_accepted"])
        _ = gettext_for(page.language)
        return _ticket(page, ticket_id, 422, _(text, megabytes=limit // (1024 * 1024)))
    return see_other(f"/web/tickets/{ticket_id}?done=attached")


@router.post("/tickets/{ticket_id}/state")
def change_state(
    page: CustomerPage,
    ticket_id: TicketId,
    event: Annotated[Literal["close", "reopen"], Form()],
) -> Response:
    d.change_state(desk_of(page), page.me, ticket_id, t.TicketEvent(event))
    done = "ticket_closed" if event == "close" else "ticket_reopened"
    return see_other(f"/web/tickets/{ticket_id}?done={done}")


@router.post("/tickets/{ticket_id}/recovery/{step}")
def recovery_step(
    page: CustomerPage, ticket_id: TicketId, step: Literal["complete", "cancel"]
) -> Response:
    """Finish an approved recovery after its wait (then set up a new authenticator), or
    stop one the customer did not ask for."""
    if step == "complete":
        desk_appeals.complete_recovery(desk_of(page), page.me, ticket_id)
        return see_other("/web/me/settings?done=recovery_completed")
    desk_appeals.cancel_recovery(desk_of(page), page.me, ticket_id)
    return see_other(f"/web/tickets/{ticket_id}?done=recovery_cancelled")


@router.get("/tickets/{ticket_id}/attachments/{attachment_id}")
def attachment(page: SignedInPage, ticket_id: TicketId, attachment_id: AttachmentId) -> Response:
    """Stream a file to its ticket's owner or to staff (audited): always a download,
    never shown inline, never cached. Internal files reach staff only."""
    found, chunks = d.read_attachment(desk_of(page), page.me, ticket_id, attachment_id)
    extension = FILE_EXTENSIONS.get(found.content_type, "bin")
    return StreamingResponse(
        chunks,
        media_type=found.content_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{found.id}.{extension}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


# -- is this official? -------------------------------------------------------------------------


@router.get("/official")
def official(page: AnyPage, value: str = "") -> Response:
    """Anyone, signed in or not: is this link, address or number one of ours?"""
    value = value.strip()[:2000]
    verdict = check(value, desk_of(page).official_channels) if value else None
    return render(page, "desk/official.html", value=value, verdict=verdict)


@notice_links.get("/appeals/new")
def appeal_link(closure_id: Annotated[str, Query(alias="closure", max_length=36)] = "") -> Response:
    """The link in a ``closure_rejected`` notice (``Workflow.appeal_url``): the appeal
    form, with the rejected request named (after sign-in)."""
    query = urlencode({"category": t.TicketCategory.CLOSURE_REJECTED.value, "closure": closure_id})
    return see_other(f"/web/tickets?{query}#new")


@notice_links.get("/support/tickets/{ticket_id}")
def ticket_link(ticket_id: TicketId) -> Response:
    """The link in a ``desk_reply`` notice: the ticket's page (after sign-in)."""
    return see_other(f"/web/tickets/{ticket_id}")
