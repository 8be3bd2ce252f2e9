"""What staff may do now, through the real app: the first approver is told they wait for
a second one instead of being offered "Approve" again, the queue counts approvals given,
the evidence comes before the decision, the officer who asked to lift a hold is not
offered "Confirm the lift", a lifted hold stays in the history with both officers, and a
form with an unknown UID comes back filled in, in the reader's language."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.access import Role
from tests.builders import account, load
from tests.web_support import browser, csrf
from tests.workflow_support import request_in, settings, stored, workflow

APPROVE_FORM = "/approve"


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U2"))
    return create_app(config, engine=engine, clock=clock)


def test_two_approvers_each_see_what_they_may_do(app, engine, clock, config) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U2", needs_review=True)
    path = f"/web/agent/requests/{request.id}"
    ada = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = ada.get(path).text
    assert f"{path}{APPROVE_FORM}" in page and "0 of 2" in page
    assert page.index('id="ev"') < page.index('id="decide"')  # the evidence first

    first = ada.post(f"{path}/approve", data={"csrf": csrf(page), "note": "documents match"})
    assert "done=first_approval" in str(first.url)
    assert f"{path}{APPROVE_FORM}" not in first.text  # not offered twice
    assert 'id="waiting-second"' in first.text and "waiting for a second approver" in first.text
    assert "documents match" in first.text and "1 of 2" in first.text
    assert "closure.review_approval" in first.text and "Approval 1 of 2." in first.text
    queue = ada.get("/web/agent").text
    row = queue.split(f'id="request-{request.id}"')[1].split("</tr>")[0]
    assert "1 of 2" in row and "waiting for a second approver" in row

    bo = browser(app, clock, config, "agent-bo", Role.AGENT)
    page = bo.get(path).text
    assert f"{path}{APPROVE_FORM}" in page and 'id="waiting-second"' not in page
    assert "second approval" in page
    done = bo.post(f"{path}/approve", data={"csrf": csrf(page), "note": "agreed"})
    assert "done=approved" in str(done.url)
    assert stored(wf, request).state is ClosureState.COOLING_OFF
    assert f"{path}{APPROVE_FORM}" not in done.text and f"{path}/reject" not in done.text


def test_the_first_approver_sees_it_in_chinese(app, engine, clock, config) -> None:
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U2", needs_review=True)
    path = f"/web/agent/requests/{request.id}"
    ada = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = ada.get(f"{path}?lang=zh-Hans").text
    ada.post(f"{path}/approve", data={"csrf": csrf(page), "note": "ok"})
    waiting = ada.get(path).text
    said = waiting.split('id="waiting-second"')[1].split("</p>")[0]
    assert "waiting" not in said and "第二" in said


def _place(officer, uid: str, reason: str):
    token = csrf(officer.get("/web/compliance").text)
    return officer.post(
        "/web/compliance/holds",
        data={
            "csrf": token,
            "uid": uid,
            "kind": "judicial_freeze",
            "reason": reason,
            "confirm": "yes",
        },
    )


def test_the_officer_who_asked_is_not_offered_to_confirm(app, clock, config) -> None:
    cy = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    placed = _place(cy, "U2", "court order 17")
    hold_id = placed.text.split('<li class="hold" id="hold-')[1].split('"')[0]
    lift = f"/web/compliance/holds/{hold_id}/lift"
    assert lift in placed.text and "Court order" in placed.text
    asked = cy.post(lift, data={"csrf": csrf(placed.text), "note": "order withdrawn"})
    assert "done=lift_requested" in str(asked.url)
    held = asked.text.split(f'id="hold-{hold_id}"')[1].split("</li>")[0]
    assert lift not in held and "Confirm the lift" not in held
    assert "another compliance officer must confirm" in held

    di = browser(app, clock, config, "compliance-di", Role.COMPLIANCE)
    page = di.get("/web/compliance").text
    held = page.split(f'id="hold-{hold_id}"')[1].split("</li>")[0]
    assert lift in held and "Confirm the lift" in held and "order withdrawn" in held
    lifted = di.post(lift, data={"csrf": csrf(page), "note": "checked the court's letter"})
    assert "done=hold_lifted" in str(lifted.url)
    assert f'id="hold-{hold_id}"' not in lifted.text  # no longer active …
    history = lifted.text.split(f'id="lifted-{hold_id}"')[1].split("</tr>")[0]  # … but kept
    for seen in ("compliance-cy", "compliance-di", "court order 17", "order withdrawn"):
        assert seen in history
    assert "checked the court" in history


def test_an_unknown_uid_keeps_what_was_typed(app, clock, config) -> None:
    cy = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    refused = _place(cy, "U404", "typed with care")
    assert refused.status_code == 404
    assert 'value="U404"' in refused.text and "typed with care</textarea>" in refused.text
    assert 'role="alert"' in refused.text and "No customer has the UID U404" in refused.text
    token = csrf(refused.text)
    frozen = cy.post(
        "/web/compliance/protective-freezes?lang=zh-Hans",
        data={"csrf": token, "uid": "U405", "reason": "stolen phone", "confirm": "yes"},
    )
    assert frozen.status_code == 404 and 'value="U405"' in frozen.text
    assert "stolen phone</textarea>" in frozen.text and "没有 UID 为 U405 的用户" in frozen.text
