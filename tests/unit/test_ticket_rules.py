"""The ticket state machine as data: every allowed transition, every refused one, the
reopen window, SLA targets fixed at creation and breach flags."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from lastgate.closure.model.lifecycle import IllegalTransition
from lastgate.desk.model.tickets import (
    TRANSITIONS,
    ReopenWindowOver,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketState,
    apply,
    sla,
    with_sla,
)
from lastgate.kernel.policy import DeskPolicy, SlaTarget

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = DeskPolicy(
    sla={"account_locked": SlaTarget(first_response_hours=4, resolution_hours=48)},
    reopen_window_days=14,
)


def ticket(state: TicketState, **fields) -> Ticket:
    base = Ticket(
        id="t1",
        uid="U1",
        category=TicketCategory.ACCOUNT_LOCKED,
        subject="s",
        state=state,
        created_at=T0,
        updated_at=T0,
        resolved_at=T0 if state in (TicketState.RESOLVED, TicketState.CLOSED) else None,
    )
    return replace(with_sla(base, POLICY), **fields)


def _replace(t: Ticket, **fields) -> Ticket:
    return replace(t, **fields)


@pytest.mark.parametrize(("start", "event"), sorted(TRANSITIONS))
def test_every_allowed_transition_reaches_its_target_and_bumps_the_version(start, event) -> None:
    after = apply(ticket(start), event, now=T0 + timedelta(hours=1), policy=POLICY)
    assert after.state is TRANSITIONS[(start, event)]
    assert after.version == 2 and after.updated_at == T0 + timedelta(hours=1)


REFUSED = sorted(set(product(TicketState, TicketEvent)) - set(TRANSITIONS))


@pytest.mark.parametrize(("start", "event"), REFUSED)
def test_every_other_transition_is_refused(start, event) -> None:
    with pytest.raises(IllegalTransition):
        apply(ticket(start), event, now=T0, policy=POLICY)


def test_closed_is_final() -> None:
    assert not [e for (s, e) in TRANSITIONS if s is TicketState.CLOSED]


def test_resolving_records_when_and_reopening_clears_it() -> None:
    resolved = apply(ticket(TicketState.OPEN), TicketEvent.RESOLVE, now=T0, policy=POLICY)
    assert resolved.resolved_at == T0
    reopened = apply(resolved, TicketEvent.REOPEN, now=T0 + timedelta(days=14), policy=POLICY)
    assert reopened.resolved_at is None


def test_reopening_a_second_after_the_window_is_refused() -> None:
    resolved = ticket(TicketState.RESOLVED)
    with pytest.raises(ReopenWindowOver):
        apply(resolved, TicketEvent.REOPEN, now=T0 + timedelta(days=14, seconds=1), policy=POLICY)


def test_sla_targets_come_from_the_category_else_the_default() -> None:
    locked = ticket(TicketState.NEW)
    assert locked.first_response_due == T0 + timedelta(hours=4)
    assert locked.resolution_due == T0 + timedelta(hours=48)
    other = with_sla(_replace(locked, category=TicketCategory.OTHER), POLICY)
    assert other.first_response_due == T0 + timedelta(hours=24)


def test_breach_flags_at_the_boundary() -> None:
    t = ticket(TicketState.NEW)
    assert not sla(t, T0 + timedelta(hours=4)).first_response_breached
    assert sla(t, T0 + timedelta(hours=4, seconds=1)).first_response_breached
    answered = _replace(t, first_response_at=T0 + timedelta(hours=3))
    assert not sla(answered, T0 + timedelta(days=1)).first_response_breached
    assert sla(answered, T0 + timedelta(hours=48, seconds=1)).resolution_breached
