"""``SUPPORT_REQUIRED`` names no investigation (issue 13, item 4): the demo's AML-held
customer and its customer whose identity is in dispute, an ordinary support case, get
the same eligibility answer byte for byte, apart from who and when."""

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

AML, ORDINARY = "DEMO-COMPLIANCE-REVIEW", "DEMO-KYC-DISPUTED"


def _answer(client: TestClient, config, clock, uid: str) -> str:
    token = issue_token(config, uid, Role.CUSTOMER, timedelta(hours=1), clock())
    response = client.get(
        f"/v1/accounts/{uid}/eligibility", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.json()
    body.pop("checked_at", None)
    return json.dumps(body, sort_keys=True, ensure_ascii=False).replace(uid, "<uid>")


def test_an_aml_hold_reads_like_an_identity_in_dispute(engine, clock) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    config = settings()
    client = TestClient(create_app(config, engine=engine, clock=clock))
    aml, ordinary = (_answer(client, config, clock, uid) for uid in (AML, ORDINARY))
    assert aml == ordinary
    blocking = [c["code"] for c in json.loads(aml)["checks"] if c["status"] == "block"]
    assert blocking == ["SUPPORT_REQUIRED"]
