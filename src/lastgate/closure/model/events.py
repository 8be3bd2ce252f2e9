"""What a closure request's audit entries add to their name on the staff timeline: the
facts in the payload, as sentences (the approval's number, whether the request needs a
review or evidence, the hold, how a code was sent and until when it works, the tries
left), and what a person typed (a note, a reason), kept as typed. The event's name is a
label of the presentation layer (``Kind.EVENT``); this says only what the payload adds.
A fact with no sentence here is not shown: the timeline never shows a payload's keys.
Moments are filled in as ISO 8601 and read in the reader's format (``kernel.i18n``).
Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lastgate.closure.model.staff_actions import REVIEW_APPROVALS_NEEDED
from lastgate.kernel.messages import N_, Message, N_plural

#: How a code was sent or checked, said after the event's name: ``method=<value>``.
_BY_METHOD = (
    ("method=email", N_("By e-mail.")),
    ("method=sms", N_("By SMS.")),
    ("method=totp", N_("With the authenticator app.")),
)
#: Each action's sentences: (key, sentence); a sentence is said when the payload has a
#: true value under its key (``key=value`` is true when the payload's ``key`` is
#: ``value``), ``{name}`` filled from the payload.
DETAILS: dict[str, tuple[tuple[str, str], ...]] = {
    "closure.submitted": (
        ("needs_review", N_("It needs a review by staff.")),
        ("needs_evidence", N_("It needs identity evidence.")),
    ),
    "closure.review_approval": (("approval", N_("Approval {approval} of {needed}.")),),
    "closure.hold": (("hold", N_("Hold {hold}.")),),
    "closure.lift": (("hold", N_("Hold {hold}.")),),
    "closure.demo_cooling_off_ended": (("was_ending_at", N_("It was to end at {was_ending_at}.")),),
    "hold.placed": (("uid", N_("Account {uid}.")),),
    "hold.lifted": (("first_approver", N_("Asked by {first_approver}.")),),
    "verification.code_sent": (
        *_BY_METHOD,
        ("expires_at", N_("The code works until {expires_at}.")),
        ("superseded", N_("Codes sent before it no longer work.")),
    ),
    "verification.succeeded": _BY_METHOD,
    "verification.failed": _BY_METHOD,
    "verification.locked": (*_BY_METHOD, ("locked_until", N_("Locked until {locked_until}."))),
    "verification.evidence_uploaded": (
        ("kind=document", N_("An identity document.")),
        ("kind=selfie", N_("A selfie.")),
    ),
    "verification.evidence_reviewed": (
        ("kind=document", N_("An identity document.")),
        ("kind=selfie", N_("A selfie.")),
        ("decision=approved", N_("Accepted.")),
        ("decision=rejected", N_("Refused.")),
    ),
    "erasure.finished": (
        ("scan_passed", N_("The scan after erasure found no personal data left.")),
    ),
}
#: Counts said in a sentence, by action: (payload key, the sentence's two forms).
COUNTED: dict[str, tuple[tuple[str, tuple[str, str]], ...]] = {
    "verification.failed": (
        ("failures", N_plural("{count} wrong try in a row.", "{count} wrong tries in a row.")),
        ("tries_left", N_plural("{count} try left.", "{count} tries left.")),
    ),
    "verification.locked": (
        ("failures", N_plural("{count} wrong try in a row.", "{count} wrong tries in a row.")),
    ),
    "erasure.finished": (
        (
            "findings",
            N_plural(
                "The scan after erasure found {count} trace of personal data.",
                "The scan after erasure found {count} traces of personal data.",
            ),
        ),
    ),
}
#: What a person typed, shown as typed after its label: (payload key, label).
TYPED: dict[str, tuple[tuple[str, str], ...]] = {
    "closure.review_approval": (("note", N_("Note:")),),
    "closure.reject": (("reason", N_("Reason:")),),
    "hold.lift_requested": (("note", N_("Note:")),),
    "hold.lifted": (("note", N_("Note:")),),
}


def _count(value: Any) -> int:
    """A payload's count: a number, or the length of a list."""
    if isinstance(value, list | tuple):
        return len(value)
    return int(value) if isinstance(value, int) else 0


def details(action: str, payload: Mapping[str, Any]) -> list[Message]:
    """The sentences an audit entry's payload adds; empty when it adds none."""
    params = {key: str(value) for key, value in payload.items()}
    params["needed"] = str(REVIEW_APPROVALS_NEEDED)
    facts = {**payload, **{f"{k}={v}": True for k, v in payload.items() if isinstance(v, str)}}
    said = [Message(text, params) for key, text in DETAILS.get(action, ()) if facts.get(key)]
    for key, forms in COUNTED.get(action, ()):
        if key in payload and (key == "tries_left" or _count(payload[key])):
            said.append(Message.counted(forms, _count(payload[key])))
    return said


def typed(action: str, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label msgid, what was typed) for each typed text the payload holds."""
    return [(label, str(payload[key])) for key, label in TYPED.get(action, ()) if payload.get(key)]


def explained(action: str) -> bool:
    """Every closure timeline entry is said in sentences: its payload is never shown as
    data (a fact with no sentence above is left out)."""
    return True
