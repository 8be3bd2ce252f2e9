"""What a closure request's audit entries add to their name on the staff timeline: the
facts in the payload, as sentences (the approval's number and note, the rejection's
reason, whether the request needs a review or evidence, the hold). The event's name is a
label of the presentation layer (``Kind.EVENT``); this says only what the payload adds.
Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lastgate.closure.model.staff_actions import REVIEW_APPROVALS_NEEDED
from lastgate.kernel.messages import N_, Message

#: Each action's sentences: (payload key, sentence); a sentence is said when the payload
#: has a true value under its key, ``{name}`` filled from the payload.
DETAILS: dict[str, tuple[tuple[str, str], ...]] = {
    "closure.submitted": (
        ("needs_review", N_("It needs a review by staff.")),
        ("needs_evidence", N_("It needs identity evidence.")),
    ),
    "closure.review_approval": (
        ("approval", N_("Approval {approval} of {needed}.")),
        ("note", N_("Note: {note}")),
    ),
    "closure.reject": (("reason", N_("Reason: {reason}")),),
    "closure.hold": (("hold", N_("Hold {hold}.")),),
    "closure.lift": (("hold", N_("Hold {hold}.")),),
    "hold.placed": (("uid", N_("Account {uid}.")),),
    "hold.lift_requested": (("note", N_("Note: {note}")),),
    "hold.lifted": (
        ("first_approver", N_("Asked by {first_approver}.")),
        ("note", N_("Note: {note}")),
    ),
}


def details(action: str, payload: Mapping[str, Any]) -> list[Message]:
    """The sentences an audit entry's payload adds; empty when it adds none."""
    params = {key: str(value) for key, value in payload.items()}
    params["needed"] = str(REVIEW_APPROVALS_NEEDED)
    return [Message(text, params) for key, text in DETAILS.get(action, ()) if payload.get(key)]


def explained(action: str) -> bool:
    """Whether ``details`` speaks for this action's payload (else it is shown as data)."""
    return action in DETAILS or action.startswith("closure.")
