"""The state-machine helper: moves from the table, refusals with a stable code, and the
terminal and open states read from the table (checked against the closure's lifecycle)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from lastgate.closure.model.lifecycle import (
    CANCELLABLE_STATES,
    OPEN_STATES,
    TERMINAL_STATES,
    ClosureState,
)
from lastgate.kernel.errors import Conflict, IllegalTransition
from lastgate.kernel.state_machine import StateMachine


class Door(StrEnum):
    SHUT = "shut"
    OPEN = "open"
    LOCKED = "locked"
    AJAR = "ajar"
    BRICKED = "bricked"


class Push(StrEnum):
    OPEN = "open"
    SHUT = "shut"
    LOCK = "lock"
    NUDGE = "nudge"
    UNBRICK = "unbrick"
    BRICK = "brick"
    RESTORE = "restore"


class DoorStuck(IllegalTransition):
    """A refusal of the door's own kind."""


MOVES = {
    (Door.SHUT, Push.OPEN): Door.OPEN,
    (Door.OPEN, Push.SHUT): Door.SHUT,
    (Door.SHUT, Push.LOCK): Door.LOCKED,
    (Door.SHUT, Push.NUDGE): Door.AJAR,
    (Door.OPEN, Push.NUDGE): Door.AJAR,
    (Door.SHUT, Push.BRICK): Door.BRICKED,
    (Door.BRICKED, Push.UNBRICK): Door.SHUT,
}
DOOR: StateMachine[Door, Push] = StateMachine(
    Door,
    MOVES,
    returns={(Door.AJAR, Push.RESTORE): {Door.SHUT, Door.OPEN}},
    reopenings={Push.UNBRICK},
    refusal="cannot {event} a door that is {state}",
    error=DoorStuck,
)


@pytest.mark.parametrize(("start", "event"), sorted(MOVES))
def test_each_move_in_the_table_leads_where_it_says(start: Door, event: Push) -> None:
    assert DOOR.next(start, event) is MOVES[(start, event)]
    assert DOOR.allows(start, event) and DOOR.can(start, MOVES[(start, event)])


def test_a_move_not_in_the_table_is_refused_with_the_stable_code() -> None:
    with pytest.raises(DoorStuck) as refused:
        DOOR.next(Door.LOCKED, Push.OPEN)
    assert refused.value.code == "ILLEGAL_TRANSITION"
    assert isinstance(refused.value, Conflict)  # so the API answers 409
    assert refused.value.message == "cannot open a door that is locked"
    assert not DOOR.allows(Door.LOCKED, Push.OPEN)


def test_check_refuses_a_pair_of_states_no_event_joins() -> None:
    DOOR.check(Door.SHUT, Door.LOCKED)
    with pytest.raises(DoorStuck, match="from locked to shut"):
        DOOR.check(Door.LOCKED, Door.SHUT)
    assert not DOOR.can(Door.OPEN, Door.LOCKED)


def test_a_returning_move_goes_only_to_a_state_it_may_reach() -> None:
    assert DOOR.next(Door.AJAR, Push.RESTORE, to=Door.OPEN) is Door.OPEN
    assert DOOR.can(Door.AJAR, Door.SHUT) and not DOOR.can(Door.AJAR, Door.LOCKED)
    with pytest.raises(DoorStuck):
        DOOR.next(Door.AJAR, Push.RESTORE, to=Door.LOCKED)
    with pytest.raises(DoorStuck):
        DOOR.next(Door.AJAR, Push.RESTORE)


def test_terminal_states_are_those_left_by_nothing_but_a_reopening() -> None:
    assert DOOR.terminal == {Door.LOCKED, Door.BRICKED}
    assert DOOR.open == {Door.SHUT, Door.OPEN, Door.AJAR}
    assert DOOR.table[Door.BRICKED] == {Door.SHUT}  # the reopening is still a move


def test_a_move_naming_an_unknown_state_is_refused_when_the_machine_is_built() -> None:
    with pytest.raises(ValueError, match="states the machine does not have"):
        StateMachine([Door.SHUT], {(Door.SHUT, Push.OPEN): Door.OPEN})


def test_the_closure_state_sets_read_from_its_table_are_the_ones_it_always_had() -> None:
    S = ClosureState
    assert {S.CLOSED, S.REJECTED, S.CANCELLED, S.BLOCKED} == TERMINAL_STATES
    assert set(S) - TERMINAL_STATES == OPEN_STATES
    # on_hold too: a customer cancels a held request as the review it reads like.
    assert {S.DRAFT, S.VERIFYING, S.IN_REVIEW, S.COOLING_OFF, S.ON_HOLD} == CANCELLABLE_STATES
