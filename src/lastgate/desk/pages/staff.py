"""The desk in the staff console: the ticket queue with SLA flags and filters, a ticket's
page (full history, public replies and internal notes, canned replies, assignment, state
moves, files, the hand-off's transcript and eligibility snapshot) and the appeal and
recovery decisions. Each action is the same desk use case the API calls."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path
from fastapi.responses import Response

from lastgate.closure.adapters import staff_reads
from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.workflow import Workflow
from lastgate.desk.model import events as desk_events
from lastgate.desk.model import tickets as t
from lastgate.desk.model.canned import fitting_replies
from lastgate.desk.model.staff_actions import (
    DecisionActions,
    decision_actions,
    may_hand_to_compliance,
)
from lastgate.desk.pages.customer import desk_of, render
from lastgate.desk.service import appeals as desk_appeals
from lastgate.desk.service import desk as d
from lastgate.desk.service.conversation import conversation, written_in
from lastgate.eligibility.model.report import CheckStatus, EligibilityReport
from lastgate.eligibility.service import Eligibility
from lastgate.eligibility.wire import report_to_wire
from lastgate.kernel import present
from lastgate.kernel.access import Role
from lastgate.kernel.errors import NotFound
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.notices.adapters.preferences import customer_language
from lastgate.platform.web.pages import Page, PageRoute, StaffPage, see_other

router = APIRouter(prefix="/web/desk", route_class=PageRoute, include_in_schema=False)

TicketId = Annotated[str, Path(min_length=36, max_length=36)]
Body = Annotated[str, Form(min_length=1, max_length=d.MAX_BODY)]
Note = Annotated[str, Form(min_length=1, max_length=2000)]
Decision = Annotated[Literal["approve", "reject"], Form()]
#: The queues tickets land in (``tickets.QUEUES``) or are handed to (compliance), for the
#: filter and the move.
QUEUE_NAMES = t.STAFF_QUEUES
#: What staff may do to a ticket by hand, by the lifecycle table.
STAFF_MOVES = (t.TicketEvent.RESOLVE, t.TicketEvent.CLOSE, t.TicketEvent.REOPEN)
SNAPSHOT = t.AttachmentPurpose.ELIGIBILITY_SNAPSHOT


def _enum_or_none(kind: Any, value: str) -> Any:
    return kind(value) if value in {m.value for m in kind} else None


@router.get("")
def queue(
    page: StaffPage,
    state: str = "",
    category: str = "",
    queue: str = "",
    assignee: str = "",
    everything: bool = False,
) -> Response:
    """Tickets oldest first with their SLA flags; filters by state, category, queue and
    assignee (``me`` for oneself); resolved and closed ones only when asked."""
    chosen_state = _enum_or_none(t.TicketState, state)
    who = page.me.subject if assignee == "me" else (assignee.strip()[:64] or None)
    found = d.staff_queue(
        desk_of(page),
        page.me,
        queue=queue if queue in QUEUE_NAMES else None,
        assignee=who,
        open_only=not everything and (chosen_state is None or chosen_state in t.UNRESOLVED_STATES),
        state=chosen_state,
        category=_enum_or_none(t.TicketCategory, category),
    )
    return render(
        page,
        "desk/queue.html",
        found=found,
        ages={
            ticket.id: present.duration(page.context.clock() - ticket.created_at, page.language)
            for ticket, _sla in found
        },
        states=list(t.TicketState),
        categories=list(t.TicketCategory),
        queues=QUEUE_NAMES,
        filters={
            "state": state,
            "category": category,
            "queue": queue,
            "assignee": assignee,
            "everything": everything,
        },
    )


def _context_file(page: Page, ticket_id: str, attachment: t.Attachment) -> Any:
    """The hand-off's snapshot, read through the audited service like any staff read."""
    _, chunks = d.read_attachment(desk_of(page), page.me, ticket_id, attachment.id)
    return json.loads(b"".join(chunks))


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def canned_titles(canned: Mapping[str, Mapping[str, str]], language: str) -> dict[str, str]:
    """Each canned reply's title in the reader's language (``title_<language>`` in
    canned_replies.toml), else its English ``title``."""
    return {key: reply.get(f"title_{language}") or reply["title"] for key, reply in canned.items()}


def _snapshot_checks(snapshot: dict[str, Any], language: str) -> list[dict[str, Any]]:
    def said(message: dict[str, Any]) -> str:
        said = Message(
            message.get("msgid", ""),
            message.get("params", {}),
            plural=message.get("plural", ""),
            count=int(message.get("count", 1)),
        )
        return translate(said, language)

    return [
        {**check, "message": said(check["message"]), "detail": said(check["detail"])}
        for check in snapshot.get("checks", [])
    ]


def _decision(
    page: Page, seen: d.TicketView, related: ClosureRequest | None, recovery_decided: bool
) -> DecisionActions:
    """What the reader may decide now on the ticket (``staff_actions``)."""
    return decision_actions(
        category=seen.ticket.category,
        ticket_open=seen.ticket.is_open,
        me=page.me.subject,
        compliance=page.me.role is Role.COMPLIANCE,
        closure_state=related.state if related else None,
        rejected_by=related.decided_by if related else None,
        recovery_decided=recovery_decided,
        evidence=[a.purpose for a in seen.attachments],
    )


def _eligibility(page: Page, uid: str) -> tuple[EligibilityReport | None, dict[str, Any]]:
    """The internal report now, or, for a closed account, that it is closed and since when
    (its closure request's last change, when it was closed through one): nothing is
    checked on it any more."""
    if not d.account_closed(desk_of(page), uid):
        report = page.service(Eligibility).staff_report(page.me, uid)
        return report, {"report": report_to_wire(report, page.language), "account_closed": False}
    latest = closure.current(page.service(Workflow), page.me, uid)
    closed = latest.updated_at if latest and latest.state is ClosureState.CLOSED else None
    return None, {"account_closed": True, "closed_on": closed}


def _answers(page: Page, seen: d.TicketView, report: EligibilityReport | None) -> dict[str, Any]:
    """The canned replies that fit what blocks this customer (``model.canned``), and
    whether to offer handing the ticket to compliance (``staff_actions``)."""
    not_passing = [c for c in report.checks if c.status is not CheckStatus.PASS] if report else []
    fitting = fitting_replies(
        [c.code for c in not_passing],
        category=seen.ticket.category,
        secret_removed=any(m.redacted for m in seen.messages),
        known=desk_of(page).canned_replies,
    )
    to_compliance = may_hand_to_compliance(
        [c.resolver for c in not_passing],
        category=seen.ticket.category,
        queue=seen.ticket.queue,
        ticket_open=seen.ticket.is_open,
        compliance=page.me.role is Role.COMPLIANCE,
    )
    return {"fitting": fitting, "offer_compliance": to_compliance}


@router.get("/tickets/{ticket_id}")
def ticket_page(page: StaffPage, ticket_id: TicketId, context: str = "") -> Response:
    """The whole ticket for staff, with the hand-off's conversation as the customer had
    it and the language the customer wrote it in (else their language setting), to answer
    in; its internal eligibility snapshot is read (and the read audited) when the reader
    asks for it: ``?context=show``."""
    desk = desk_of(page)
    seen = d.view(desk, page.me, ticket_id)
    ticket = seen.ticket
    handoff = [a for a in seen.attachments if a.purpose is SNAPSHOT]
    snapshot = _context_file(page, ticket_id, handoff[0]) if handoff and context == "show" else None
    checked_at = _moment(snapshot.get("checked_at")) if snapshot else None
    related = None
    if ticket.related_closure_id is not None:
        try:
            related = closure.get(page.service(Workflow), page.me, ticket.related_closure_id)
        except NotFound:
            related = None
    recovery = (
        desk_appeals.recovery_of(desk, page.me, ticket_id)
        if ticket.category is t.TicketCategory.CREDENTIAL_RECOVERY
        else None
    )
    decision = _decision(page, seen, related, recovery is not None)
    report, eligibility = _eligibility(page, ticket.uid)
    return render(
        page,
        "desk/staff_ticket.html",
        seen=seen,
        customer_language=written_in(desk, page.me, ticket_id)
        or customer_language(page.context.engine, page.context.settings, page.me, ticket.uid),
        **eligibility,
        **_answers(page, seen, report),
        has_snapshot=bool(handoff),
        conversation=conversation(desk, page.me, ticket_id),
        snapshot=snapshot,
        snapshot_checks=_snapshot_checks(snapshot, page.language) if snapshot else [],
        snapshot_checked_at=checked_at,
        canned=desk.canned_replies,
        canned_titles=canned_titles(desk.canned_replies, page.language),
        queues=QUEUE_NAMES,
        moves=[e for e in STAFF_MOVES if t.TICKET_LIFECYCLE.allows(ticket.state, e)],
        related=related,
        recovery=recovery,
        decision=decision,
        evidence={a.purpose.value for a in seen.attachments},
        timeline=staff_reads.timeline(
            page.context.engine,
            d.subject_of(ticket_id),
            page.language,
            desk_events,
            desk_events.LABEL_PARAMS,
        ),
    )


def _back(ticket_id: str, done: str) -> Response:
    return see_other(f"/web/desk/tickets/{ticket_id}?done={done}")


@router.post("/tickets/{ticket_id}/reply")
def reply(
    page: StaffPage,
    ticket_id: TicketId,
    body: Body,
    await_customer: Annotated[bool, Form()] = False,
) -> Response:
    """A public reply: the customer reads it and is told by a notice with their code."""
    d.reply(desk_of(page), page.me, ticket_id, body, await_customer=await_customer)
    return _back(ticket_id, "replied")


@router.post("/tickets/{ticket_id}/note")
def internal_note(page: StaffPage, ticket_id: TicketId, body: Body) -> Response:
    """An internal note: staff only, the customer is told nothing."""
    d.reply(desk_of(page), page.me, ticket_id, body, internal=True)
    return _back(ticket_id, "noted")


@router.post("/tickets/{ticket_id}/canned")
def canned(
    page: StaffPage,
    ticket_id: TicketId,
    key: Annotated[str, Form(min_length=1, max_length=64)],
    language: Annotated[Literal["en", "zh_Hans"], Form()] = "en",
) -> Response:
    d.reply_canned(desk_of(page), page.me, ticket_id, key, language)
    return _back(ticket_id, "replied")


@router.post("/tickets/{ticket_id}/assign")
def assign(
    page: StaffPage,
    ticket_id: TicketId,
    assignee: Annotated[str, Form(max_length=64, pattern=r"^[A-Za-z0-9_.:-]*$")] = "",
    queue: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Give the ticket to someone (empty: nobody) and optionally move it to a queue."""
    d.assign(
        desk_of(page),
        page.me,
        ticket_id,
        assignee=assignee or None,
        queue=queue if queue in QUEUE_NAMES else None,
    )
    return _back(ticket_id, "assigned")


@router.post("/tickets/{ticket_id}/to-compliance")
def hand_to_compliance(page: StaffPage, ticket_id: TicketId) -> Response:
    """Hand the ticket to compliance: into their queue, nobody's yet, so that an officer
    takes it from the console and answers it."""
    d.assign(desk_of(page), page.me, ticket_id, assignee=None, queue=t.COMPLIANCE_QUEUE)
    return _back(ticket_id, "to_compliance")


@router.post("/tickets/{ticket_id}/state")
def change_state(
    page: StaffPage,
    ticket_id: TicketId,
    event: Annotated[Literal["resolve", "close", "reopen"], Form()],
) -> Response:
    d.change_state(desk_of(page), page.me, ticket_id, t.TicketEvent(event))
    done = {"resolve": "ticket_resolved", "close": "ticket_closed", "reopen": "ticket_reopened"}
    return _back(ticket_id, done[event])


@router.post("/tickets/{ticket_id}/risk-lock-decision")
def risk_lock_decision(
    page: StaffPage, ticket_id: TicketId, decision: Decision, note: Note
) -> Response:
    """A compliance officer decides an account-locked appeal (an agent gets 403)."""
    desk_appeals.decide_risk_lock_appeal(
        desk_of(page), page.me, ticket_id, approve=decision == "approve", note=note
    )
    return _back(ticket_id, "decided")


@router.post("/tickets/{ticket_id}/closure-appeal-decision")
def closure_appeal_decision(
    page: StaffPage, ticket_id: TicketId, decision: Decision, note: Note
) -> Response:
    """Anyone but the agent who rejected the closure: overturn (back to review) or uphold."""
    desk_appeals.decide_closure_appeal(
        desk_of(page), page.me, ticket_id, overturn=decision == "approve", note=note
    )
    return _back(ticket_id, "decided")


@router.post("/tickets/{ticket_id}/recovery-decision")
def recovery_decision(
    page: StaffPage, ticket_id: TicketId, decision: Decision, note: Note
) -> Response:
    """Approve (after the waiting period) or reject a credential recovery."""
    desk_appeals.review_recovery(
        desk_of(page), page.me, ticket_id, approve=decision == "approve", note=note
    )
    return _back(ticket_id, "decided")
