"""What a closure request's audit entries add to their name on the staff timeline: the
facts in the payload, as sentences (the approval's number, whether the request needs a
review or evidence, the hold), and what a person typed (a note, a reason), kept as
typed. The event's name is a label of the presentation layer (``Kind.EVENT``); this says
only what the payload adds. Pure."""

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
    "closure.review_approval": (("approval", N_("Approval {approval} of {needed}.")),),
    "closure.hold": (("hold", N_("Hold {hold}.")),),
    "closure.lift": (("hold", N_("Hold {hold}.")),),
    "hold.placed": (("uid", N_("Account {uid}.")),),
    "hold.lifted": (("first_approver", N_("Asked by {first_approver}.")),),
}
#: What a person typed, shown as typed after its label: (payload key, label).
TYPED: dict[str, tuple[tuple[str, str], ...]] = {
    "closure.review_approval": (("note", N_("Note:")),),
    "closure.reject": (("reason", N_("Reason:")),),
    "hold.lift_requested": (("note", N_("Note:")),),
    "hold.lifted": (("note", N_("Note:")),),
}


def details(action: str, payload: Mapping[str, Any]) -> list[Message]:
    """The sentences an audit entry's payload adds; empty when it adds none."""
    params = {key: str(value) for key, value in payload.items()}
    params["needed"] = str(REVIEW_APPROVALS_NEEDED)
    return [Message(text, params) for key, text in DETAILS.get(action, ()) if payload.get(key)]


def typed(action: str, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label msgid, what was typed) for each typed text the payload holds."""
    return [(label, str(payload[key])) for key, label in TYPED.get(action, ()) if payload.get(key)]


def explained(action: str) -> bool:
    """Whether ``details`` speaks for this action's payload (else it is shown as data)."""
    return action in DETAILS or action.startswith("closure.")
