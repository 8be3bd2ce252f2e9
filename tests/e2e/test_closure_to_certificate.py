"""From closure to a certificate the customer downloads and anyone can verify."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from lastgate.app.api import create_app
from lastgate.closure.adapters import tables as wt
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.erasure.wiring import run_pending
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import AGENT_A, AGENT_B, request_in, settings, workflow


def test_the_customer_downloads_a_certificate_that_verifies(engine, clock) -> None:
    config = settings()
    load(engine, account("U1"), account("U2"))
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U1")
    closure.approve(wf, AGENT_A, request.id, "ok")
    closure.approve(wf, AGENT_B, request.id, "ok")
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(uid: str) -> dict[str, str]:
        token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    assert client.get("/v1/accounts/U1/certificate", headers=as_("U1")).status_code == 404
    clock.advance(days=14)
    execute_due(wf)
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    assert run_pending(engine, clock, config, wf.policies).finished
    document = client.get("/v1/accounts/U1/certificate", headers=as_("U1"))
    assert document.status_code == 200
    certificate = verify(document.content, public_key_pem(config))
    assert certificate.uid == "U1" and certificate.closure_id == request.id
    assert certificate.scan.passed
    actions = {e.category: e.action for e in certificate.entries}
    assert actions["identity"] == "retain" and actions["account_data"] == "delete"
    assert actions["trade_history"] == "anonymise"
    pdf = client.get("/v1/accounts/U1/certificate?format=pdf", headers=as_("U1"))
    assert pdf.content.startswith(b"%PDF")
    assert verify(pdf.content, public_key_pem(config)).uid == "U1"
    assert client.get("/v1/accounts/U1/certificate", headers=as_("U2")).status_code == 403
