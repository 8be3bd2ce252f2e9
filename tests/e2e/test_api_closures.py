"""The closure workflow through the HTTP API, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, iso, load
from tests.workflow_support import customer_status, settings


@pytest.fixture
def api(engine, clock):
    config = settings()
    load(engine, account("U1"), account("U2"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    return client


def submit(api, uid: str = "U1"):
    return api.post(
        f"/v1/accounts/{uid}/closure-requests",
        json={"reason": "fees", "reason_text": "too expensive"},
        headers=api.as_(uid),
    )


def test_a_customer_submits_and_is_offered_a_freeze_instead(api) -> None:
    response = submit(api)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["request"]["state"] == "draft"
    assert body["freeze_instead"] == "/v1/accounts/U1/freeze"
    assert body["data_export"] == "/v1/accounts/U1/export"
    assert body["request"]["decided_by"] is None


def test_a_double_submit_is_a_conflict_with_a_stable_code(api) -> None:
    submit(api)
    again = submit(api)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "CLOSURE_ALREADY_OPEN"


def test_a_blocked_account_gets_its_blockers(api, engine) -> None:
    load(
        engine,
        account(
            "U1",
            api_keys=[
                {
                    "id": "k",
                    "kind": "api_key",
                    "label": "bot",
                    "created_at": "2026-01-01T00:00:00+00:00",
                }
            ],
        ),
    )
    response = submit(api)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "NOT_ELIGIBLE"
    assert error["details"] == [{"path": "eligibility", "reason": "API_KEYS_ACTIVE"}]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": "bored"},
        {"reason": "fees", "extra": 1},
        {"reason": "fees", "reason_text": "x" * 2001},
    ],
)
def test_malformed_submissions_are_refused_with_details(api, body) -> None:
    response = api.post("/v1/accounts/U1/closure-requests", json=body, headers=api.as_("U1"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_INPUT"


def test_a_customer_cannot_touch_anothers_request(api) -> None:
    request_id = submit(api).json()["request"]["id"]
    for call in (
        lambda: api.get(f"/v1/closure-requests/{request_id}", headers=api.as_("U2")),
        lambda: api.post(f"/v1/closure-requests/{request_id}/cancel", headers=api.as_("U2")),
        lambda: api.post(
            "/v1/accounts/U1/closure-requests", json={"reason": "fees"}, headers=api.as_("U2")
        ),
    ):
        response = call()
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "FORBIDDEN"


def test_customers_cannot_use_staff_endpoints(api) -> None:
    request_id = submit(api).json()["request"]["id"]
    headers = api.as_("U1")
    assert api.get("/v1/review-queue", headers=headers).status_code == 403
    assert (
        api.post(
            f"/v1/closure-requests/{request_id}/approve", json={"note": "me"}, headers=headers
        ).status_code
        == 403
    )
    assert (
        api.post(
            "/v1/accounts/U1/holds",
            json={"kind": "risk_lock", "reason": "x"},
            headers=api.as_("agent-ada", Role.AGENT),
        ).status_code
        == 403
    )


def test_cancel_then_cancel_again_is_refused(api) -> None:
    request_id = submit(api).json()["request"]["id"]
    first = api.post(f"/v1/closure-requests/{request_id}/cancel", headers=api.as_("U1"))
    assert first.json()["state"] == "cancelled"
    second = api.post(f"/v1/closure-requests/{request_id}/cancel", headers=api.as_("U1"))
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "ILLEGAL_TRANSITION"


def test_unknown_request_is_not_found(api) -> None:
    response = api.get(
        "/v1/closure-requests/00000000-0000-0000-0000-000000000000",
        headers=api.as_("agent-ada", Role.AGENT),
    )
    assert response.status_code == 404


def test_a_hold_placed_and_lifted_by_two_officers(api, engine, clock) -> None:
    cy, di = api.as_("compliance-cy", Role.COMPLIANCE), api.as_("compliance-di", Role.COMPLIANCE)
    request_id = submit(api).json()["request"]["id"]
    placed = api.post(
        "/v1/accounts/U1/holds", json={"kind": "law_enforcement", "reason": "request 7"}, headers=cy
    )
    assert placed.status_code == 201
    hold_id = placed.json()["hold_id"]
    held = api.get(f"/v1/closure-requests/{request_id}", headers=api.as_("U1")).json()
    assert held["state"] == "in_review"  # a customer reads a hold as a review
    assert api.get(f"/v1/closure-requests/{request_id}", headers=cy).json()["state"] == "on_hold"
    assert api.post(f"/v1/holds/{hold_id}/lift", json={"note": "done"}, headers=cy).json() == {
        "lifted": False
    }
    same = api.post(f"/v1/holds/{hold_id}/lift", json={"note": "done"}, headers=cy)
    assert same.status_code == 403
    assert same.json()["error"]["code"] == "SECOND_APPROVER_REQUIRED"
    assert api.post(f"/v1/holds/{hold_id}/lift", json={"note": "ok"}, headers=di).json() == {
        "lifted": True
    }
    assert (
        api.get(f"/v1/closure-requests/{request_id}", headers=api.as_("U1")).json()["state"]
        == "draft"
    )
    assert customer_status(engine, "U1") == "active"


def test_the_openapi_document_lists_the_workflow(api) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/accounts/{uid}/closure-requests",
        "/v1/closure-requests/{request_id}/cancel",
        "/v1/closure-requests/{request_id}/verification/check",
        "/v1/holds/{hold_id}/lift",
    ):
        assert path in paths


def test_events_are_stamped_with_the_clock(api, engine, clock) -> None:
    submit(api)
    from tests.workflow_support import outbox_rows

    event = next(r for r in outbox_rows(engine) if r["channel"] == "webhook")
    assert event["payload"]["created_at"] == iso(clock())
