"""Four-eyes after an appeal: whoever rejected a closure request takes no part in the
review that follows once an appeal overturns the rejection. Their request page says so
and offers no decision; a forced approval is refused with the four-eyes page. Both
databases (the ``engine`` fixture)."""

from __future__ import annotations

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.kernel.access import Principal, Role
from tests.builders import account
from tests.desk_support import appeal_decided, desk_fixtures
from tests.web_support import browser, csrf
from tests.workflow_support import AGENT_B, stored

AGENT_C = Principal("agent-cy", Role.AGENT)


config, app = desk_fixtures(account("U2"))


def _overturned(engine, clock, tmp_path):
    """U2's request, rejected by ada, overturned on appeal by bo: back in review."""
    return appeal_decided(engine, clock, tmp_path, "U2", overturn=True)


def test_the_rejecting_agent_may_not_approve_after_the_appeal_overturns_them(
    app, clock, config, engine, tmp_path
) -> None:
    wf, request = _overturned(engine, clock, tmp_path)
    url = f"/web/agent/requests/{request.id}"
    ada = browser(app, clock, config, "agent-ada", Role.AGENT)
    page = ada.get(url)
    assert 'id="rejected-before"' in page.text and "an appeal overturned" in page.text
    assert f'action="{url}/approve"' not in page.text
    assert f'action="{url}/reject"' not in page.text
    refused = ada.post(f"{url}/approve", data={"csrf": csrf(page.text), "note": "ok"})
    assert refused.status_code == 403 and "DIFFERENT_REVIEWER_REQUIRED" in refused.text
    assert "Another person must take this step" in refused.text
    again = ada.post(f"{url}/reject", data={"csrf": csrf(page.text), "reason": "Still no."})
    assert again.status_code == 403 and "DIFFERENT_REVIEWER_REQUIRED" in again.text
    assert stored(wf, request).state is ClosureState.IN_REVIEW


def test_two_others_complete_the_review_after_the_appeal(
    app, clock, config, engine, tmp_path
) -> None:
    wf, request = _overturned(engine, clock, tmp_path)
    closure.approve(wf, AGENT_B, request.id, "Documents fine.")
    url = f"/web/agent/requests/{request.id}"
    cy = browser(app, clock, config, "agent-cy", Role.AGENT)
    page = cy.get(url)
    assert 'id="rejected-before"' not in page.text and f'action="{url}/approve"' in page.text
    cy.post(f"{url}/approve", data={"csrf": csrf(page.text), "note": "Agreed."})
    assert stored(wf, request).state is ClosureState.COOLING_OFF
