"""A customer's reply to a resolved ticket reaches someone: it reopens the ticket (within
the reopen window) and puts it back in its queue; past the window the reply form is gone
and a late reply is refused, nothing stored. Through HTTP, on both databases, en + zh."""

from __future__ import annotations

from html import unescape

import pytest

from lastgate.desk.model.tickets import TicketCategory, TicketEvent, TicketState
from lastgate.desk.service import desk as d
from tests.web import test_desk_pages as desk_pages
from tests.web.test_desk_pages import _open
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_A

#: The desk pages' accounts (U3 under a risk lock), served the same way.
config = desk_pages.config
app = desk_pages.app
desk = desk_pages.desk

HINT = {
    "en": "This ticket is resolved: a message or a file from you reopens it",
    "zh-Hans": "此工单已解决：您发送消息或文件即会重新打开它",  # noqa: RUF001
}


def _resolved(desk):
    ticket = _open(desk, "U3", TicketCategory.ACCOUNT_LOCKED, "Please lift the lock")
    d.reply(desk, AGENT_A, ticket.id, "We keep the restriction.")
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    return ticket


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_reply_to_a_resolved_ticket_reopens_it_and_staff_see_it(
    app, clock, config, desk, lang
) -> None:
    ticket = _resolved(desk)
    me = browser(app, clock, config, "U3")
    page = me.get(f"/web/tickets/{ticket.id}", params={"lang": lang})
    assert HINT[lang] in unescape(page.text)
    sent = me.post(
        f"/web/tickets/{ticket.id}/reply",
        data={"csrf": csrf(page.text), "body": "I have a new document about that login."},
    )
    assert sent.status_code == 200 and "done=replied" in str(sent.url)
    assert HINT[lang] not in unescape(sent.text)  # open again: nothing to reopen
    seen = d.view(desk, AGENT_A, ticket.id)
    assert seen.ticket.state is TicketState.OPEN
    assert seen.messages[-1].body == "I have a new document about that login."
    queue = [q.id for q, _ in d.staff_queue(desk, AGENT_A, queue=seen.ticket.queue)]
    assert ticket.id in queue


def test_past_the_window_there_is_no_reply_form_and_a_late_reply_is_refused(
    app, clock, config, desk
) -> None:
    ticket = _resolved(desk)
    clock.advance(days=15)
    me = browser(app, clock, config, "U3")
    page = me.get(f"/web/tickets/{ticket.id}")
    assert 'action="/web/tickets/' + ticket.id + '/reply"' not in page.text
    assert "too long ago" in page.text
    late = me.post(
        f"/web/tickets/{ticket.id}/reply", data={"csrf": csrf(page.text), "body": "Still here"}
    )
    assert late.status_code == 409 and "REOPEN_WINDOW_OVER" in late.text
    seen = d.view(desk, AGENT_A, ticket.id)
    assert seen.ticket.state is TicketState.RESOLVED
    assert [m.body for m in seen.messages][-1] == "We keep the restriction."
