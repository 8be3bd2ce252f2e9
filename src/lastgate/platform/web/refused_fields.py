"""The form fields an error page names when the input guard refused them for an invisible
(control) character (``platform.http.input_guard``): which fields those were, and the
label each has on its form, so the page can say where to look."""

from __future__ import annotations

from lastgate.kernel.errors import InvalidInput, LastgateError
from lastgate.kernel.messages import N_
from lastgate.platform.http.input_guard import REASON as CONTROL_CHARACTERS

#: The labels of the text fields customers type into, by the form's route and the
#: field's name: the same words as the label on the form's page (tested).
FIELD_LABELS: dict[tuple[str, str], str] = {
    ("/web/me/close", "reason_text"): N_("Anything you want to tell us (optional)"),
    ("/web/tickets", "subject"): N_("Subject"),
    ("/web/tickets", "body"): N_("Your message"),
    ("/web/tickets/{ticket_id}/reply", "body"): N_("Your message"),
    ("/web/help/ask", "question"): N_("Your question"),
    ("/web/help/handoff", "message"): N_("What should the person know? (optional)"),
}


def invisible_fields(error: LastgateError) -> list[str] | None:
    """The form fields ``error`` refuses for a control character, or ``None`` when it is
    not (only) that refusal of form fields."""
    if not isinstance(error, InvalidInput) or not error.details:
        return None
    places = [str(detail.get("path", "")) for detail in error.details]
    if any(d.get("reason") != CONTROL_CHARACTERS for d in error.details) or not all(
        place.startswith("body.") for place in places
    ):
        return None
    return list(dict.fromkeys(place.removeprefix("body.") for place in places))
