"""The appeals desk over HTTP: tickets, messages, attachments, queues, canned replies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from lastgate.desk.adapters.files import FILE_EXTENSIONS
from lastgate.desk.model import tickets as t
from lastgate.desk.model.official import check
from lastgate.desk.model.redaction import warning
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Principal, ensure_staff
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.platform.http.deps import Context, CurrentPrincipal, Language
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1", tags=["desk"])

Uid = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
TicketId = Annotated[str, Path(min_length=36, max_length=36)]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)
}


def get_desk(context: Context) -> d.Desk:
    """The desk's use cases, built once with the application."""
    return context.service(d.Desk)


DeskDep = Annotated[d.Desk, Depends(get_desk)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenIn(_In):
    category: t.TicketCategory
    subject: str = Field(min_length=1, max_length=d.MAX_SUBJECT)
    body: str = Field(min_length=1, max_length=d.MAX_BODY)
    related_closure_id: str | None = Field(default=None, max_length=36)


class MessageIn(_In):
    body: str = Field(min_length=1, max_length=d.MAX_BODY)
    internal: bool = Field(default=False, description="Staff only: a note the customer never sees.")
    await_customer: bool = Field(default=False, description="Staff only: wait for an answer.")


class CannedIn(_In):
    key: str = Field(min_length=1, max_length=64)
    language: Literal["en", "zh_Hans", "zh-Hans"] = "en"


class TransitionIn(_In):
    event: Literal["resolve", "close", "reopen"]


class AssignIn(_In):
    assignee: str | None = Field(default=None, max_length=64)
    queue: str | None = Field(default=None, max_length=32)


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


class PostedOut(BaseModel):
    message: MessageOut
    warning: str | None = Field(
        description="Set when secrets were removed: staff never ask for them."
    )


class OpenedOut(PostedOut):
    ticket: TicketOut


class CannedOut(BaseModel):
    key: str
    title: str
    en: str
    zh_Hans: str


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


def _message_out(message: t.TicketMessage, principal: Principal) -> MessageOut:
    return MessageOut(
        id=message.id,
        author_role=message.author_role,
        author=message.author if principal.is_staff else None,
        visibility=message.visibility,
        body=message.body,
        created_at=message.created_at,
        secrets_removed=list(message.redacted),
    )


def _posted(posted: d.Posted, principal: Principal, lang: str) -> PostedOut:
    said = warning(posted.secrets_removed)
    return PostedOut(
        message=_message_out(posted.message, principal),
        warning=translate(said, lang) if said else None,
    )


@router.post("/accounts/{uid}/tickets", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
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
    out = _posted(posted, principal, lang)
    status_now = t.sla(ticket, desk.clock())
    return OpenedOut(
        ticket=ticket_out(ticket, status_now, principal), message=out.message, warning=out.warning
    )


@router.get("/accounts/{uid}/tickets", responses=_ERRORS)
def list_tickets(uid: Uid, desk: DeskDep, principal: CurrentPrincipal) -> list[TicketOut]:
    """A customer's tickets, newest first."""
    now = desk.clock()
    return [
        ticket_out(ticket, t.sla(ticket, now), principal)
        for ticket in d.list_for_customer(desk, principal, uid)
    ]


@router.get("/tickets/{ticket_id}", responses=_ERRORS)
def get_ticket(ticket_id: TicketId, desk: DeskDep, principal: CurrentPrincipal) -> TicketDetailOut:
    """One ticket; a customer sees public messages and files only."""
    seen = d.view(desk, principal, ticket_id)
    return TicketDetailOut(
        ticket=ticket_out(seen.ticket, seen.sla, principal),
        messages=[_message_out(m, principal) for m in seen.messages],
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


@router.post(
    "/tickets/{ticket_id}/messages", status_code=status.HTTP_201_CREATED, responses=_ERRORS
)
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
    return _posted(posted, principal, lang)


@router.get("/desk/canned-replies", responses=_ERRORS)
def canned_replies(desk: DeskDep, principal: CurrentPrincipal) -> list[CannedOut]:
    """Staff: the canned replies, in both languages."""
    ensure_staff(principal, message="staff only")
    return [
        CannedOut(key=key, title=v["title"], en=v["en"], zh_Hans=v["zh_Hans"])
        for key, v in desk.canned_replies.items()
    ]


@router.post(
    "/tickets/{ticket_id}/canned-replies", status_code=status.HTTP_201_CREATED, responses=_ERRORS
)
def send_canned(
    ticket_id: TicketId, body: CannedIn, desk: DeskDep, principal: CurrentPrincipal, lang: Language
) -> PostedOut:
    """Staff: send a canned reply in the customer's language."""
    posted = d.reply_canned(desk, principal, ticket_id, body.key, body.language.replace("-", "_"))
    return _posted(posted, principal, lang)


@router.post("/tickets/{ticket_id}/transitions", responses=_ERRORS)
def transition(
    ticket_id: TicketId, body: TransitionIn, desk: DeskDep, principal: CurrentPrincipal
) -> TicketOut:
    """Resolve (staff), close, or reopen (within the policy's window)."""
    ticket = d.change_state(desk, principal, ticket_id, t.TicketEvent(body.event))
    return ticket_out(ticket, t.sla(ticket, desk.clock()), principal)


@router.post("/tickets/{ticket_id}/assignment", responses=_ERRORS)
def assign(
    ticket_id: TicketId, body: AssignIn, desk: DeskDep, principal: CurrentPrincipal
) -> TicketOut:
    """Staff: give the ticket to someone, or move it to another queue."""
    ticket = d.assign(desk, principal, ticket_id, assignee=body.assignee, queue=body.queue)
    return ticket_out(ticket, t.sla(ticket, desk.clock()), principal)


@router.get("/desk/queue", responses=_ERRORS)
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
    "/tickets/{ticket_id}/attachments", status_code=status.HTTP_201_CREATED, responses=_ERRORS
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
    responses=_ERRORS,
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


# -- the assistant --------------------------------------------------------------------------


class QuestionIn(_In):
    question: str = Field(default="", max_length=2000)


class TranscriptLine(_In):
    role: Literal["customer", "assistant"]
    text: str = Field(max_length=d.MAX_BODY)


class HandoffIn(_In):
    transcript: list[TranscriptLine] = Field(default_factory=list, max_length=200)


class AnswerItemOut(BaseModel):
    code: str
    text: str
    action: str
    link: str


class ArticleOut(BaseModel):
    slug: str
    title: str
    excerpt: str


class AnswerOut(BaseModel):
    language: str
    closure_state: str | None
    items: list[AnswerItemOut]
    articles: list[ArticleOut]
    handoff: str = Field(description="POST here to talk to a person.")


@router.post("/accounts/{uid}/assistant", responses=_ERRORS)
def ask_assistant(
    uid: Uid, body: QuestionIn, desk: DeskDep, principal: CurrentPrincipal, lang: Language
) -> AnswerOut:
    """The assistant answers from the account's live eligibility and closure state, and
    from the knowledge base; it never names a confidential check."""
    from lastgate.desk.service.assistant import ask

    reply = ask(desk, principal, uid, body.question, lang)
    return AnswerOut(
        language=lang,
        closure_state=reply.closure_state,
        items=[
            AnswerItemOut(
                code=item.code,
                text=" ".join(translate(line, lang) for line in item.lines),
                action=item.action,
                link=item.link,
            )
            for item in reply.items
        ],
        articles=[
            ArticleOut(slug=a.slug, title=a.title, excerpt=a.excerpt) for a in reply.articles
        ],
        handoff=f"/v1/accounts/{uid}/assistant/handoff",
    )


@router.post(
    "/accounts/{uid}/assistant/handoff", status_code=status.HTTP_201_CREATED, responses=_ERRORS
)
def talk_to_a_person(
    uid: Uid, body: HandoffIn, desk: DeskDep, principal: CurrentPrincipal, lang: Language
) -> OpenedOut:
    """Hand the conversation to a person: a ticket with the transcript and a snapshot of
    the eligibility report attached."""
    from lastgate.desk.service.assistant import handoff

    ticket, posted = handoff(desk, principal, uid, [(x.role, x.text) for x in body.transcript])
    out = _posted(posted, principal, lang)
    return OpenedOut(
        ticket=ticket_out(ticket, t.sla(ticket, desk.clock()), principal),
        message=out.message,
        warning=out.warning,
    )


# -- is this official? --------------------------------------------------------------------


class OfficialOut(BaseModel):
    value: str
    kind: str = Field(description="url, email or phone")
    official: bool
    normalised: str = Field(description="The host, address or number that was compared.")
    reason: str = Field(description="Why, in the reader's language.")


@router.get("/official-channels/check", responses=_ERRORS)
def is_this_official(
    value: Annotated[str, Query(min_length=1, max_length=2000)], desk: DeskDep, lang: Language
) -> OfficialOut:
    """Anyone: whether a link, e-mail address or phone number is one of our official
    channels. Compared exactly with the configured list; look-alikes are not official."""
    verdict = check(value, desk.official_channels)
    return OfficialOut(
        value=value,
        kind=verdict.kind.value,
        official=verdict.official,
        normalised=verdict.normalised,
        reason=translate(Message(verdict.reason), lang),
    )


# -- appeals and recoveries -----------------------------------------------------------------


class DecisionIn(_In):
    approve: bool
    note: str = Field(min_length=1, max_length=2000)


class RiskLockDecisionOut(BaseModel):
    holds_lifted: list[str]


class ClosureAppealOut(BaseModel):
    closure_state: str


class RecoveryOut(BaseModel):
    id: str
    state: str
    effective_at: datetime | None


def _recovery_out(recovery: object) -> RecoveryOut:
    from lastgate.desk.ports import CredentialRecovery

    assert isinstance(recovery, CredentialRecovery)
    return RecoveryOut(id=recovery.id, state=recovery.state, effective_at=recovery.effective_at)


@router.post("/tickets/{ticket_id}/risk-lock-decision", responses=_ERRORS)
def risk_lock_decision(
    ticket_id: TicketId, body: DecisionIn, desk: DeskDep, principal: CurrentPrincipal
) -> RiskLockDecisionOut:
    """Compliance: decide an account-locked appeal; approving lifts the risk lock."""
    from lastgate.desk.service.appeals import decide_risk_lock_appeal

    lifted = decide_risk_lock_appeal(
        desk, principal, ticket_id, approve=body.approve, note=body.note
    )
    return RiskLockDecisionOut(holds_lifted=lifted)


@router.post("/tickets/{ticket_id}/closure-appeal-decision", responses=_ERRORS)
def closure_appeal_decision(
    ticket_id: TicketId, body: DecisionIn, desk: DeskDep, principal: CurrentPrincipal
) -> ClosureAppealOut:
    """Staff other than the rejecting agent: overturn (approve) or uphold a rejection."""
    from lastgate.desk.service.appeals import decide_closure_appeal

    state = decide_closure_appeal(desk, principal, ticket_id, overturn=body.approve, note=body.note)
    return ClosureAppealOut(closure_state=state.value)


@router.post("/tickets/{ticket_id}/recovery-decision", responses=_ERRORS)
def recovery_decision(
    ticket_id: TicketId, body: DecisionIn, desk: DeskDep, principal: CurrentPrincipal
) -> RecoveryOut:
    """Staff: decide a credential recovery on its document and video statement."""
    from lastgate.desk.service.appeals import review_recovery

    return _recovery_out(
        review_recovery(desk, principal, ticket_id, approve=body.approve, note=body.note)
    )


@router.post("/tickets/{ticket_id}/recovery/complete", responses=_ERRORS)
def complete_recovery(
    ticket_id: TicketId, desk: DeskDep, principal: CurrentPrincipal
) -> RecoveryOut:
    """The customer, after the waiting period: forget the lost factor, then enrol a new
    one (``POST /v1/accounts/{uid}/factors/totp``). 409 ``RECOVERY_WAITING`` before."""
    from lastgate.desk.service.appeals import complete_recovery as complete

    return _recovery_out(complete(desk, principal, ticket_id))


@router.post("/tickets/{ticket_id}/recovery/cancel", responses=_ERRORS)
def cancel_recovery(ticket_id: TicketId, desk: DeskDep, principal: CurrentPrincipal) -> RecoveryOut:
    """The account holder (or staff) stops an approved recovery during its wait."""
    from lastgate.desk.service.appeals import cancel_recovery as cancel

    return _recovery_out(cancel(desk, principal, ticket_id))
