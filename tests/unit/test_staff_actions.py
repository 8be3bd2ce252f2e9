"""What staff may do now: the four-eyes rules of a review override and of a hold's lift,
as the pages offer them and the use cases enforce them."""

from __future__ import annotations

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.model.staff_actions import completes_review, hold_actions, review_actions


def test_a_fresh_review_may_be_approved_or_rejected_by_anyone() -> None:
    may = review_actions(ClosureState.IN_REVIEW, [], "agent-ada")
    assert (may.may_approve, may.may_reject, may.approved_by_me) == (True, True, False)
    assert (may.given, may.needed, may.waiting_for_other) == (0, 2, False)


def test_the_first_approver_waits_for_a_second_one() -> None:
    may = review_actions(ClosureState.IN_REVIEW, ["agent-ada"], "agent-ada")
    assert not may.may_approve and may.approved_by_me and may.waiting_for_other
    assert may.may_reject  # rejecting needs no second person
    assert may.given == 1


def test_a_second_person_may_give_the_last_approval() -> None:
    may = review_actions(ClosureState.IN_REVIEW, ["agent-ada"], "agent-bo")
    assert may.may_approve and not may.waiting_for_other
    assert completes_review(["agent-ada"]) and not completes_review([])


@pytest.mark.parametrize("state", [s for s in ClosureState if s is not ClosureState.IN_REVIEW])
def test_outside_review_nobody_may_decide(state: ClosureState) -> None:
    may = review_actions(state, ["agent-ada", "agent-bo"], "agent-cy")
    assert not may.may_approve and not may.may_reject and not may.waiting_for_other


def test_the_first_officer_may_ask_to_lift_a_hold() -> None:
    may = hold_actions(lifted=False, requested_by=[], me="compliance-cy")
    assert may.may_ask and not may.may_confirm and not may.asked_by_me


def test_the_officer_who_asked_may_not_confirm_the_lift() -> None:
    may = hold_actions(lifted=False, requested_by=["compliance-cy"], me="compliance-cy")
    assert may.asked_by_me and not may.may_ask and not may.may_confirm


def test_another_officer_confirms_the_lift() -> None:
    may = hold_actions(lifted=False, requested_by=["compliance-cy"], me="compliance-di")
    assert may.may_confirm and not may.may_ask and not may.asked_by_me


def test_a_lifted_hold_offers_nothing() -> None:
    may = hold_actions(lifted=True, requested_by=["compliance-cy", "compliance-di"], me="x")
    assert not may.may_ask and not may.may_confirm


def test_whoever_rejected_takes_no_part_once_an_appeal_overturns_them() -> None:
    mine = review_actions(ClosureState.IN_REVIEW, ["agent-bo"], "agent-ada", ["agent-ada"])
    assert mine.rejected_by_me and not mine.may_approve and not mine.may_reject
    other = review_actions(ClosureState.IN_REVIEW, ["agent-bo"], "agent-cy", ["agent-ada"])
    assert other.may_approve and other.may_reject and not other.rejected_by_me
