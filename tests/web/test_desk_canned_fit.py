"""Canned replies chosen by what blocks the ticket's customer, and a ticket handed to
compliance, through the real app on both databases (the ``engine`` fixture): the reply
that fits is offered first and chosen, nothing is chosen that does not apply (no
"withdraw first" on a lock appeal or a closed account's ticket); an AML investigation and
a plain review get the same reply, word for word, in both languages; an agent who cannot
see why compliance must act hands the ticket to compliance, whose console lists it, and a
compliance officer answers it."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service.workflow import Workflow
from lastgate.desk.model.tickets import COMPLIANCE_QUEUE, TicketCategory
from lastgate.desk.service import desk as d
from lastgate.kernel.access import Role
from tests.builders import account, iso
from tests.desk_support import desk_fixtures, make_desk
from tests.web_support import browser, csrf
from tests.workflow_support import customer, request_in


def _held(uid: str, clock, kind: str) -> dict:
    placed = iso(clock() - timedelta(days=2))
    hold = {"id": f"{uid}-h", "kind": kind, "reason": "internal", "placed_by": "risk-engine"}
    return account(uid, holds=[hold | {"placed_at": placed}])


DISPUTED = {"status": "disputed", "level": 2, "verified_at": "2023-01-16T10:00:00+00:00"}
config, desk_app = desk_fixtures(
    lambda clock: _held("AML", clock, "aml_investigation"),
    account("KYC", kyc=DISPUTED),
    lambda clock: _held("LOCK", clock, "risk_lock"),
    lambda clock: _held("LEGAL", clock, "judicial_freeze"),
    account("GONE", status="closed"),
)


@pytest.fixture
def app(desk_app):
    """With GONE's closure done."""
    request_in(desk_app.state.context.service(Workflow), ClosureState.CLOSED, uid="GONE")
    return desk_app


def _ticket(engine, clock, tmp_path, uid: str, category=TicketCategory.CLOSURE_BLOCKED) -> str:
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(desk, customer(uid), uid, category, "Help", "What is needed?")
    return ticket.id


def _canned(page: str) -> tuple[list[str], str | None]:
    """The replies offered as fitting, and the one chosen."""
    block = page.split('id="canned-key"')[1].split("</select>")[0]
    fitting = (
        block.split('id="canned-fitting"')[1].split("</optgroup>")[0] if "fitting" in block else ""
    )
    chosen = re.search(r'<option value="(\w*)"[^>]*\bselected', block)
    return re.findall(r'value="(\w+)"', fitting), chosen.group(1) if chosen else None


@pytest.mark.parametrize(
    ("uid", "category", "fitting"),
    [
        ("AML", TicketCategory.CLOSURE_BLOCKED, ["account_review"]),
        ("KYC", TicketCategory.CLOSURE_BLOCKED, ["account_review"]),
        ("LOCK", TicketCategory.ACCOUNT_LOCKED, ["risk_lock_review"]),
        ("LEGAL", TicketCategory.CLOSURE_BLOCKED, ["legal_hold"]),
        ("GONE", TicketCategory.OTHER, []),
    ],
)
def test_the_reply_that_fits_what_blocks_is_offered_and_nothing_else_is_chosen(
    app, engine, clock, config, tmp_path, uid, category, fitting
) -> None:
    ticket = _ticket(engine, clock, tmp_path, uid, category)
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    offered, chosen = _canned(agent.get(f"/web/desk/tickets/{ticket}").text)
    assert offered == fitting
    assert chosen == (fitting[0] if fitting else "")  # the placeholder when none fits


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_an_aml_investigation_and_a_plain_review_are_sent_the_same_words(
    app, engine, clock, config, tmp_path, lang
) -> None:
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    sent = {}
    for uid in ("AML", "KYC"):
        ticket = _ticket(engine, clock, tmp_path, uid)
        page = agent.get(f"/web/desk/tickets/{ticket}").text
        _, key = _canned(page)
        data = {"csrf": csrf(page), "key": key, "language": lang}
        assert agent.post(f"/web/desk/tickets/{ticket}/canned", data=data).status_code == 200
        mine = browser(app, clock, config, uid).get(f"/web/tickets/{ticket}").text
        sent[uid] = re.findall(r'class="message-body typed">(.*?)</div>', unescape(mine), re.S)
    assert sent["AML"] == sent["KYC"]
    assert sent["AML"][0] == "What is needed?" and len(sent["AML"]) == 2
    assert ("review your account" if lang == "en" else "审核您的账户") in sent["AML"][1]


def test_an_agent_hands_the_ticket_to_compliance_and_an_officer_answers_it(
    app, engine, clock, config, tmp_path
) -> None:
    ticket = _ticket(engine, clock, tmp_path, "AML")
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get(f"/web/desk/tickets/{ticket}").text
    assert 'id="to-compliance"' in page
    handed = agent.post(f"/web/desk/tickets/{ticket}/to-compliance", data={"csrf": csrf(page)})
    assert handed.status_code == 200 and 'id="to-compliance"' not in handed.text
    assert handed.url.query == b"done=to_compliance"
    assert "Handed to compliance." in handed.text and "Assignment saved." not in handed.text
    zh = agent.get(f"{handed.url.path}?{handed.url.query.decode()}&lang=zh-Hans").text
    assert "已转交合规。" in zh and "分配已保存" not in zh
    desk = make_desk(engine, clock, tmp_path)
    assert d.view(desk, customer("AML"), ticket).ticket.queue == COMPLIANCE_QUEUE

    officer = browser(app, clock, config, "officer-cy", Role.COMPLIANCE)
    for lang, heading in (("en", "Tickets handed to compliance"), ("zh-Hans", "转交合规的工单")):
        console = officer.get("/web/compliance", params={"lang": lang}).text
        assert heading in console and f'href="/web/desk/tickets/{ticket}"' in console
    queued = officer.get("/web/desk", params={"queue": COMPLIANCE_QUEUE}).text
    assert ticket[:8] in queued

    ticket_page = officer.get(f"/web/desk/tickets/{ticket}").text
    assert 'id="to-compliance"' not in ticket_page  # with them already
    body = {"csrf": csrf(ticket_page), "body": "We are looking at it."}
    assert officer.post(f"/web/desk/tickets/{ticket}/reply", data=body).status_code == 200
    assert (
        "We are looking at it."
        in browser(app, clock, config, "AML").get(f"/web/tickets/{ticket}").text
    )


def test_an_agent_is_not_offered_compliance_where_nothing_is_theirs(
    app, engine, clock, config, tmp_path
) -> None:
    ticket = _ticket(engine, clock, tmp_path, "KYC")
    page = browser(app, clock, config, "agent-ada", Role.AGENT).get(f"/web/desk/tickets/{ticket}")
    assert 'id="to-compliance"' not in page.text
