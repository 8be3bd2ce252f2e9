"""Every audit action a closure request's or a ticket's timeline can show has a name in
the presentation layer (no humanized code like "Desk open" on a staff page), and the
payload facts the timelines put into words fill their sentences."""

from __future__ import annotations

import pytest

from lastgate.closure.model import events as closure_events
from lastgate.closure.model.lifecycle import ClosureEvent
from lastgate.desk.model import events as desk_events
from lastgate.desk.model.tickets import TicketEvent
from lastgate.kernel.present.vocabulary import EVENTS

CLOSURE_ACTIONS = [
    "closure.submitted",
    "closure.factor_verified",
    "closure.review_approval",
    *(f"closure.{e.value}" for e in ClosureEvent),
]
DESK_ACTIONS = [
    *desk_events.DETAILS,
    "desk.opened",
    "desk.handoff",
    "desk.attached",
    "desk.attachment_read",
    *(f"desk.{e.value}" for e in TicketEvent),
]


@pytest.mark.parametrize("action", sorted(set(CLOSURE_ACTIONS + DESK_ACTIONS)))
def test_every_timeline_action_has_a_name(action: str) -> None:
    assert action in EVENTS


def test_an_approval_says_its_number_and_keeps_the_note_as_typed() -> None:
    payload = {"note": "documents match", "approval": 1}
    said = closure_events.details("closure.review_approval", payload)
    assert [m.msgid.format(**m.params) for m in said] == ["Approval 1 of 2."]
    assert closure_events.typed("closure.review_approval", payload) == [
        ("Note:", "documents match")
    ]


def test_a_submission_says_what_the_request_needs() -> None:
    said = closure_events.details(
        "closure.submitted", {"reason": "fees", "needs_review": True, "needs_evidence": False}
    )
    assert [m.msgid for m in said] == ["It needs a review by staff."]


def test_an_assignment_names_the_queue_by_its_label() -> None:
    (to, queue) = desk_events.details(
        "desk.assigned", {"assignee": "agent-ada", "queue": "appeals"}
    )
    assert to.params["assignee"] == "agent-ada" and queue.params["queue"] == "Appeals"
    assert "queue" in desk_events.LABEL_PARAMS
