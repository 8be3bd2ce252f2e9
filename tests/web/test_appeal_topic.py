"""The appeal of a rejected closure is offered, and taken, only where there is one to
appeal (the walker's finding 4: a customer never rejected could send "My closure was
rejected: appeal", which staff then could not decide). Through HTTP on both databases:
the new-ticket form offers the topic only once a request was rejected; an appeal sent
without naming it names the account's last rejected request, so its decision is
offered; one with nothing to appeal is refused and nothing is stored."""

from __future__ import annotations

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel.errors import InvalidInput
from tests.builders import account
from tests.desk_support import desk_fixtures, make_desk
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_A, customer, request_in, workflow

config, app = desk_fixtures(account("U1"))
APPEAL = 'value="closure_rejected"'


def test_the_appeal_topic_waits_for_a_rejected_closure(app, engine, clock, config, tmp_path):
    client = browser(app, clock, config, "U1")
    page = client.get("/web/tickets").text
    assert APPEAL not in page and 'value="closure_blocked"' in page
    with pytest.raises(InvalidInput):  # nothing to appeal: refused, nothing stored
        d.open_ticket(
            make_desk(engine, clock, tmp_path), customer("U1"), "U1",
            TicketCategory.CLOSURE_REJECTED, "Appeal", "Look again",
        )  # fmt: skip
    assert d.list_for_customer(make_desk(engine, clock, tmp_path), customer("U1"), "U1") == []

    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, "U1", needs_review=True)
    closure.reject(wf, AGENT_A, request.id, "Documents unclear.")
    page = client.get("/web/tickets").text
    assert APPEAL in page
    sent = client.post(
        "/web/tickets",
        data={
            "csrf": csrf(page),
            "category": "closure_rejected",
            "subject": "Appeal",
            "body": "My documents are fine.",
        },
    )
    assert sent.status_code == 200 and "done=ticket_opened" in str(sent.url)
    [ticket] = d.list_for_customer(make_desk(engine, clock, tmp_path), customer("U1"), "U1")
    assert ticket.related_closure_id == request.id  # what staff decide on
