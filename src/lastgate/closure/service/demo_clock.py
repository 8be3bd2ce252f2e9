"""The demo's clock: a cooling-off period ended now, so that the next worker pass runs
the rest of the journey (the final check, the closure, the erasure, the certificate).

For ``lastgate demo`` only: its one caller is the demo sign-in page's "Demo clock"
(``lastgate.demo.pages``), behind the ``demo_login`` setting, which a production start
refuses (``kernel.settings.unsafe_for_production``). Nothing else is skipped: the worker
re-checks the account as it does at any cooling-off's end.
"""

from __future__ import annotations

from dataclasses import replace

from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.closure.service.steps import Workflow, _owned, closure_subject
from lastgate.kernel.access import Principal
from lastgate.kernel.errors import IllegalTransition

#: The audit action of a cooling-off ended early in the demo.
DEMO_COOLING_OFF_ENDED = "closure.demo_cooling_off_ended"


def cooling_off_requests(
    wf: Workflow, principal: Principal, *, limit: int = 100
) -> list[ClosureRequest]:
    """The requests in cooling-off ``principal`` may end (not yet over): staff any, a
    customer their own; the soonest to end first."""
    now = wf.clock()
    with wf.unit_of_work() as uow:
        if principal.is_staff:
            found = list(uow.closures.in_states([ClosureState.COOLING_OFF], limit))
        else:
            own = uow.closures.open_for(principal.subject)
            found = [own] if own is not None and own.state is ClosureState.COOLING_OFF else []
    found = [r for r in found if r.cooling_off_ends_at and not r.cooling_off_over(now)]
    return sorted(found, key=lambda r: (r.cooling_off_ends_at or now, r.id))


def end_cooling_off_now(wf: Workflow, principal: Principal, request_id: str) -> ClosureRequest:
    """Set the request's cooling-off end to now (the account holder or staff), audited as
    a demo action by the one who asked; the reminder due before the old end is voided."""
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        _owned(request, principal)
        was = request.cooling_off_ends_at
        if request.state is not ClosureState.COOLING_OFF or was is None:
            raise IllegalTransition(f"the request is {request.state.value}, not cooling off")
        if request.cooling_off_over(now):
            raise IllegalTransition("the cooling-off period has already ended")
        after = replace(
            request,
            cooling_off_ends_at=now,
            updated_at=now,
            version=request.version + 1,
        )
        uow.closures.save(after)
        uow.audit.record(
            actor=principal.subject,
            action=DEMO_COOLING_OFF_ENDED,
            subject=closure_subject(after),
            payload={"demo": True, "was_ending_at": was.isoformat()},
        )
        uow.notifier.void(closure_subject(after), ["cooling_off_reminder"])
    return after
