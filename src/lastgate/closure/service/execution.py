"""The worker's side of the workflow: when cooling-off ends, re-check and close, or block.

Two steps, each its own transaction. *Claim*: due requests move to ``executing``
(row-locked, ``SKIP LOCKED`` so several workers share the work). *Execute*: each
``executing`` request is locked again, re-checked and closed or blocked, all in one
transaction. A crash between or during the steps leaves the request ``executing``; the
next run picks it up, and since closing happens in the same transaction as the state
change, it happens exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from lastgate.closure.model.lifecycle import ClosureEvent, ClosureOrigin, ClosureState
from lastgate.closure.service.protective_freeze import stop_closure
from lastgate.closure.service.steps import protected
from lastgate.closure.service.workflow import (
    SYSTEM,
    Workflow,
    closure_subject,
    eligibility_for_closure,
    release_closure_freeze,
    transition,
)
from lastgate.eligibility.model.report import customer_view
from lastgate.kernel.errors import ConcurrentUpdate

FaultHook = Callable[[str], None]
log = logging.getLogger("lastgate.closure.execution")


def _no_fault(point: str) -> None:
    """Production: no fault. Tests pass a hook that crashes the process at ``point``."""


@dataclass
class ExecutionReport:
    claimed: int = 0
    closed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def execute_due(wf: Workflow, *, limit: int = 50, fault: FaultHook = _no_fault) -> ExecutionReport:
    """Close (or block) every request whose cooling-off has ended; safe to run anywhere."""
    report = ExecutionReport()
    now = wf.clock()
    ids: list[str] = []
    try:
        with wf.unit_of_work() as uow:
            for request in uow.closures.claim_due(now, limit):
                if request.state is ClosureState.COOLING_OFF:
                    request = transition(uow, request, ClosureEvent.TIMER, actor=SYSTEM, now=now)
                    report.claimed += 1
                    if request.origin is ClosureOrigin.CUSTOMER:  # a campaign's had none
                        uow.notifier.notify_customer(
                            request.uid,
                            "cooling_off_ended",
                            {},
                            subject_ref=closure_subject(request),
                        )
                ids.append(request.id)
    except ConcurrentUpdate:
        log.info("closure.claim_raced", extra={"event": "closure.claim_raced"})
        return ExecutionReport()  # a cancel won the race for one of them; next poll retries
    fault("claimed")
    for request_id in ids:
        try:
            _execute_one(wf, request_id, report, fault)
        except ConcurrentUpdate:
            report.skipped.append(request_id)
        except Exception:
            _logged(request_id, "failed", logging.ERROR, exc_info=True)
            raise  # the request stays executing: the next pass retries it
        closed, blocked = request_id in report.closed, request_id in report.blocked
        _logged(
            request_id, "closed" if closed else "blocked" if blocked else "skipped", logging.INFO
        )
    return report


def _logged(closure_id: str, outcome: str, level: int, *, exc_info: bool = False) -> None:
    # The blockers are not named: an investigation's code must not reach a log line.
    log.log(
        level,
        f"closure.execution_{outcome}",
        extra={"event": f"closure.execution_{outcome}", "closure_id": closure_id},
        exc_info=exc_info,
    )


def _execute_one(wf: Workflow, request_id: str, report: ExecutionReport, fault: FaultHook) -> None:
    now = wf.clock()
    with wf.unit_of_work() as uow:
        request = uow.closures.get(request_id, lock=True)
        if request.state is not ClosureState.EXECUTING:
            report.skipped.append(request_id)  # another worker, or a hold, got there first
            return
        if protected(uow, request.uid):  # frozen to protect it since its cooling-off began
            stop_closure(uow, request, SYSTEM, now)  # held: goes on once the freeze is lifted
            report.skipped.append(request_id)
            return
        eligibility, _ = eligibility_for_closure(wf, request.uid)
        if eligibility.eligible:
            uow.actions.close(request.uid)
            uow.erasure.begin(request.uid, closure_id=request.id, closed_at=now)
            request = transition(uow, request, ClosureEvent.COMPLETE, actor=SYSTEM, now=now)
            uow.freezes.lift(request.uid, "closure", at=now)
            uow.notifier.notify_customer(
                request.uid, "closure_completed", {}, subject_ref=closure_subject(request)
            )
            uow.notifier.publish_event(
                "account.closed", {"uid": request.uid}, subject_ref=closure_subject(request)
            )
            fault("before_commit")
            report.closed.append(request_id)
            return
        blockers = [c.code.value for c in customer_view(eligibility).blockers]
        internal = [c.code.value for c in eligibility.blockers]
        request = transition(
            uow,
            request,
            ClosureEvent.RECHECK_FAILED,
            actor=SYSTEM,
            now=now,
            note={"blockers": internal},
        )
        release_closure_freeze(uow, request, now)
        uow.notifier.notify_customer(
            request.uid,
            "closure_blocked",
            {"reasons": ", ".join(blockers)},
            subject_ref=closure_subject(request),
        )
        fault("before_commit")
        report.blocked.append(request_id)
