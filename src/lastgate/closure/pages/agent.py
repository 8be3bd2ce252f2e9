"""The agent console: the review queue and one request's page, with its timeline, the
eligibility result with internal detail, the identity evidence, and the decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import Response

from lastgate.closure.adapters import staff_reads
from lastgate.closure.model import events as closure_events
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.model.staff_actions import review_actions
from lastgate.closure.model.verification import REFUSALS
from lastgate.closure.service import step_up
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.review import review_status
from lastgate.closure.service.steps import SYSTEM
from lastgate.closure.service.workflow import Workflow
from lastgate.eligibility.service import Eligibility
from lastgate.eligibility.wire import report_to_wire
from lastgate.kernel import present
from lastgate.notices.adapters.preferences import customer_language
from lastgate.platform.web.pages import PageRoute, StaffPage, see_other

router = APIRouter(prefix="/web/agent", route_class=PageRoute, include_in_schema=False)

RequestId = Annotated[str, Path(min_length=36, max_length=36)]
Note = Annotated[str, Form(min_length=1, max_length=2000)]


@router.get("")
def queue(page: StaffPage, state: str = "") -> Response:
    """Requests awaiting evidence or review, oldest first; SLA age = time since last
    update; with each, the approvals given so far and what the reader may do."""
    requests = closure.review_queue(page.service(Workflow), page.me, limit=500)
    if state:
        requests = [r for r in requests if r.state.value == state]
    given = staff_reads.review_approvals(page.context.engine, (r.id for r in requests))
    me = page.me.subject
    rows = [
        (r, review_actions(r.state, [a.actor for a in given.get(r.id, ())], me)) for r in requests
    ]
    now = page.context.clock()
    ages = {r.id: present.duration(now - r.updated_at, page.language) for r in requests}
    return page.render(
        "agent/queue.html", rows=rows, ages=ages, states=closure.REVIEW_QUEUE_STATES, state=state
    )


@router.get("/requests/{request_id}")
def request_page(page: StaffPage, request_id: RequestId) -> Response:
    ctx = page.context
    request = closure.get(ctx.service(Workflow), page.me, request_id)
    eligibility = ctx.service(Eligibility)
    report = eligibility.staff_report(page.me, request.uid)
    with ctx.service(Workflow).unit_of_work() as uow:
        evidence = uow.step_up.list_evidence(request_id)
    return page.render(
        "agent/request.html",
        request=request,
        # the language the customer's notices (the rejection's too) are written in, the
        # ticket page's helper: a reason is sent as typed, so staff write it in this one
        customer_language=customer_language(ctx.engine, ctx.settings, page.me, request.uid),
        decided_automatically=request.decided_by == SYSTEM,
        # who accepted the evidence the automatic decision followed (no closure review)
        accepted_by=sorted(
            {f.reviewed_by for f in evidence if f.decision == "approved" and f.reviewed_by}
        ),
        review=review_status(ctx.service(Workflow), page.me, request_id),
        approvals=staff_reads.review_approvals(ctx.engine, [request_id]).get(request_id, []),
        report=report_to_wire(report, page.language),
        evidence=evidence,
        evidence_reviewable=request.state in step_up.EVIDENCE_STATES,
        refusals=REFUSALS,
        timeline=staff_reads.timeline(
            ctx.engine,
            f"closure:{request_id}",
            page.language,
            closure_events,
        ),
    )


@router.get("/requests/{request_id}/evidence/{evidence_id}")
def evidence_file(
    page: StaffPage, request_id: RequestId, evidence_id: Annotated[str, Path(max_length=36)]
) -> Response:
    """One file, as an attachment: never rendered inline in a page."""
    with page.service(Workflow).unit_of_work() as uow:
        content_type, chunks = uow.step_up.read_evidence(request_id, evidence_id)
        body = b"".join(chunks)
    return Response(
        body,
        media_type=content_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": "attachment",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/requests/{request_id}/evidence/{evidence_id}/review")
def review_evidence(
    page: StaffPage,
    request_id: RequestId,
    evidence_id: Annotated[str, Path(max_length=36)],
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    refusal: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    closure.review_evidence(
        page.service(Workflow),
        page.me,
        request_id,
        evidence_id,
        approve=decision == "approve",
        refusal=refusal or None,
    )
    return see_other(f"/web/agent/requests/{request_id}?done=reviewed")


@router.post("/requests/{request_id}/approve")
def approve(page: StaffPage, request_id: RequestId, note: Note) -> Response:
    after = closure.approve(page.service(Workflow), page.me, request_id, note)
    done = "approved" if after.state is ClosureState.COOLING_OFF else "first_approval"
    return see_other(f"/web/agent/requests/{request_id}?done={done}")


@router.post("/requests/{request_id}/reject")
def reject(page: StaffPage, request_id: RequestId, reason: Note) -> Response:
    closure.reject(page.service(Workflow), page.me, request_id, reason)
    return see_other(f"/web/agent/requests/{request_id}?done=rejected")
