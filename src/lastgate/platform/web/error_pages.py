"""Which advice an error page gives (``error_advice`` holds what each says) and the view
``error.html`` renders from it: the next step to take (try again, back to the form, a new
quote, the self-check, signing out) and a ticket on the right topic; the code itself is
shown only as a small reference for support.

An error is looked up by its own code, then by the codes of the classes it derives from,
so a new ``Conflict`` subclass without an entry still reads as a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.kernel.errors import AccountNotFound, LastgateError
from lastgate.platform.web.error_advice import (
    ADVICE,
    AFTER_FORM,
    INVISIBLE_IN_FIELD,
    INVISIBLE_IN_FORM,
    NO_ACCOUNT,
    NOT_FOUND_FOR_STAFF,
    STEP_LABELS,
    STEP_PATHS,
    Advice,
    Step,
)
from lastgate.platform.web.refused_fields import FIELD_LABELS, invisible_fields


def advice_for(error: LastgateError, *, after_form: bool = False) -> Advice:
    """The advice for ``error`` (after a form, ``AFTER_FORM`` first): its own code's,
    else its nearest base class's."""
    codes = [error.code, *(str(getattr(kind, "code", "")) for kind in type(error).__mro__)]
    tables = (AFTER_FORM, ADVICE) if after_form else (ADVICE,)
    found = (table[code] for code in codes for table in tables if code in table)
    return next(found, ADVICE[LastgateError.code])


#: The steps that lead to a customer's own pages; staff are sent to their start page.
_CUSTOMER_STEPS = (Step.NEW_QUOTE, Step.SELF_CHECK, Step.SETTINGS)


@dataclass(frozen=True)
class ErrorView:
    """What ``error.html`` shows: the advice, the step it offers with its address (a form
    to post for a new quote, a link otherwise), the ticket topic for a customer (empty
    for anyone else), the code as a reference for support, and the form's page to open
    again when trying again meant going back to the form (empty otherwise)."""

    advice: Advice
    step: Step
    label: str
    href: str
    posts: bool
    topic: str
    reference: str
    reopen: str = ""
    field: str = ""  # the label (a msgid) of the field ``advice.what`` names as ``{field}``


def error_view(
    error: LastgateError,
    *,
    method: str,
    url: str,
    customer: bool,
    form: str | None = None,
    route: str = "",
) -> ErrorView:
    """The view of ``error`` met at ``url`` by a ``method`` request, for a customer or not.
    After a form, trying again means going back to it (``static/forms.js`` goes back in
    the history and fills in what was typed; without scripts the link leads to the start
    page), and the form's page (``form``, when known) can be opened again as it is now.
    A field refused for an invisible character is named by its label on the form of
    ``route`` (the route's path) when ``FIELD_LABELS`` knows it."""
    advice = advice_for(error, after_form=method not in ("GET", "HEAD"))
    if customer and error.code == AccountNotFound.code:  # a customer's only account: theirs
        advice = NO_ACCOUNT
    elif not customer and advice is ADVICE["NOT_FOUND"]:
        advice = NOT_FOUND_FOR_STAFF
    field = ""
    if (fields := invisible_fields(error)) is not None:
        labels = [FIELD_LABELS.get((route, name)) for name in fields]
        field = (labels[0] or "") if len(labels) == 1 else ""
        advice = INVISIBLE_IN_FIELD if field else INVISIBLE_IN_FORM
    step = advice.step
    reopen = ""
    if step is Step.AGAIN and method != "GET":
        step, reopen = Step.BACK, form or ""
    if step in _CUSTOMER_STEPS and not customer:
        step = Step.HOME
    href = url if step is Step.AGAIN else STEP_PATHS.get(step, STEP_PATHS[Step.HOME])
    topic = advice.topic if customer else ""
    posts = step in (Step.NEW_QUOTE, Step.SIGN_OUT)
    label = STEP_LABELS[step]
    return ErrorView(advice, step, label, href, posts, topic, error.code, reopen, field)
