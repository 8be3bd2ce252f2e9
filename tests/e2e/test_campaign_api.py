"""Offboarding campaigns through the HTTP API, on both databases."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.campaign.service.due_work import tick
from lastgate.campaign.wiring import build_campaigns
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.campaign_support import DEADLINE, leaving_market, withdraw_only
from tests.workflow_support import settings


@pytest.fixture
def api(engine, clock):
    config = settings()
    leaving_market(engine)
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.COMPLIANCE) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    client.work = lambda: tick(build_campaigns(config, engine, clock), batch_size=50)  # type: ignore[attr-defined]
    return client


def plan(api, **body):
    body = {"name": "Leaving NL", "deadline": DEADLINE.isoformat(), **body}
    body.setdefault("jurisdiction", None if "uids" in body else "NL")
    return api.post("/v1/campaigns", json=body, headers=api.as_("compliance-cy"))


def test_the_dry_run_over_http(api) -> None:
    response = plan(api)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "planned" and body["jurisdiction"] == "NL"
    assert body["dry_run"]["accounts"] == 4 and body["dry_run"]["passing"] == 2
    assert body["dry_run"]["by_code"] == {"ASSETS_REMAINING": 1, "KYC_INCOMPLETE": 1}
    assert body["dry_run"]["assets"] == {"BTC": "0.5"}
    assert body["terms"]["min_notice_days"] == 62


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"jurisdiction": "ZZ"}, 422, "UNKNOWN_JURISDICTION"),
        ({"uids": []}, 422, "EMPTY_CAMPAIGN"),
        ({"uids": ["N1", "GHOST"]}, 422, "UNKNOWN_ACCOUNTS"),
        ({"deadline": "2026-11-01T00:00:00+00:00"}, 422, "DEADLINE_IN_PAST"),
        ({"deadline": "2027-01-15T00:00:00+00:00"}, 422, "NOTICE_TOO_SHORT"),
        ({"deadline": "2027-01-25T00:00:00"}, 422, "INVALID_INPUT"),
        ({"jurisdiction": "nl!"}, 422, "INVALID_INPUT"),
    ],
)
def test_bad_plans_get_a_stable_code(api, body, status, code) -> None:
    response = plan(api, **body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_agents_read_but_do_not_plan_and_customers_do_neither(api) -> None:
    refused = api.post(
        "/v1/campaigns",
        json={"name": "x", "deadline": DEADLINE.isoformat(), "jurisdiction": "NL"},
        headers=api.as_("agent-ada", Role.AGENT),
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN"
    made = plan(api).json()
    assert (
        api.get(f"/v1/campaigns/{made['id']}", headers=api.as_("agent-ada", Role.AGENT)).status_code
        == 200
    )
    customer = api.get(f"/v1/campaigns/{made['id']}", headers=api.as_("N1", Role.CUSTOMER))
    assert customer.status_code == 403
    assert api.get(f"/v1/campaigns/{made['id']}").status_code == 401


def test_start_takes_two_officers_and_not_twice(api, engine) -> None:
    made = plan(api).json()
    url = f"/v1/campaigns/{made['id']}/start"
    first = api.post(url, headers=api.as_("compliance-cy"))
    assert first.status_code == 200 and first.json()["started"] is False
    again = api.post(url, headers=api.as_("compliance-cy"))
    assert again.status_code == 403 and again.json()["error"]["code"] == "SECOND_APPROVER_REQUIRED"
    second = api.post(url, headers=api.as_("compliance-di"))
    assert second.json()["started"] is True and second.json()["campaign"]["state"] == "grace"
    third = api.post(url, headers=api.as_("compliance-ed"))
    assert third.status_code == 409 and third.json()["error"]["code"] == "CAMPAIGN_ALREADY_STARTED"
    api.work()
    assert withdraw_only(engine, "N1")


def test_an_unknown_campaign_is_404(api) -> None:
    missing = api.get("/v1/campaigns/" + "0" * 36, headers=api.as_("compliance-cy"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "CAMPAIGN_NOT_FOUND"


def test_deadline_support_list_and_report(api, clock) -> None:
    made = plan(api).json()
    for officer in ("compliance-cy", "compliance-di"):
        api.post(f"/v1/campaigns/{made['id']}/start", headers=api.as_(officer))
    api.work()
    clock.now = DEADLINE
    api.work()
    staff = api.as_("agent-ada", Role.AGENT)
    support = api.get(f"/v1/campaigns/{made['id']}/members?status=support", headers=staff)
    assert [(m["uid"], m["blocking_codes"]) for m in support.json()] == [
        ("N3", ["ASSETS_REMAINING"]),
        ("N4", ["KYC_INCOMPLETE"]),
    ]
    page = api.get(f"/v1/campaigns/{made['id']}/members?limit=1&after=N1", headers=staff)
    assert [m["uid"] for m in page.json()] == ["N2"]
    assert page.json()[0]["closure_state"] == "cooling_off"
    state = api.get(f"/v1/campaigns/{made['id']}", headers=staff).json()
    assert state["state"] == "closing"
    assert state["now"]["by_status"]["closure_submitted"] == 2
    closure = api.get(f"/v1/closure-requests/{page.json()[0]['closure_id']}", headers=staff)
    assert closure.json()["origin"] == "campaign"
    steps = [p["step"] for p in api.get(f"/v1/campaigns/{made['id']}/funnel", headers=staff).json()]
    assert steps == ["planned", "announced", "deadline"]
    csv_response = api.get(f"/v1/campaigns/{made['id']}/report?format=csv", headers=staff)
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert [(r["uid"], r["status"], r["blocking_codes"]) for r in rows] == [
        ("N1", "closure_submitted", ""),
        ("N2", "closure_submitted", ""),
        ("N3", "support", "ASSETS_REMAINING"),
        ("N4", "support", "KYC_INCOMPLETE"),
    ]
    html = api.get(f"/v1/campaigns/{made['id']}/report", headers=staff)
    assert html.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert "<svg" in html.text and 'role="img"' in html.text and "<title" in html.text
    # self-contained: no script, nothing fetched
    assert "<script" not in html.text and "src=" not in html.text and "<link" not in html.text


def test_cancel_over_http(api, engine, clock) -> None:
    made = plan(api).json()
    for officer in ("compliance-cy", "compliance-di"):
        api.post(f"/v1/campaigns/{made['id']}/start", headers=api.as_(officer))
    api.work()
    response = api.post(
        f"/v1/campaigns/{made['id']}/cancel",
        json={"reason": "licence granted"},
        headers=api.as_("compliance-cy"),
    )
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    api.work()
    assert not withdraw_only(engine, "N1")
    clock.now = DEADLINE
    late = api.post(
        f"/v1/campaigns/{made['id']}/cancel", json={"reason": "x"}, headers=api.as_("compliance-cy")
    )
    assert late.status_code == 409
