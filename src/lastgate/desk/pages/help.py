"""The Help page: the assistant, answering from the account as it is now, and the hand-off
to a person with the conversation so far (each answer carried with its seal and moment, so
that the hand-off keeps only what the assistant really said, and when)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from lastgate.closure.service import workflow as closure
from lastgate.closure.service.closed import open_account
from lastgate.closure.service.workflow import Workflow
from lastgate.desk.model.answer_parts import shown_lines
from lastgate.desk.model.turns import Line, from_form
from lastgate.desk.pages.common import desk_of, local, render
from lastgate.desk.service import assistant as desk_assistant
from lastgate.desk.service import desk as d
from lastgate.desk.service.appeals import risk_lock_appeal_refused
from lastgate.eligibility.model.report import CheckCode
from lastgate.kernel.i18n import bcp47, translate
from lastgate.kernel.redaction import redact, warning
from lastgate.platform.web.pages import CustomerActionPage, CustomerPage, Page, PageRoute, see_other

#: Included in ``customer.router``, under ``/web``.
router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)
#: How many transcript lines the Help page carries from one question to the next.
TRANSCRIPT_KEPT = 40


@dataclass(frozen=True, slots=True)
class ShownItem:
    """One item of the assistant's answer as the Help page shows it."""

    code: str
    lines: list[str]
    link: str
    person: bool
    label: str = ""  # the button's words, when it is neither a fix nor the hand-off
    check: bool = True  # about one check of the self-check (its code is shown)


def _help(page: Page, **values: Any) -> Response:
    uid = page.me.subject
    wf = page.service(Workflow)
    open_account(wf, page.me, uid)  # closed: the closed account's page
    request = closure.current(wf, page.me, uid)
    return render(
        page,
        "desk/help.html",
        tickets=d.list_for_customer(desk_of(page), page.me, uid)[:5],
        request=request,
        appealable=request is not None and closure.appealable(wf, page.me, request),
        lock_appeal=risk_lock_appeal_refused(desk_of(page), page.me, uid),
        **values,
    )


@router.get("/help")
def help_page(page: CustomerPage) -> Response:
    """The assistant, the hand-off, the customer's tickets and the ways to appeal."""
    return _help(page, transcript=[])


@router.post("/help/ask")
def ask(
    page: CustomerActionPage,
    question: Annotated[str, Form(min_length=1, max_length=2000)],
    t_role: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies defaults
    t_text: Annotated[list[str], Form(max_length=d.MAX_BODY)] = [],  # noqa: B006
    t_seal: Annotated[list[str], Form(max_length=64)] = [],  # noqa: B006
    t_at: Annotated[list[str], Form(max_length=40)] = [],  # noqa: B006
) -> Response:
    """Answer from the account as it is now; the conversation so far rides along in the
    form, each answer with its seal, so that the hand-off can attach it."""
    desk, language = desk_of(page), page.language
    said = redact(question)
    # One language for the whole answer, the page's: its headings, lines, buttons and
    # articles read as the rest of the page, whatever words the question was typed in.
    reply = desk_assistant.ask(
        desk, page.me, page.me.subject, said.text, language, answer_in=language
    )
    items = []
    for item in reply.items:
        shown = [translate(line, language) for line in shown_lines(item)]  # links: buttons
        state_only = item.code == "CLOSURE_STATE" and item.action != "talk_to_person"
        items.append(
            ShownItem(
                code=item.code,
                lines=shown,
                link=local(item.link, page) if item.link else "",
                person=item.link == reply.handoff_link and not state_only,
                label=translate(item.label, language) if item.label else "",
                check=item.code in CheckCode.__members__,
            )
        )
    said_turn = desk_assistant.turn(desk, page.me.subject, said.text, reply)
    transcript = [
        *from_form(t_role, t_text, t_seal, t_at)[-TRANSCRIPT_KEPT:],
        Line("customer", said_turn.question),
        Line("assistant", said_turn.answer, said_turn.seal, said_turn.at),
    ]
    return _help(
        page,
        question=said.text,
        items=items,
        articles=reply.articles,
        transcript=transcript[-TRANSCRIPT_KEPT:],
        secrets_warning=warning(tuple(k.value for k in said.kinds), language) or "",
        answer_language=bcp47(language),
    )


@router.post("/help/handoff")
def handoff(
    page: CustomerActionPage,
    message: Annotated[str, Form(max_length=d.MAX_BODY)] = "",
    t_role: Annotated[list[str], Form()] = [],  # noqa: B006
    t_text: Annotated[list[str], Form(max_length=d.MAX_BODY)] = [],  # noqa: B006
    t_seal: Annotated[list[str], Form(max_length=64)] = [],  # noqa: B006
    t_at: Annotated[list[str], Form(max_length=40)] = [],  # noqa: B006
) -> Response:
    """Talk to a person: a ticket with the transcript and an eligibility snapshot."""
    transcript = from_form(t_role, t_text, t_seal, t_at)[-TRANSCRIPT_KEPT:]
    if message.strip():
        transcript.append(Line("customer", message))
    ticket, _ = desk_assistant.handoff(desk_of(page), page.me, page.me.subject, transcript)
    return see_other(f"/web/tickets/{ticket.id}?done=handoff")
