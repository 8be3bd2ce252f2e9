"""The demo clock on the demo sign-in page, through HTTP on both databases: ending a
cooling-off now exists only with ``demo_login`` on (404 otherwise, before sign-in or the
form's token are looked at), takes this session's CSRF token, is for the account holder
or staff only, and sets the end to now through the closure's own store, audited as a
demo action by the one who pressed; the worker's next pass then closes the account."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service.demo_clock import DEMO_COOLING_OFF_ENDED
from lastgate.closure.service.execution import execute_due
from lastgate.kernel.access import Role
from lastgate.platform.db.audit_tables import audit_log
from tests.builders import account, load
from tests.web_support import browser as signed_in
from tests.web_support import csrf
from tests.workflow_support import (
    close_as_customer,
    customer_status,
    outbox_rows,
    settings,
    stored,
    workflow,
)


@pytest.fixture
def config():
    return settings().model_copy(update={"demo_login": True})


@pytest.fixture
def cooling(engine, clock, config):
    """U1's request in its cooling-off (14 days, the EU policy); U2 is another customer."""
    load(engine, account("U1"), account("U2"))
    return close_as_customer(workflow(engine, clock, config), engine, "U1")


def browser(engine, clock, config, subject: str | None = None, role: Role = Role.CUSTOMER):
    app = create_app(config, engine=engine, clock=clock)
    return signed_in(app, clock, config, subject, role)


def end(client: TestClient, request_id: str, token: str):
    return client.post(
        f"/web/demo-login/cooling-off/{request_id}/end",
        data={"csrf": token},
        follow_redirects=False,
    )


def test_outside_the_demo_the_clock_is_not_there(engine, clock, config, cooling) -> None:
    off = config.model_copy(update={"demo_login": False})  # as `lastgate serve` runs
    client = browser(engine, clock, off, "U1")
    token = csrf(client.get(f"/web/closure/{cooling.id}").text)
    assert end(client, cooling.id, token).status_code == 404
    assert (
        browser(engine, clock, off)
        .post(  # signed out, no token: still 404
            f"/web/demo-login/cooling-off/{cooling.id}/end", follow_redirects=False
        )
        .status_code
        == 404
    )
    page = client.get(f"/web/closure/{cooling.id}").text
    assert 'id="demo-clock-hint"' not in page and "/web/demo-login" not in page
    assert stored(workflow(engine, clock, off), cooling).cooling_off_ends_at == (
        cooling.cooling_off_ends_at
    )


def test_a_form_without_this_sessions_token_is_refused(engine, clock, config, cooling) -> None:
    client = browser(engine, clock, config, "U1")
    client.get("/web/demo-login")
    assert end(client, cooling.id, "0" * 64).status_code == 403
    other = browser(engine, clock, config, "U2")  # U2's session's token is not U1's
    assert end(client, cooling.id, csrf(other.get("/web/demo-login").text)).status_code == 403
    assert stored(workflow(engine, clock, config), cooling).state is ClosureState.COOLING_OFF
    assert stored(workflow(engine, clock, config), cooling).cooling_off_ends_at == (
        cooling.cooling_off_ends_at
    )


def test_another_customer_or_nobody_cannot_end_it(engine, clock, config, cooling) -> None:
    other = browser(engine, clock, config, "U2")
    page = other.get("/web/demo-login").text
    assert cooling.id not in page and 'id="demo-clock-none"' in page  # U2 sees none of U1's
    assert end(other, cooling.id, csrf(page)).status_code == 403
    nobody = browser(engine, clock, config)
    page = nobody.get("/web/demo-login").text
    assert cooling.id not in page and 'id="demo-clock-sign-in"' in page
    answer = end(nobody, cooling.id, csrf(page))
    assert answer.status_code == 303 and answer.headers["location"] == "/web/sign-in"
    assert stored(workflow(engine, clock, config), cooling).cooling_off_ends_at == (
        cooling.cooling_off_ends_at
    )


def test_the_customer_ends_it_and_the_next_pass_closes_the_account(
    engine, clock, config, cooling
) -> None:
    client = browser(engine, clock, config, "U1")
    page = client.get(f"/web/closure/{cooling.id}").text
    assert 'id="demo-clock-hint"' in page and 'href="/web/demo-login#demo-clock"' in page
    demo = client.get("/web/demo-login").text
    assert f'action="/web/demo-login/cooling-off/{cooling.id}/end"' in demo
    clock.advance(minutes=5)
    answer = end(client, cooling.id, csrf(demo))
    assert answer.status_code == 303 and answer.headers["location"] == f"/web/closure/{cooling.id}"

    wf = workflow(engine, clock, config)
    after = stored(wf, cooling)
    assert after.state is ClosureState.COOLING_OFF and after.cooling_off_ends_at == clock()
    with engine.connect() as conn:
        audited = conn.execute(
            select(audit_log.c.actor, audit_log.c.payload).where(
                audit_log.c.action == DEMO_COOLING_OFF_ENDED,
                audit_log.c.subject == f"closure:{cooling.id}",
            )
        ).one()
    assert audited.actor == "U1"
    assert json.loads(audited.payload) == {
        "demo": True,
        "was_ending_at": cooling.cooling_off_ends_at.isoformat(),
    }
    reminder = outbox_rows(engine, "cooling_off_reminder")
    assert reminder and all(r["voided_at"] is not None for r in reminder)

    closing = client.get(f"/web/closure/{cooling.id}").text
    assert 'id="closing-now"' in closing and 'id="closure-cancel"' not in closing
    assert 'id="demo-clock-hint"' not in closing
    assert execute_due(wf).closed == [cooling.id]
    assert customer_status(engine, "U1") == "closed"
    closed = client.get(f"/web/closure/{cooling.id}", follow_redirects=False)
    assert closed.headers["location"] == "/web/me/closed"


def test_staff_see_every_cooling_off_and_end_any(engine, clock, config, cooling) -> None:
    agent = browser(engine, clock, config, "agent-ada", Role.AGENT)
    page = agent.get("/web/demo-login").text
    assert "U1" in page and f"/web/demo-login/cooling-off/{cooling.id}/end" in page
    answer = end(agent, cooling.id, csrf(page))
    assert answer.headers["location"] == "/web/demo-login?done=cooling_off_ended#demo-clock"
    assert stored(workflow(engine, clock, config), cooling).cooling_off_ends_at == clock()
    assert 'id="demo-clock-none"' in agent.get("/web/demo-login?done=cooling_off_ended").text
    assert end(agent, cooling.id, csrf(page)).status_code == 409  # it has ended already
    timeline = agent.get(f"/web/agent/requests/{cooling.id}").text
    assert "Cooling-off ended early on the demo page" in timeline
    assert "It was to end at Dec 7, 2026, 12:00 UTC." in timeline and "agent-ada" in timeline
