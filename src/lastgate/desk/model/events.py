"""What a ticket's audit entries add to their name on the staff timeline: the facts in
the payload, as sentences (to whom it was assigned and in which queue, the file's kind,
the recovery's date). The event's name is a label of the presentation layer
(``Kind.EVENT``); this says only what the payload adds. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lastgate.desk.model.labels import queue_label
from lastgate.kernel.messages import N_, Message

#: Parameters that are themselves labels (msgids) to translate before they fill a sentence.
LABEL_PARAMS = frozenset({"queue"})
#: Each action's sentences: (payload key, sentence); a sentence is said when the payload
#: has a true value under its key, ``{name}`` filled from the payload.
DETAILS: dict[str, tuple[tuple[str, str], ...]] = {
    "desk.assigned": (
        ("assignee", N_("To {assignee}.")),
        ("queue", N_("Queue: {queue}.")),
    ),
    "desk.handoff_context": (
        ("transcript_lines", N_("{transcript_lines} lines of conversation attached.")),
    ),
    "desk.message": (("secrets_removed", N_("Secrets were removed from it.")),),
    "desk.internal_note": (("secrets_removed", N_("Secrets were removed from it.")),),
    "desk.risk_lock_appeal.approved": (("holds_lifted", N_("Risk locks lifted.")),),
}


def details(action: str, payload: Mapping[str, Any]) -> list[Message]:
    """The sentences an audit entry's payload adds; empty when it adds none."""
    params = {key: str(value) for key, value in payload.items()}
    if "queue" in params:
        params["queue"] = queue_label(params["queue"])
    return [Message(text, params) for key, text in DETAILS.get(action, ()) if payload.get(key)]


def typed(action: str, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A ticket's audit entries carry no typed text (messages are shown as messages)."""
    return []


def explained(action: str) -> bool:
    """Whether the label and ``details`` speak for this action (else its data is shown)."""
    return action.startswith("desk.")
