"""Staff in the browser: two agents approve a request that needs review (four eyes) and
each is offered only what they may do now; two compliance officers place and lift a hold,
the one who asked is not offered to confirm, and the lifted hold stays in the history."""

from __future__ import annotations

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.access import Role
from tests.browser.conftest import follow, screenshot
from tests.builders import account, load, withdrew_above_review
from tests.workflow_support import request_in, stored, workflow


def test_two_agents_approve_a_request_that_needs_review(engine, clock, person, config) -> None:
    load(engine, withdrew_above_review("U4", clock()))
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U4", needs_review=True)
    clock.advance(hours=30)

    ada = person("agent-ada", Role.AGENT)
    assert ada.locator(f"a[href='/web/agent/requests/{request.id}']").is_visible()
    assert "1 day 6 hours" in ada.locator("tbody tr").inner_text()  # SLA age since the last update
    screenshot(ada, "agent-queue")
    follow(ada, f"a[href='/web/agent/requests/{request.id}']")
    ada.fill("#note", "Identity and withdrawals checked.")
    follow(ada, "form[action$='/approve'] button")
    assert "done=first_approval" in ada.url
    assert stored(wf, request).state is ClosureState.IN_REVIEW
    screenshot(ada, "agent-request")
    overrides = person("compliance-cy", Role.COMPLIANCE).locator("#overrides + ul li")
    assert "agent-ada" in overrides.inner_text() and "U4" in overrides.inner_text()

    assert ada.locator("#waiting-second").is_visible()  # not offered "Approve" again
    assert ada.locator("form[action$='/approve']").count() == 0
    assert "1 of 2" in ada.locator("#approvals-given").inner_text()
    ada.goto(ada.url.split("/web/")[0] + "/web/agent")
    assert "1 of 2" in ada.locator(f"#request-{request.id}").inner_text()

    bo = person("agent-bo", Role.AGENT)
    bo.goto(bo.url.replace("/web/agent", f"/web/agent/requests/{request.id}"))
    assert bo.locator("ol.timeline li", has_text="closure.review_approval").count() == 1
    assert bo.locator("#ev").evaluate(
        "e => e.compareDocumentPosition(document.querySelector('#decide')) & 4"
    )
    bo.fill("#note", "Second look: fine.")
    follow(bo, "form[action$='/approve'] button")
    assert "done=approved" in bo.url
    assert bo.locator(".badge.state-cooling_off").is_visible()
    assert stored(wf, request).state is ClosureState.COOLING_OFF

    # The customer reads that the review is done, not that a person will review it.
    for lang, said in (
        ("en", "Our team has reviewed your request."),
        ("zh-Hans", "我们的团队已审核您的申请。"),
    ):
        me = person("U4", lang=lang)
        assert said in me.locator("p.summary").inner_text()
        assert me.locator("#waiting-on-us").count() == 0


def test_two_officers_place_and_lift_a_hold(engine, clock, person, config) -> None:
    load(engine, account("U5"))
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U5")

    cy = person("compliance-cy", Role.COMPLIANCE)
    cy.fill("#uid", "U5")
    cy.select_option("#kind", "judicial_freeze")
    cy.fill("#hold-reason", "Court order 2026/117.")
    cy.check("#hold-confirm")
    follow(cy, "form[action='/web/compliance/holds'] button")
    assert "done=hold_placed" in cy.url
    assert stored(wf, request).state is ClosureState.ON_HOLD
    hold = cy.locator("li.hold", has_text="U5")
    hold.locator("input[name='note']").fill("Order withdrawn by the court.")
    follow(cy, "li.hold:has-text('U5') button")
    assert "done=lift_requested" in cy.url
    screenshot(cy, "compliance-console")

    again = cy.locator("li.hold", has_text="U5")
    assert again.locator("form").count() == 0  # the other officer confirms, not cy
    assert "another compliance officer must confirm" in again.inner_text()
    assert stored(wf, request).state is ClosureState.ON_HOLD

    di = person("compliance-di", Role.COMPLIANCE)
    hold = di.locator("li.hold", has_text="U5")
    assert "compliance-cy" in hold.inner_text()
    assert hold.locator("button", has_text="Confirm the lift").is_visible()
    hold.locator("input[name='note']").fill("Confirmed: order withdrawn.")
    follow(di, "li.hold:has-text('U5') button")
    assert "done=hold_lifted" in di.url
    assert di.locator("li.hold").count() == 0
    history = di.locator("#lifted-holds ~ div table tbody tr", has_text="U5").inner_text()
    for said in ("compliance-cy", "compliance-di", "Court order 2026/117.", "Confirmed: order"):
        assert said in history
    assert stored(wf, request).state is ClosureState.IN_REVIEW
    assert di.locator("#chain ~ p.summary.ok").is_visible()
