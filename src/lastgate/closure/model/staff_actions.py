"""What a staff member may do now, on a request in review and on a hold: the four-eyes
rules in one place. The use cases enforce them (``review.approve``, ``review.lift_hold``)
and the pages offer only what these say, so a page never offers an action the service
would refuse. Pure: the caller reads who has approved already."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from lastgate.closure.model.lifecycle import ClosureState

#: Overriding a ``review`` result takes this many different staff members.
REVIEW_APPROVALS_NEEDED = 2
#: Lifting a hold takes this many different compliance officers.
HOLD_LIFTS_NEEDED = 2


@dataclass(frozen=True, slots=True)
class ReviewActions:
    """A request's review as one staff member sees it now.

    ``approvers``: who approved so far, in order; ``approved_by_me``: the reader is one
    of them (then a different person must give the next approval); ``rejected_by_me``:
    the reader rejected this request and an appeal overturned that rejection (then the
    reader takes no part in its review again); ``may_approve`` and ``may_reject``: the
    decisions the reader may take now."""

    state: ClosureState
    approvers: tuple[str, ...]
    needed: int
    approved_by_me: bool
    may_approve: bool
    may_reject: bool
    rejected_by_me: bool = False

    @property
    def given(self) -> int:
        return len(self.approvers)

    @property
    def in_review(self) -> bool:
        return self.state is ClosureState.IN_REVIEW

    @property
    def waiting_for_other(self) -> bool:
        """The reader approved; the request waits for a second, different approver."""
        return self.in_review and self.approved_by_me and self.given < self.needed


def review_actions(
    state: ClosureState,
    approvers: Sequence[str],
    me: str,
    overturned_rejecters: Collection[str] = (),
) -> ReviewActions:
    """What ``me`` may do now on a request in ``state`` that ``approvers`` approved.

    ``overturned_rejecters``: who rejected the request before an appeal overturned the
    rejection. They neither approve nor reject it again: the appeal found against their
    decision, so a fresh review is someone else's (four-eyes, like the appeal itself)."""
    in_review = state is ClosureState.IN_REVIEW
    mine = me in approvers
    rejected = me in overturned_rejecters
    return ReviewActions(
        state=state,
        approvers=tuple(approvers),
        needed=REVIEW_APPROVALS_NEEDED,
        approved_by_me=mine,
        may_approve=in_review
        and not mine
        and not rejected
        and len(approvers) < REVIEW_APPROVALS_NEEDED,
        may_reject=in_review and not rejected,
        rejected_by_me=rejected,
    )


def completes_review(approvers: Sequence[str]) -> bool:
    """One more approval after ``approvers`` is the last one needed."""
    return len(approvers) + 1 >= REVIEW_APPROVALS_NEEDED


@dataclass(frozen=True, slots=True)
class HoldActions:
    """A hold as one compliance officer sees it now.

    ``requested_by``: the officers who asked to lift it; ``asked_by_me``: the reader is
    one of them (a different officer must confirm); ``may_ask``: nobody has asked yet,
    the reader may be the first; ``may_confirm``: another officer asked, the reader's
    lift completes it."""

    lifted: bool
    requested_by: tuple[str, ...]
    asked_by_me: bool
    may_ask: bool
    may_confirm: bool


def hold_actions(*, lifted: bool, requested_by: Sequence[str], me: str) -> HoldActions:
    """What ``me`` may do now on a hold that ``requested_by`` asked to lift."""
    mine = me in requested_by
    open_ = not lifted and not mine
    return HoldActions(
        lifted=lifted,
        requested_by=tuple(requested_by),
        asked_by_me=mine,
        may_ask=open_ and not requested_by,
        may_confirm=open_ and 0 < len(requested_by) < HOLD_LIFTS_NEEDED,
    )
