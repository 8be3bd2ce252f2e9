"""What only the account holder may do, over HTTP on both databases: every such step is
listed here once, and agent and compliance tokens are refused each of them (403
``FORBIDDEN``, nothing done), as is another customer. Every operation on an account, a
closure request or a recovery is either in that list or in the list of what staff may
do, so a new endpoint must be put in one of them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.db.audit_tables import audit_log
from tests import upload_samples
from tests.builders import account, load
from tests.workflow_support import request_in, settings, workflow

CODE = {"code": "123456"}
#: (method, path) → what the request sends. The account holder's alone: the customer's
#: own consent, second factor or word (docs/closure.md, docs/remediation.md).
CUSTOMER_ONLY: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/accounts/{uid}/closure-requests"): {"json": {"reason": "fees"}},
    ("POST", "/v1/closure-requests/{request_id}/verification"): {"json": {"method": "email"}},
    ("POST", "/v1/closure-requests/{request_id}/verification/check"): {
        "json": {"method": "email", **CODE}
    },
    ("POST", "/v1/closure-requests/{request_id}/evidence"): {
        "data": {"kind": "document"},
        "files": {"file": ("id.jpg", upload_samples.jpeg(), "image/jpeg")},
    },
    ("POST", "/v1/accounts/{uid}/factors/totp"): {},
    ("POST", "/v1/accounts/{uid}/factors/totp/confirm"): {"json": CODE},
    ("POST", "/v1/accounts/{uid}/freeze"): {},
    ("POST", "/v1/accounts/{uid}/unfreeze"): {"json": CODE},
    ("POST", "/v1/accounts/{uid}/dust-sweep"): {
        "json": {"quote_id": "0" * 36, "forfeit_consent": True}
    },
    ("POST", "/v1/accounts/{uid}/dust-forfeit"): {
        "json": {
            "balances": [{"account_type": "funding", "asset": "USDT", "amount": "1"}],
            "consent": True,
        }
    },
    ("PUT", "/v1/accounts/{uid}/anti-phishing-code"): {"json": {"code": "Blue7Harbor"}},
    ("POST", "/v1/accounts/{uid}/tickets"): {
        "json": {"category": "closure_blocked", "subject": "Help", "body": "Blocked"}
    },
    ("POST", "/v1/accounts/{uid}/assistant/handoff"): {"json": {"transcript": []}},
    ("POST", "/v1/tickets/{ticket_id}/recovery/complete"): {},
}
#: Another customer's request id or ticket id is not found rather than forbidden, so ids
#: cannot be probed; everything else answers 403.
OTHER_CUSTOMER_NOT_FOUND = {
    ("POST", "/v1/closure-requests/{request_id}/evidence"),
    ("POST", "/v1/tickets/{ticket_id}/recovery/complete"),
}
#: What staff may do on a customer's account or request (reads, their decisions, the
#: fixes that only lower what an account can do, the protective freeze, cancelling).
STAFF_MAY = {
    ("GET", "/v1/accounts/{uid}/anti-phishing-code"),
    ("POST", "/v1/accounts/{uid}/api-keys/revoke-all"),
    ("POST", "/v1/accounts/{uid}/assistant"),
    ("POST", "/v1/accounts/{uid}/automations/stop-all"),
    ("GET", "/v1/accounts/{uid}/certificate"),
    ("GET", "/v1/accounts/{uid}/closure-requests/current"),
    ("GET", "/v1/accounts/{uid}/dust-forfeit"),
    ("POST", "/v1/accounts/{uid}/dust-sweep/quote"),
    ("GET", "/v1/accounts/{uid}/eligibility"),
    ("GET", "/v1/accounts/{uid}/export"),
    ("POST", "/v1/accounts/{uid}/holds"),
    ("POST", "/v1/accounts/{uid}/orders/cancel-all"),
    ("POST", "/v1/accounts/{uid}/protective-freeze"),
    ("POST", "/v1/accounts/{uid}/protective-freeze/lift"),
    ("GET", "/v1/accounts/{uid}/tickets"),
    ("GET", "/v1/closure-requests/{request_id}"),
    ("POST", "/v1/closure-requests/{request_id}/approve"),
    ("POST", "/v1/closure-requests/{request_id}/cancel"),
    ("GET", "/v1/closure-requests/{request_id}/evidence"),
    ("GET", "/v1/closure-requests/{request_id}/evidence/{evidence_id}"),
    ("POST", "/v1/closure-requests/{request_id}/evidence/{evidence_id}/review"),
    ("POST", "/v1/closure-requests/{request_id}/reject"),
    ("POST", "/v1/tickets/{ticket_id}/recovery/cancel"),
}
STAFF = {"agent": Role.AGENT, "compliance": Role.COMPLIANCE}


@pytest.fixture
def api(engine, clock):
    config = settings()
    load(engine, account("U1"), account("U2"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    request = request_in(workflow(engine, clock, config), ClosureState.VERIFYING, "U1")
    ticket = client.post(
        "/v1/accounts/U1/tickets",
        json={"category": "credential_recovery", "subject": "Lost phone", "body": "Help"},
        headers=as_("U1"),
    )
    assert ticket.status_code == 201, ticket.text
    client.ids = {  # type: ignore[attr-defined]
        "uid": "U1",
        "request_id": request.id,
        "ticket_id": ticket.json()["ticket"]["id"],
    }
    return client


def call(api, operation: tuple[str, str], headers: dict[str, str]):
    method, path = operation
    return api.request(method, path.format(**api.ids), headers=headers, **CUSTOMER_ONLY[operation])


def audit_entries(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def test_every_operation_on_an_account_is_classified(api) -> None:
    on_an_account = {
        (method.upper(), path)
        for path, operations in api.app.openapi()["paths"].items()
        for method in operations
        if "{uid}" in path or "{request_id}" in path or "/recovery/" in path
    }
    assert not set(CUSTOMER_ONLY) & STAFF_MAY
    assert on_an_account == set(CUSTOMER_ONLY) | STAFF_MAY


@pytest.mark.parametrize("role", list(STAFF), ids=list(STAFF))
@pytest.mark.parametrize("operation", list(CUSTOMER_ONLY), ids=" ".join)
def test_staff_are_refused_every_step_of_the_account_holder(api, engine, role, operation) -> None:
    before = audit_entries(engine)
    answer = call(api, operation, api.as_(f"{role}-1", STAFF[role]))
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["code"] == "FORBIDDEN"
    assert audit_entries(engine) == before


@pytest.mark.parametrize("operation", list(CUSTOMER_ONLY), ids=" ".join)
def test_another_customer_is_refused_every_step(api, engine, operation) -> None:
    before = audit_entries(engine)
    answer = call(api, operation, api.as_("U2"))
    expected = 404 if operation in OTHER_CUSTOMER_NOT_FOUND else 403
    assert answer.status_code == expected, answer.text
    assert audit_entries(engine) == before
