"""The agent deciding a closure appeal reads why the request was rejected, on the appeal's
ticket, through the real app on both databases (the ``engine`` fixture), in English and
Chinese; once the appeal overturns the rejection, no reason is shown any more."""

from __future__ import annotations

from html import unescape

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Role
from tests.builders import account
from tests.desk_support import desk_fixtures, make_desk
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_A, customer, request_in, workflow

REASON = "We need to confirm where the 0.15 BTC went before closing."
LABEL = {"en": "Why it was rejected", "zh-Hans": "驳回原因"}


config, app = desk_fixtures(account("U2"))


def _appeal(engine, clock, tmp_path) -> str:
    wf = workflow(engine, clock)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U2", needs_review=True)
    closure.reject(wf, AGENT_A, request.id, REASON)
    ticket, _ = d.open_ticket(
        make_desk(engine, clock, tmp_path),
        customer("U2"),
        "U2",
        TicketCategory.CLOSURE_REJECTED,
        "Appeal",
        "It went to my own account.",
        related_closure_id=request.id,
    )
    return ticket.id


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_appeal_decider_reads_why_the_request_was_rejected(
    app, engine, clock, config, tmp_path, lang
) -> None:
    ticket = _appeal(engine, clock, tmp_path)
    bo = browser(app, clock, config, "agent-bo", Role.AGENT)
    page = unescape(bo.get(f"/web/desk/tickets/{ticket}", params={"lang": lang}).text)
    assert f"<dt>{LABEL[lang]}</dt>" in page
    assert page.split('id="rejection-reason"')[1].split("</dd>")[0].endswith(REASON)

    note = {"csrf": csrf(page), "decision": "approve", "note": "Own account, confirmed."}
    decided = bo.post(f"/web/desk/tickets/{ticket}/closure-appeal-decision", data=note)
    assert decided.status_code == 200 and 'id="rejection-reason"' not in decided.text
