"""From closure to a certificate the customer downloads and anyone can verify: the
customer's own journey through the HTTP API, closed and erased by the worker's pass."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.app.worker import run_once
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import outbox_rows, settings


def test_the_customer_closes_through_the_api_and_downloads_a_certificate_that_verifies(
    engine, clock, tmp_path
) -> None:
    config = settings().model_copy(update={"webhook_url": None, "mailbox_dir": tmp_path})
    load(engine, account("U1"), account("U2"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(uid: str) -> dict[str, str]:
        token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    submitted = client.post(
        "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=as_("U1")
    )
    assert submitted.status_code == 201, submitted.text
    request_id = submitted.json()["request"]["id"]
    started = client.post(
        f"/v1/closure-requests/{request_id}/verification",
        json={"method": "email"},
        headers=as_("U1"),
    )
    assert started.json()["state"] == "verifying", started.text
    code = outbox_rows(engine, "verification_code")[-1]["payload"]["params"]["code"]
    verified = client.post(
        f"/v1/closure-requests/{request_id}/verification/check",
        json={"method": "email", "code": code},
        headers=as_("U1"),
    )
    assert verified.json()["state"] == "cooling_off", verified.text
    assert client.get("/v1/accounts/U1/certificate", headers=as_("U1")).status_code == 404

    clock.advance(days=14)
    passes = [run_once(config, engine, clock) for _ in range(3)]  # close, deliver, erase
    assert passes[0]["closed"] == 1 and sum(p["erased"] for p in passes) == 1

    document = client.get("/v1/accounts/U1/certificate", headers=as_("U1"))
    assert document.status_code == 200
    certificate = verify(document.content, public_key_pem(config))
    assert certificate.uid == "U1" and certificate.closure_id == request_id
    assert certificate.scan.passed, certificate.scan.findings
    actions = {e.category: e.action for e in certificate.entries}
    assert actions["identity"] == "retain" and actions["account_data"] == "delete"
    assert actions["trade_history"] == "anonymise" and actions["audit_trail"] == "retain"
    pdf = client.get("/v1/accounts/U1/certificate?format=pdf", headers=as_("U1"))
    assert pdf.content.startswith(b"%PDF")
    assert verify(pdf.content, public_key_pem(config)).uid == "U1"
    assert client.get("/v1/accounts/U1/certificate", headers=as_("U2")).status_code == 403
