"""The Prometheus metrics after a small journey: one customer closed by the worker to a
certificate, another in cooling-off; scraped from ``/metrics`` on both databases."""

from __future__ import annotations

import urllib.request
from datetime import timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from lastgate.app.api import create_app
from lastgate.app.metrics import serve_worker_metrics
from lastgate.app.worker import run_once
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import close_as_customer, settings, workflow


def _scrape(client: TestClient, **headers: str) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_metrics_after_a_journey(engine, clock, tmp_path) -> None:
    config = settings().model_copy(update={"webhook_url": None, "mailbox_dir": tmp_path})
    load(engine, account("U1000"), account("U2000"))
    wf = workflow(engine, clock, config)
    first = close_as_customer(wf, engine, "U1000")
    clock.advance(days=15)
    close_as_customer(wf, engine, "U2000")  # its cooling-off has just begun
    client = TestClient(create_app(config, engine=engine, clock=clock))
    token = issue_token(config, "U2000", Role.CUSTOMER, timedelta(hours=1), clock())
    read = client.get(
        "/v1/accounts/U2000/eligibility", headers={"Authorization": f"Bearer {token}"}
    )
    assert read.status_code == 200, read.text

    before = _scrape(client)
    assert _value(before, "lastgate_metrics_database_up") == 1
    assert _value(before, "lastgate_closure_requests", state="cooling_off") == 2
    assert _value(before, "lastgate_closure_requests", state="closed") == 0
    # U1000's cooling-off ended a while ago and nobody has executed it yet.
    assert first.cooling_off_ends_at is not None
    overdue = (clock() - first.cooling_off_ends_at).total_seconds()
    assert overdue > 0
    assert _value(before, "lastgate_closure_oldest_due_age_seconds") == overdue
    # Due now: U1000's submitted, code, cooling-off and reminder e-mails and three SMS,
    # U2000's first three e-mails and two SMS (its reminder is not due for days).
    assert _value(before, "lastgate_outbox_backlog", channel="email") == 7
    assert _value(before, "lastgate_outbox_backlog", channel="sms") == 5
    fifteen_days = timedelta(days=15).total_seconds()
    assert _value(before, "lastgate_outbox_oldest_due_age_seconds", channel="email") == fifteen_days
    assert _value(before, "lastgate_certificates_issued") == 0

    passes = [run_once(config, engine, clock) for _ in range(3)]
    assert sum(p["erased"] for p in passes) == 1

    after = _scrape(client)
    assert _value(after, "lastgate_closure_requests", state="cooling_off") == 1
    assert _value(after, "lastgate_closure_requests", state="closed") == 1
    assert _value(after, "lastgate_closure_oldest_due_age_seconds") == 0
    assert _value(after, "lastgate_outbox_backlog", channel="email") == 0
    assert _value(after, "lastgate_outbox_backlog", channel="sms") == 0
    assert _value(after, "lastgate_outbox_oldest_due_age_seconds", channel="sms") == 0
    assert _value(after, "lastgate_outbox_failed", channel="email") == 0
    assert _value(after, "lastgate_erasure_runs_pending") == 0
    assert _value(after, "lastgate_certificates_issued") == 1
    assert _value(after, "lastgate_verification_scans_failed") == 0
    assert _value(after, "lastgate_tickets", state="open") == 0
    # The latency histogram is labelled by the route's template, never the raw path.
    route = dict(method="GET", route="/v1/accounts/{uid}/eligibility", status="2xx")
    assert _value(after, "lastgate_http_request_duration_seconds_count", **route) == 1
    assert not any("U2000" in str(labels) for _, labels in after)


def test_metrics_can_require_a_bearer_token(engine, clock) -> None:
    config = settings().model_copy(update={"metrics_token": SecretStr("scrape-me")})
    client = TestClient(create_app(config, engine=engine, clock=clock))
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "NOT_AUTHENTICATED"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    samples = _scrape(client, Authorization="Bearer scrape-me")
    assert _value(samples, "lastgate_metrics_database_up") == 1


def test_the_worker_serves_the_database_gauges(engine, clock) -> None:
    load(engine, account("U1000"))
    close_as_customer(workflow(engine, clock), engine, "U1000")
    server = serve_worker_metrics(engine, clock, 0)  # port 0: any free one
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            text = answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert 'lastgate_closure_requests{state="cooling_off"} 1.0' in text
    assert "lastgate_http_request_duration_seconds" not in text  # the worker serves no HTTP
