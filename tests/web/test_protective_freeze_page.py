"""The protective freeze on the compliance console, through HTTP on both databases: a
compliance officer freezes with a reason and lifts with a note; an agent cannot open
the form's target; the customer's settings offer no way to lift it."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from tests.builders import account, load
from tests.web_support import browser, csrf
from tests.workflow_support import customer_status, settings


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"))
    return create_app(config, engine=engine, clock=clock)


def test_compliance_freezes_and_lifts_from_the_console(app, engine, clock, config) -> None:
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    token = csrf(officer.get("/web/compliance").text)
    page = officer.post(
        "/web/compliance/protective-freezes",
        data={"csrf": token, "uid": "U1", "reason": "phone stolen", "confirm": "yes"},
    )
    assert page.url.path == "/web/compliance" and 'id="protective-U1"' in page.text
    assert customer_status(engine, "U1") == "frozen"

    me = browser(app, clock, config, "U1")
    settings_page = me.get("/web/me/settings").text
    assert "/web/me/unfreeze" not in settings_page and 'id="protective-freeze"' in settings_page

    lifted = officer.post(
        "/web/compliance/protective-freezes/lift",
        data={"csrf": token, "uid": "U1", "note": "verified"},
    )
    assert "The protective freeze is lifted." in lifted.text
    history = lifted.text.split('class="protective-lifted"')[1].split("</tr>")[0]
    assert "U1" in history and "phone stolen" in history and "verified" in history
    assert customer_status(engine, "U1") == "active"


def test_an_agent_cannot_freeze_from_the_console(app, engine, clock, config) -> None:
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    token = csrf(agent.get("/web/agent").text)
    refused = agent.post(
        "/web/compliance/protective-freezes",
        data={"csrf": token, "uid": "U1", "reason": "phone stolen", "confirm": "yes"},
    )
    assert refused.status_code == 403
    assert customer_status(engine, "U1") == "active"


def test_a_reason_is_required(app, engine, clock, config) -> None:
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    token = csrf(officer.get("/web/compliance").text)
    refused = officer.post(
        "/web/compliance/protective-freezes",
        data={"csrf": token, "uid": "U1", "reason": " ", "confirm": "yes"},
    )
    assert refused.status_code == 422
    assert customer_status(engine, "U1") == "active"


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("/web/compliance/protective-freezes", {"uid": "U1", "reason": "phone stolen"}),
        ("/web/compliance/holds", {"uid": "U1", "kind": "judicial_freeze", "reason": "order 9"}),
    ],
)
def test_nothing_is_frozen_or_held_unless_the_officer_confirms(
    app, engine, clock, config, action, form
) -> None:
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    page = officer.get("/web/compliance").text
    assert 'name="confirm" value="yes" required' in page
    refused = officer.post(action, data={"csrf": csrf(page), **form, "confirm": ""})
    assert refused.status_code == 422 and "tick “I confirm”" in refused.text
    assert form["reason"] in refused.text  # the form comes back as it was sent
    assert customer_status(engine, "U1") == "active"
    assert 'id="protective-U1"' not in refused.text and 'class="hold"' not in refused.text
