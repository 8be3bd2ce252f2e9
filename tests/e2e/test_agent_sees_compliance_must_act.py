"""A front-line agent sees that compliance must act on an AML-held account, never the
investigation's reason or evidence; a compliance officer sees the whole check."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.demo.customers import demo_snapshot
from lastgate.kernel.access import Role
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from tests.workflow_support import settings

AML = "DEMO-COMPLIANCE-REVIEW"


def _check(client: TestClient, config, clock, staff: str, role: Role) -> dict:
    token = issue_token(config, staff, role, timedelta(hours=1), clock())
    response = client.get(
        f"/v1/accounts/{AML}/eligibility", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    (check,) = [c for c in response.json()["checks"] if c["code"] == "COMPLIANCE_REVIEW"]
    return check


def test_an_agent_sees_that_compliance_must_act_and_nothing_more(engine, clock) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    config = settings()
    client = TestClient(create_app(config, engine=engine, clock=clock))

    agent = _check(client, config, clock, "agent-ada", Role.AGENT)
    officer = _check(client, config, clock, "compliance-cy", Role.COMPLIANCE)

    assert agent["status"] == officer["status"] == "block"
    assert agent["message"] == "Compliance must review this account before it can close."
    assert agent["detail"] == "Only a compliance officer can see why."
    assert agent.get("internal_evidence", []) == [] and agent.get("evidence", []) == []
    seen_by_agent = json.dumps(agent).lower()
    assert "aml" not in seen_by_agent and "investigation" not in seen_by_agent
    assert officer["message"] == "An AML investigation is open."
    assert officer["detail"].startswith("AML investigation open: ")
    assert officer["internal_evidence"]
