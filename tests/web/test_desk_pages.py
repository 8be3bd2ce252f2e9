"""The desk's pages through HTTP, on both databases: the assistant and the hand-off, a
ticket's page for its owner and for staff, uploads, redaction, appeals, the queue, and
who may open what."""

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
from lastgate.eligibility.service import check_account
from lastgate.kernel.access import Role
from tests.builders import account, iso
from tests.desk_support import MP4, PNG, desk_fixtures, make_desk
from tests.secret_corpus import mnemonic
from tests.web.test_pages import browser, csrf
from tests.workflow_support import AGENT_A, customer, request_in, stored, workflow

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


def _files(tmp_path) -> list[str]:
    folder = tmp_path / "evidence" / "desk"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


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


# -- uploads and secrets ------------------------------------------------------------------------


def test_a_file_of_the_wrong_type_is_refused_clearly_and_nothing_is_stored(
    app, clock, config, desk, tmp_path
) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/tickets/{ticket.id}")
    refused = client.post(
        f"/web/tickets/{ticket.id}/attachments?csrf={csrf(page.text)}",
        data={"csrf": csrf(page.text), "purpose": "document"},
        files={"file": ("passport.png", b"MZ\x90\x00" + b"\x00" * 99, "image/png")},
    )
    assert refused.status_code == 422
    assert 'id="upload-error"' in refused.text and "is not accepted here" in refused.text
    assert _files(tmp_path) == [] and d.view(desk, AGENT_A, ticket.id).attachments == ()


def test_an_oversized_file_is_refused_clearly_and_nothing_is_stored(
    app, clock, config, desk, tmp_path
) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/tickets/{ticket.id}?lang=zh-Hans")
    limit = desk.policy_for("U1").attachment_max_bytes
    refused = client.post(
        f"/web/tickets/{ticket.id}/attachments?csrf={csrf(page.text)}",
        data={"csrf": csrf(page.text), "purpose": "video_statement"},
        files={"file": ("statement.mp4", MP4 + b"\x00" * (limit + 1 - len(MP4)), "video/mp4")},
    )
    assert refused.status_code == 422
    assert "25 MB" in refused.text.split('id="upload-error"')[1].split("</p>")[0]
    assert _files(tmp_path) == [] and d.view(desk, AGENT_A, ticket.id).attachments == ()


def test_a_good_file_is_stored_and_streamed_to_its_owner_and_staff_only(
    app, clock, config, desk
) -> None:
    ticket = _open(desk)
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/tickets/{ticket.id}")
    done = client.post(
        f"/web/tickets/{ticket.id}/attachments?csrf={csrf(page.text)}",
        data={"csrf": csrf(page.text), "purpose": "document"},
        files={"file": ("id.png", PNG, "image/png")},
    )
    assert "done=attached" in str(done.url)
    (attachment,) = d.view(desk, AGENT_A, ticket.id).attachments
    link = f"/web/tickets/{ticket.id}/attachments/{attachment.id}"
    assert f'href="{link}"' in done.text
    own = client.get(link)
    assert own.content == PNG and own.headers["content-disposition"].startswith("attachment")
    assert own.headers["x-content-type-options"] == "nosniff"
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert agent.get(link).content == PNG
    assert browser(app, clock, config, "U2").get(link).status_code == 404


def test_a_pasted_seed_phrase_is_never_shown_and_the_customer_is_warned(
    app, clock, config, desk
) -> None:
    ticket = _open(desk)
    phrase = mnemonic("web-page", 12)
    client = browser(app, clock, config, "U1")
    page = client.get(f"/web/tickets/{ticket.id}?lang=zh-Hans")
    sent = client.post(
        f"/web/tickets/{ticket.id}/reply",
        data={"csrf": csrf(page.text), "body": f"My words are {phrase}"},
    )
    assert phrase not in sent.text and phrase.split()[3] + " " + phrase.split()[4] not in sent.text
    assert "[REDACTED:seed_phrase]" in sent.text
    assert 'class="warning" role="alert"' in sent.text and "助记词" in sent.text
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert phrase not in agent.get(f"/web/desk/tickets/{ticket.id}").text


def test_a_secret_in_a_question_to_the_assistant_is_not_echoed(app, clock, config) -> None:
    phrase = mnemonic("assistant-page", 12)
    client = browser(app, clock, config, "U1")
    page = client.get("/web/help")
    answer = client.post(
        "/web/help/ask", data={"csrf": csrf(page.text), "question": f"is {phrase} safe"}
    )
    assert phrase not in answer.text and "[REDACTED:seed_phrase]" in answer.text
    assert 'class="warning" role="alert"' in answer.text


# -- appeals and recovery -----------------------------------------------------------------------


def test_compliance_lifts_a_risk_lock_on_appeal_but_an_agent_may_not(
    app, clock, config, desk, engine
) -> None:
    ticket = _open(desk, "U3", TicketCategory.ACCOUNT_LOCKED, "Please unlock")
    url = f"/web/desk/tickets/{ticket.id}"
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get(url)
    assert "risk-lock-decision" not in page.text
    refused = agent.post(
        f"{url}/risk-lock-decision",
        data={"csrf": csrf(page.text), "decision": "approve", "note": "ok"},
    )
    assert refused.status_code == 403
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    page = officer.get(url)
    lifted = officer.post(
        f"{url}/risk-lock-decision",
        data={"csrf": csrf(page.text), "decision": "approve", "note": "Verified by video."},
    )
    assert "done=decided" in str(lifted.url)
    report = check_account("U3", accounts=desk.accounts, policies=desk.policies, clock=clock)
    assert report.eligible
    mine = browser(app, clock, config, "U3").get(f"/web/tickets/{ticket.id}")
    assert "Verified by video." in mine.text and "ticket-resolved" in mine.text


def test_a_closure_appeal_is_decided_by_someone_other_than_the_rejecting_agent(
    app, clock, config, desk, engine
) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U2", needs_review=True)
    closure.reject(wf, AGENT_A, request.id, "Documents unclear.")
    client = browser(app, clock, config, "U2")
    page = client.get("/web/tickets?category=closure_rejected")
    assert f'name="related_closure_id" value="{request.id}"' in page.text
    opened = client.post(
        "/web/tickets",
        data={
            "csrf": csrf(page.text),
            "category": "closure_rejected",
            "subject": "Appeal",
            "body": "My documents are fine.",
            "related_closure_id": request.id,
        },
    )
    url = opened.url.path.replace("/web/tickets/", "/web/desk/tickets/")
    ada = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = ada.get(url)
    assert "You rejected this request" in page.text
    refused = ada.post(
        f"{url}/closure-appeal-decision",
        data={"csrf": csrf(page.text), "decision": "approve", "note": "x"},
    )
    assert refused.status_code == 403 and "DIFFERENT_REVIEWER_REQUIRED" in refused.text
    bo = browser(app, clock, config, "agent-bo", Role.AGENT)
    page = bo.get(url)
    bo.post(
        f"{url}/closure-appeal-decision",
        data={"csrf": csrf(page.text), "decision": "approve", "note": "Reviewing again."},
    )
    assert stored(wf, request).state is ClosureState.IN_REVIEW


def test_a_recovery_needs_both_files_then_waits_before_the_customer_completes_it(
    app, clock, config, desk
) -> None:
    ticket = _open(desk, "U2", TicketCategory.CREDENTIAL_RECOVERY, "Lost my phone")
    url = f"/web/desk/tickets/{ticket.id}"
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = agent.get(url)
    decide = page.text.split('id="decide"')[1].split("</section>")[0]
    assert 'value="approve"' not in decide and 'value="reject"' in decide  # not yet
    assert 'id="decision-why-not"' in decide and "video statement" in decide
    early = agent.post(
        f"{url}/recovery-decision",
        data={"csrf": csrf(page.text), "decision": "approve", "note": "ok"},
    )
    assert early.status_code == 409 and "EVIDENCE_MISSING" in early.text

    client = browser(app, clock, config, "U2")
    page = client.get(f"/web/tickets/{ticket.id}")
    for purpose, content in (("document", PNG), ("video_statement", MP4)):
        client.post(
            f"/web/tickets/{ticket.id}/attachments?csrf={csrf(page.text)}",
            data={"csrf": csrf(page.text), "purpose": purpose},
            files={"file": ("f", content, "application/octet-stream")},
        )
    page = agent.get(url)
    decide = page.text.split('id="decide"')[1].split("</section>")[0]
    assert "missing" not in decide and 'value="approve"' in decide
    agent.post(
        f"{url}/recovery-decision",
        data={"csrf": csrf(page.text), "decision": "approve", "note": "Matches the KYC photo."},
    )
    page = client.get(f"/web/tickets/{ticket.id}")
    assert "recovery/complete" in page.text and "disabled" in page.text
    waiting = client.post(
        f"/web/tickets/{ticket.id}/recovery/complete", data={"csrf": csrf(page.text)}
    )
    assert waiting.status_code == 409 and "RECOVERY_WAITING" in waiting.text
    clock.advance(hours=73)
    client = browser(app, clock, config, "U2")
    page = client.get(f"/web/tickets/{ticket.id}")
    done = client.post(
        f"/web/tickets/{ticket.id}/recovery/complete", data={"csrf": csrf(page.text)}
    )
    assert "done=recovery_completed" in str(done.url)


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
