"""The desk's pages through HTTP, on both databases: the assistant and the hand-off, and
what anyone may open (the official-link check, a notice's link, the compliance console).
Tickets are in ``test_desk_tickets``, files and secrets in ``test_desk_uploads``, appeals
and recovery in ``test_desk_decisions``; they and ``test_reply_reopens`` take the
accounts, fixtures and helpers here."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Role
from tests.builders import account, iso
from tests.desk_support import desk_fixtures, make_desk
from tests.web_support import browser, csrf
from tests.workflow_support import customer, request_in, workflow

BALANCE = [
    {
        "asset": "BTC",
        "account_type": "funding",
        "available": "0.25",
        "frozen": "0",
    }
]


def _locked(clock) -> dict:
    return account(
        "U3",
        holds=[
            {
                "id": "h-risk",
                "kind": "risk_lock",
                "reason": "abnormal login from a new country",
                "placed_by": "risk-engine",
                "placed_at": iso(clock() - timedelta(days=1)),
            }
        ],
    )


config, app = desk_fixtures(account("U1", balances=BALANCE), account("U2"), _locked)


@pytest.fixture
def desk(engine, clock, tmp_path):
    return make_desk(engine, clock, tmp_path)


def _open(desk, uid: str = "U1", category=TicketCategory.CLOSURE_BLOCKED, body="Why blocked?"):
    ticket, _ = d.open_ticket(desk, customer(uid), uid, category, "Blocked", body)
    return ticket


# -- the assistant and the hand-off -----------------------------------------------------------


def test_the_assistant_answers_from_the_live_account_with_a_fix_link(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    page = client.get("/web/help")
    answer = client.post(
        "/web/help/ask", data={"csrf": csrf(page.text), "question": "Why can I not close?"}
    )
    assert answer.status_code == 200
    item = answer.text.split('id="answer-ASSETS_REMAINING"')[1].split("</li>")[0]
    assert "0.25 BTC remains in your funding account." in item
    assert 'href="/web/me#check-ASSETS_REMAINING"' in item
    assert 'name="t_role" value="customer"' in answer.text  # the conversation rides along


def test_the_assistant_tells_a_clean_account_it_may_close(app, clock, config, engine) -> None:
    wf = workflow(engine, clock, config)
    request_in(wf, ClosureState.CANCELLED, uid="U2")
    client = browser(app, clock, config, "U2")
    answer = client.post(
        "/web/help/ask", data={"csrf": csrf(client.get("/web/help").text), "question": "close"}
    )
    item = answer.text.split('id="answer-ELIGIBLE"')[1].split("</li>")[0]
    assert "Nothing blocks closing your account now." in item
    assert 'href="/web/me/close"' in item
    state = answer.text.split('id="answer-CLOSURE_STATE"')[1].split("</li>")[0]
    assert "was cancelled" in state and "#handoff" not in state


def test_the_assistant_answers_in_chinese(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    page = client.get("/web/help?lang=zh-Hans")
    answer = client.post("/web/help/ask", data={"csrf": csrf(page.text), "question": "为什么"})
    assert '<html lang="zh-Hans">' in answer.text
    assert "0.25 BTC" in answer.text and "前往自查页面处理" in answer.text
    assert "Fix it on the self-check" not in answer.text


def test_talking_to_a_person_opens_a_ticket_with_the_conversation_and_snapshot(
    app, clock, config
) -> None:
    client = browser(app, clock, config, "U3")
    page = client.get("/web/help")
    answer = client.post(
        "/web/help/ask", data={"csrf": csrf(page.text), "question": "My account is locked"}
    )
    assert 'href="#handoff"' in answer.text.split('id="answer-RISK_LOCK"')[1].split("</li>")[0]
    fields = {
        name: [unescape(v) for v in re.findall(rf'name="{name}" value="([^"]*)"', answer.text)]
        for name in ("t_role", "t_text", "t_seal", "t_at")
    }
    handed = client.post(
        "/web/help/handoff",
        data={"csrf": csrf(answer.text), "message": "Please unlock it.", **fields},
    )
    assert handed.status_code == 200 and "done=handoff" in str(handed.url)
    ticket_path = handed.url.path
    assert "<h1>Please unlock it.</h1>" in handed.text  # titled by the last question
    conversation = handed.text.split('id="conversation"')[1].split("</section>")[0]
    assert "My account is locked" in conversation and "risk control" in conversation
    assert "/v1/" not in handed.text and "/attachments/" not in handed.text  # no JSON file
    assert "Eligibility snapshot" not in handed.text  # staff only

    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    staff_path = ticket_path.replace("/web/tickets/", "/web/desk/tickets/")
    staff = agent.get(staff_path)
    assert staff.status_code == 200
    assert "<dd>Account locked: appeal</dd>" in staff.text
    assert "abnormal login from a new country" in staff.text.split('id="elig"')[1]  # live
    context = staff.text.split('id="handoff-context"')[1].split("</section>")[0]
    assert "My account is locked" in context  # the conversation, as the customer had it
    assert "abnormal login" not in context  # the snapshot is read when asked for,
    assert "desk.attachment_read" not in staff.text  # and its read is audited
    staff = agent.get(f"{staff_path}?context=show")
    context = staff.text.split('id="handoff-context"')[1]
    assert context.count("desk.attachment_read") == 1
    assert "RISK_LOCK" in context
    assert "abnormal login from a new country" in context  # internal detail, staff only
    assert "abnormal login" not in handed.text


# -- anyone --------------------------------------------------------------------------------------


def test_is_this_official_works_without_signing_in(app, clock, config) -> None:
    anyone = TestClient(app, base_url="http://127.0.0.1")
    fake = anyone.get("/web/official", params={"value": "https://example.com@evil.io"})
    assert fake.status_code == 200 and "not-official" in fake.text
    real = anyone.get("/web/official", params={"value": "https://www.example.com/login"})
    assert 'class="verdict ok"' in real.text
    chinese = anyone.get("/web/official", params={"value": "examp1e.com", "lang": "zh-Hans"})
    assert "不是" in chinese.text


def test_the_notice_link_opens_the_ticket(app, clock, config, desk) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    link = client.get(f"/support/tickets/{ticket.id}", follow_redirects=False)
    assert link.status_code == 303 and link.headers["location"] == f"/web/tickets/{ticket.id}"
    assert "Why blocked?" in client.get(link.headers["location"]).text


def test_the_compliance_console_lists_open_investigations(app, clock, config, engine) -> None:
    wf = workflow(engine, clock, config)
    from lastgate.ledger.model import HoldKind
    from tests.workflow_support import OFFICER_A

    closure.place_hold(wf, OFFICER_A, "U2", HoldKind.AML_INVESTIGATION, "STR 2026-88 filed")
    closure.place_hold(wf, OFFICER_A, "U1", HoldKind.JUDICIAL_FREEZE, "Court order")
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    section = officer.get("/web/compliance").text.split('id="investigations"')[1]
    section = section.split("</section>")[0]
    assert "U2" in section and "STR 2026-88 filed" in section and "Court order" not in section
    client = browser(app, clock, config, "U2")
    answer = client.post(
        "/web/help/ask", data={"csrf": csrf(client.get("/web/help").text), "question": "why?"}
    )
    assert 'id="answer-SUPPORT_REQUIRED"' in answer.text  # no tipping off
    assert "STR 2026-88" not in answer.text and "COMPLIANCE" not in answer.text
    assert "AML" not in answer.text
