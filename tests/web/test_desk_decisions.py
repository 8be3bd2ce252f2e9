"""Decisions on the desk's pages through HTTP, on both databases: a risk lock lifted on
appeal by compliance (not by an agent, who hands the appeal to compliance), a closure
appeal decided by someone other than the rejecting agent, and a credential recovery that
needs both files, then waits before the customer completes it. The accounts, fixtures
and helpers are ``test_desk_pages``'."""

from __future__ import annotations

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.desk.model.tickets import TicketCategory
from lastgate.eligibility.service import check_account
from lastgate.kernel.access import Role
from tests.desk_support import MP4, PNG
from tests.web import test_desk_pages as desk_pages
from tests.web.test_desk_pages import _open
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_A, request_in, stored, workflow

#: The desk pages' accounts (U1 with 0.25 BTC, U2, U3 under a risk lock), served the same way.
config, app, desk = desk_pages.config, desk_pages.app, desk_pages.desk


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
    # The agent hands it to compliance, whose console then lists it.
    assert 'id="to-compliance"' in page.text
    handed = agent.post(f"{url}/to-compliance", data={"csrf": csrf(page.text)})
    assert handed.url.query == b"done=to_compliance"
    assert 'id="to-compliance"' not in handed.text
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    assert f'href="{url}"' in officer.get("/web/compliance").text
    page = officer.get(url)
    assert 'id="to-compliance"' not in page.text  # with them already
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
            f"/web/tickets/{ticket.id}/attachments",
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
