"""What an appeal the desk decides does to the rejected closure: overturned, the request
goes back to review through the lifecycle like every other transition (so the version
check, the audit entry and the exchange's webhook event hold for it too); upheld, the
rejection is recorded as final for it.
"""

from __future__ import annotations

from datetime import datetime

from lastgate.closure.model.lifecycle import ClosureEvent, ClosureRequest
from lastgate.closure.ports import UnitOfWork
from lastgate.closure.service.steps import OVERTURNED_REJECTION, UPHELD_ON_APPEAL, closure_subject
from lastgate.closure.service.workflow import transition
from lastgate.kernel.errors import ClosureAlreadyOpen


def reopen_on_appeal(
    uow: UnitOfWork, request: ClosureRequest, *, actor: str, now: datetime, ticket_id: str
) -> ClosureRequest:
    """``request`` back in review, its rejection overturned on the appeal ``ticket_id``,
    inside the caller's unit of work. ``ClosureAlreadyOpen`` if the customer has opened
    another request since (one open request at most); ``IllegalTransition`` if
    ``request`` is not rejected. Who rejected it is recorded (``OVERTURNED_REJECTION``),
    so that they take no part in the review that follows."""
    if uow.closures.open_for(request.uid) is not None:
        raise ClosureAlreadyOpen("the customer has another open closure request")
    if request.decided_by is not None:  # kept: the request forgets who decided it
        uow.approvals.record(
            closure_subject(request),
            kind=OVERTURNED_REJECTION,
            actor=request.decided_by,
            decision="overturned",
            note=f"ticket:{ticket_id}",
            at=now,
        )
    return transition(
        uow,
        request,
        ClosureEvent.APPEAL,
        actor=actor,
        now=now,
        note={"ticket": ticket_id},
        decided_by=None,
        decision_note=None,
    )


def uphold_on_appeal(
    uow: UnitOfWork, request: ClosureRequest, *, actor: str, now: datetime, ticket_id: str
) -> None:
    """The rejection of ``request`` upheld on the appeal ``ticket_id``, inside the caller's
    unit of work: recorded on the request (``UPHELD_ON_APPEAL``), the decision is final
    for it, so no appeal is offered again (``steps.rejection_final``)."""
    uow.approvals.record(
        closure_subject(request),
        kind=UPHELD_ON_APPEAL,
        actor=actor,
        decision="upheld",
        note=f"ticket:{ticket_id}",
        at=now,
    )
