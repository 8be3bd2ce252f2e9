"""The desk's pages in words people read, through the real app: a closed ticket reads as
a closed ticket (工单已关闭), not as a closed account (已注销); staff read queue names,
canned reply titles and the timeline in their language, with the codes kept small."""

from __future__ import annotations

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.desk.model.tickets import TicketCategory, TicketEvent
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Role
from tests.builders import account
from tests.desk_support import desk_fixtures, make_desk
from tests.web_support import browser
from tests.workflow_support import customer, request_in, workflow

config, app = desk_fixtures(account("U1"))


@pytest.fixture
def desk(engine, clock, tmp_path):
    return make_desk(engine, clock, tmp_path)


def test_a_closed_ticket_reads_as_a_closed_ticket(app, clock, config, desk) -> None:
    ticket, _ = d.open_ticket(
        desk, customer("U1"), "U1", TicketCategory.DISPUTE, "Trade", "A trade went wrong."
    )
    d.change_state(desk, customer("U1"), ticket.id, TicketEvent.CLOSE)
    me = browser(app, clock, config, "U1")
    page = me.get(f"/web/tickets/{ticket.id}?lang=zh-Hans").text
    badge = page.split('class="badge ticket-closed">')[1].split("</span>")[0]
    assert badge == "工单已关闭" and "已注销" not in badge
    listed = me.get("/web/tickets").text.split('class="badge ticket-closed">')[1]
    assert listed.startswith("工单已关闭")


def test_staff_read_queues_canned_titles_and_the_timeline_in_chinese(
    app, clock, config, desk, engine
) -> None:
    request_in(workflow(engine, clock), ClosureState.REJECTED, "U1")  # what is appealed
    ticket, _ = d.open_ticket(
        desk, customer("U1"), "U1", TicketCategory.CLOSURE_REJECTED, "Appeal", "Please look again."
    )
    ada = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = ada.get(f"/web/desk/tickets/{ticket.id}?lang=zh-Hans").text
    facts = page.split('class="facts"')[1].split("</dl>")[0]
    assert "<dd>申诉</dd>" in facts  # the queue "appeals"
    assert ">请先提现剩余资产</option>" in page  # a canned reply's title
    assert "Withdraw remaining assets first</option>" not in page
    timeline = page.split('id="tl"')[1].split("</section>")[0]
    assert "desk.opened" in timeline  # the code stays, small …
    assert 'class="code"' in timeline and "category=" not in timeline  # … the data does not
    queue = ada.get("/web/desk?lang=zh-Hans").text
    assert ">申诉</td>" in queue and ">appeals</td>" not in queue
