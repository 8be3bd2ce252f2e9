"""The closure request and its lifecycle, as data: states, events, and one transition table.

```
draft ──verify──▶ verifying ──verified──▶ in_review ──approve──▶ cooling_off ──timer──▶
executing ──▶ closed | blocked;  in_review ──reject──▶ rejected;  cancel before executing;
any open state ──hold──▶ on_hold ──lift──▶ back where it was (or ──cancel──▶ cancelled);
rejected ──appeal──▶ in_review. A customer is shown ``on_hold`` as ``in_review``.
```

The terminal, open and cancellable states are read from the table (``LIFECYCLE``).

A request the platform opens (an offboarding campaign) goes ``draft ──platform_open──▶
in_review`` without step-up: the customer is not there to verify, the platform decided.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from lastgate.kernel.errors import IllegalTransition as IllegalTransition
from lastgate.kernel.state_machine import StateMachine


class ClosureState(StrEnum):
    DRAFT = "draft"
    VERIFYING = "verifying"
    IN_REVIEW = "in_review"
    COOLING_OFF = "cooling_off"
    EXECUTING = "executing"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    BLOCKED = "blocked"
    ON_HOLD = "on_hold"


class ClosureEvent(StrEnum):
    START_VERIFICATION = "start_verification"
    VERIFIED = "verified"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    TIMER = "timer"
    COMPLETE = "complete"
    RECHECK_FAILED = "recheck_failed"
    HOLD = "hold"
    LIFT = "lift"
    APPEAL = "appeal"  # a rejection overturned on appeal (the desk): back to review
    PLATFORM_OPEN = "platform_open"  # opened by the platform (a campaign): no step-up


class ClosureOrigin(StrEnum):
    """Who asked for the closure: the account holder, or the platform (a campaign)."""

    CUSTOMER = "customer"
    CAMPAIGN = "campaign"


class ClosureReason(StrEnum):
    """Why the customer leaves; the fixed list offered on submission."""

    NO_LONGER_NEEDED = "no_longer_needed"
    MOVING_TO_ANOTHER_PLATFORM = "moving_to_another_platform"
    FEES = "fees"
    SECURITY_CONCERN = "security_concern"
    PRIVACY = "privacy"
    UNHAPPY_WITH_SERVICE = "unhappy_with_service"
    TAKING_A_BREAK = "taking_a_break"
    OTHER = "other"


_S, _E = ClosureState, ClosureEvent

#: The lifecycle: (state, event) → next state. ``lift`` is not here: it returns to the
#: state the hold was placed in (``LIFECYCLE``'s ``returns``).
TRANSITIONS: dict[tuple[ClosureState, ClosureEvent], ClosureState] = {
    (_S.DRAFT, _E.START_VERIFICATION): _S.VERIFYING,
    (_S.DRAFT, _E.PLATFORM_OPEN): _S.IN_REVIEW,
    (_S.VERIFYING, _E.VERIFIED): _S.IN_REVIEW,
    (_S.IN_REVIEW, _E.APPROVE): _S.COOLING_OFF,
    (_S.IN_REVIEW, _E.REJECT): _S.REJECTED,
    (_S.REJECTED, _E.APPEAL): _S.IN_REVIEW,
    (_S.COOLING_OFF, _E.TIMER): _S.EXECUTING,
    (_S.EXECUTING, _E.COMPLETE): _S.CLOSED,
    (_S.EXECUTING, _E.RECHECK_FAILED): _S.BLOCKED,
    (_S.DRAFT, _E.CANCEL): _S.CANCELLED,
    (_S.VERIFYING, _E.CANCEL): _S.CANCELLED,
    (_S.IN_REVIEW, _E.CANCEL): _S.CANCELLED,
    (_S.COOLING_OFF, _E.CANCEL): _S.CANCELLED,
    # A held request reads as one in review, so it may be cancelled like one; the hold
    # stays on the account, which is not released by it (docs/closure.md).
    (_S.ON_HOLD, _E.CANCEL): _S.CANCELLED,
    # A stopping hold (a judicial freeze, an investigation) halts a request under way.
    (_S.DRAFT, _E.HOLD): _S.ON_HOLD,
    (_S.VERIFYING, _E.HOLD): _S.ON_HOLD,
    (_S.IN_REVIEW, _E.HOLD): _S.ON_HOLD,
    (_S.COOLING_OFF, _E.HOLD): _S.ON_HOLD,
    (_S.EXECUTING, _E.HOLD): _S.ON_HOLD,
}

LIFECYCLE: StateMachine[ClosureState, ClosureEvent] = StateMachine(
    ClosureState,
    TRANSITIONS,
    returns={(_S.ON_HOLD, _E.LIFT): {s for s, e in TRANSITIONS if e is _E.HOLD}},
    reopenings={_E.APPEAL},  # a rejection stays final unless overturned on appeal
    refusal="cannot {event} a request in {state}",
)

#: Closed, rejected, cancelled or blocked: nothing more happens but an appeal.
TERMINAL_STATES = LIFECYCLE.terminal
#: Still under way (on hold included): a customer has at most one such request.
OPEN_STATES = LIFECYCLE.open
#: Approved and on its way to closing (cooling off, then executing): whatever review it
#: needed is done.
APPROVED_STATES = frozenset({_S.COOLING_OFF, _S.EXECUTING})
#: Where the customer (or staff) may still cancel: before execution starts.
CANCELLABLE_STATES = frozenset(s for s in ClosureState if LIFECYCLE.can(s, _S.CANCELLED))


@dataclass(frozen=True, slots=True)
class ClosureRequest:
    """One customer's request to close their account."""

    id: str
    uid: str
    state: ClosureState
    reason: ClosureReason
    reason_text: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    held_from: ClosureState | None = None
    needs_review: bool = False
    needs_evidence: bool = False
    cooling_off_ends_at: datetime | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    factor_verified_at: datetime | None = None
    origin: ClosureOrigin = ClosureOrigin.CUSTOMER
    initiated_by: str | None = None  # the customer, or e.g. ``campaign:<id>``

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def approved(self) -> bool:
        """Past any review it needed (``APPROVED_STATES``)."""
        return self.state in APPROVED_STATES

    def cooling_off_over(self, now: datetime) -> bool:
        """In cooling-off with its end come: the worker's next pass closes the account
        (or blocks the closure at the final check)."""
        ends = self.cooling_off_ends_at
        return self.state is ClosureState.COOLING_OFF and ends is not None and now >= ends

    def closing(self, now: datetime) -> bool:
        """Being closed: executing, or about to be (its cooling-off is over); too late to
        cancel from the customer's page."""
        return self.state is ClosureState.EXECUTING or self.cooling_off_over(now)


def customer_state(state: ClosureState) -> ClosureState:
    """The state a customer is shown: ``on_hold`` reads exactly as ``in_review``, so that
    a hold (an AML investigation among them) cannot be told from an ordinary review."""
    return ClosureState.IN_REVIEW if state is ClosureState.ON_HOLD else state


def as_customer_sees(request: ClosureRequest) -> ClosureRequest:
    """``request`` as its customer is shown it (``customer_state``); staff see it as is."""
    if request.state is not ClosureState.ON_HOLD:
        return request
    return replace(request, state=customer_state(request.state), held_from=None)


def next_state(request: ClosureRequest, event: ClosureEvent) -> ClosureState:
    """The state ``event`` leads to from ``request``; ``IllegalTransition`` if none."""
    if event is ClosureEvent.HOLD and not LIFECYCLE.allows(request.state, event):
        raise IllegalTransition(f"cannot place a hold on a request in {request.state}")
    if event is ClosureEvent.LIFT:
        if request.state is not ClosureState.ON_HOLD or request.held_from is None:
            raise IllegalTransition(f"cannot lift: the request is {request.state}, not on hold")
        return LIFECYCLE.next(request.state, event, to=request.held_from)
    return LIFECYCLE.next(request.state, event)


def apply(
    request: ClosureRequest, event: ClosureEvent, *, now: datetime, **changes: Any
) -> ClosureRequest:
    """``request`` after ``event`` at ``now``, with ``changes`` to its other fields.

    The version goes up by one on every transition; stores use it to refuse a write
    based on a stale read.
    """
    target = next_state(request, event)
    if event is ClosureEvent.TIMER and not request.cooling_off_over(now):
        raise IllegalTransition("the cooling-off period has not ended")
    return replace(
        request,
        state=target,
        held_from=request.state if event is ClosureEvent.HOLD else None,
        updated_at=now,
        version=request.version + 1,
        **changes,
    )
