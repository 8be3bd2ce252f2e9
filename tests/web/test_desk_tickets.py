"""The desk's ticket pages through HTTP, on both databases: who may open a ticket (another
customer's answers 404, staff pages refuse customers), replies and internal notes (never
shown to the customer), CSRF on every form, the queue and its first-response flag,
assignment, canned replies, resolving and the reopen window. The accounts, fixtures and
helpers are ``test_desk_pages``'."""

from __future__ import annotations

import re

from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Role
from tests.web import test_desk_pages as desk_pages
from tests.web.test_desk_pages import _open
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_A, customer

#: The desk pages' accounts (U1 with 0.25 BTC, U2, U3 under a risk lock), served the same way.
config, app, desk = desk_pages.config, desk_pages.app, desk_pages.desk


# -- tickets: access, notes, CSRF ---------------------------------------------------------------


def test_a_customer_cannot_open_another_customers_ticket(app, clock, config, desk) -> None:
    ticket = _open(desk, "U1")
    intruder = browser(app, clock, config, "U2")
    assert intruder.get(f"/web/tickets/{ticket.id}").status_code == 404
    token = csrf(intruder.get("/web/tickets").text)
    reply = intruder.post(f"/web/tickets/{ticket.id}/reply", data={"csrf": token, "body": "hi"})
    assert reply.status_code == 404
    files = d.view(desk, AGENT_A, ticket.id).attachments
    assert files == ()
    assert ticket.id not in intruder.get("/web/tickets").text
    assert len(d.view(desk, AGENT_A, ticket.id).messages) == 1


def test_a_customer_sees_the_staff_reply_but_never_the_internal_note(
    app, clock, config, desk
) -> None:
    ticket = _open(desk)
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get(f"/web/desk/tickets/{ticket.id}")
    token = csrf(page.text)
    agent.post(f"/web/desk/tickets/{ticket.id}/reply", data={"csrf": token, "body": "Withdraw."})
    noted = agent.post(
        f"/web/desk/tickets/{ticket.id}/note", data={"csrf": token, "body": "Check AML list."}
    )
    assert "done=noted" in str(noted.url)
    assert 'class="message internal"' in noted.text and "Check AML list." in noted.text

    mine = browser(app, clock, config, "U1").get(f"/web/tickets/{ticket.id}")
    assert "Withdraw." in mine.text
    assert "Check AML list." not in mine.text and "internal" not in mine.text.lower()


def test_staff_pages_refuse_customers(app, clock, config, desk) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    assert client.get("/web/desk").status_code == 403
    assert client.get(f"/web/desk/tickets/{ticket.id}").status_code == 403
    token = csrf(client.get("/web/help").text)
    note = client.post(f"/web/desk/tickets/{ticket.id}/note", data={"csrf": token, "body": "x"})
    assert note.status_code == 403
    assert len(d.view(desk, AGENT_A, ticket.id).messages) == 1


def test_desk_forms_without_the_csrf_token_change_nothing(app, clock, config, desk) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    bad = {"csrf": "0" * 64, "body": "hello"}
    assert client.post(f"/web/tickets/{ticket.id}/reply", data=bad).status_code == 403
    assert client.post("/web/help/handoff", data=bad).status_code == 403
    assert (
        client.post("/web/tickets", data={**bad, "category": "other", "subject": "s"}).status_code
        == 403
    )
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert agent.post(f"/web/desk/tickets/{ticket.id}/note", data=bad).status_code == 403
    assert len(d.view(desk, AGENT_A, ticket.id).messages) == 1
    assert len(d.list_for_customer(desk, customer("U1"), "U1")) == 1


def test_every_desk_form_carries_the_csrf_field(app, clock, config, desk) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    pages = [client.get(p).text for p in ("/web/help", "/web/tickets", f"/web/tickets/{ticket.id}")]
    pages.append(agent.get(f"/web/desk/tickets/{ticket.id}").text)
    for html in pages:
        forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.S)
        assert forms and all('name="csrf"' in form for form in forms)


def test_a_customer_opens_a_ticket_and_staff_find_it_in_the_queue(app, clock, config) -> None:
    client = browser(app, clock, config, "U2")
    page = client.get("/web/tickets?category=dispute")
    assert '<option value="dispute" selected>' in page.text
    opened = client.post(
        "/web/tickets",
        data={
            "csrf": csrf(page.text),
            "category": "dispute",
            "subject": "P2P order",
            "body": "The seller never released.",
        },
    )
    assert "done=ticket_opened" in str(opened.url) and "The seller never released." in opened.text
    ticket_id = opened.url.path.rsplit("/", 1)[1]
    agent = browser(app, clock, config, "agent-bo", Role.AGENT)
    assert ticket_id in agent.get("/web/desk?category=dispute").text
    assert ticket_id not in agent.get("/web/desk?category=account_locked").text
    assert ticket_id in agent.get("/web/desk?queue=disputes&state=new").text
    assert ticket_id not in agent.get("/web/desk?state=open").text


def test_the_queue_flags_a_breached_first_response(app, clock, config, desk) -> None:
    ticket = _open(desk, "U3", TicketCategory.ACCOUNT_LOCKED)  # 4 h to a first response
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    row = agent.get("/web/desk").text.split(f'id="ticket-{ticket.id}"')[1].split("</tr>")[0]
    assert "breached" not in row
    clock.advance(hours=4, minutes=1)
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    row = agent.get("/web/desk").text.split(f'id="ticket-{ticket.id}"')[1].split("</tr>")[0]
    assert row.count("breached") == 1 and 'class="late"' in row


def test_assignment_canned_reply_and_resolve_from_the_ticket_page(app, clock, config, desk):
    ticket = _open(desk)
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    token = csrf(agent.get(f"/web/desk/tickets/{ticket.id}").text)
    url = f"/web/desk/tickets/{ticket.id}"
    agent.post(f"{url}/assign", data={"csrf": token, "assignee": "agent-bo", "queue": "general"})
    agent.post(
        f"{url}/canned", data={"csrf": token, "key": "withdraw_first", "language": "zh_Hans"}
    )
    resolved = agent.post(f"{url}/state", data={"csrf": token, "event": "resolve"})
    assert "done=ticket_resolved" in str(resolved.url)
    seen = d.view(desk, AGENT_A, ticket.id)
    assert seen.ticket.assignee == "agent-bo" and seen.ticket.queue == "general"
    assert seen.ticket.state.value == "resolved"
    assert seen.messages[-1].body.startswith("您的账户仍有资产")
    assert ticket.id in agent.get("/web/desk?assignee=agent-bo&everything=true").text


def test_a_resolved_ticket_reopens_within_the_window_only(app, clock, config, desk) -> None:
    ticket = _open(desk)
    d.reply(desk, AGENT_A, ticket.id, "Done")
    from lastgate.desk.model.tickets import TicketEvent

    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/tickets/{ticket.id}")
    assert 'value="reopen"' in page.text
    reopened = client.post(
        f"/web/tickets/{ticket.id}/state", data={"csrf": csrf(page.text), "event": "reopen"}
    )
    assert "done=ticket_reopened" in str(reopened.url)
    d.change_state(desk, AGENT_A, ticket.id, TicketEvent.RESOLVE)
    clock.advance(days=15)
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/tickets/{ticket.id}")
    assert 'value="reopen"' not in page.text and "too long ago" in page.text
    late = client.post(
        f"/web/tickets/{ticket.id}/state", data={"csrf": csrf(page.text), "event": "reopen"}
    )
    assert late.status_code == 409 and "REOPEN_WINDOW_OVER" in late.text
