"""The structured logs of a whole journey over HTTP, on both databases: submit, verify
with the e-mailed code, approval when the account needs it, cooling-off, the worker's
execution, erasure and delivery. Every state change is a JSON event carrying the closure
id, the request id given in ``X-Request-ID`` is on that request's events and in its
answer, and nothing the customer is known by (e-mail, phone, name, document number) nor
any one-time code appears anywhere in the logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.app.worker import run_once
from lastgate.kernel.access import Role
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import Channels, deliver_due
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.logs import JsonFormatter
from tests.builders import account, load
from tests.live_server import free_port
from tests.workflow_support import close_as_customer, outbox_rows, settings, workflow

EMAIL = "marguerite.okonkwo@example.org"
PHONE = "+4915177788899"
NAME = "Marguerite Okonkwo-Lindqvist"
ID_NUMBER = "PASS-X7781234"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every record at INFO and up, as the JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _events(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _codes(engine: Any, closure_id: str) -> list[str]:
    rows = outbox_rows(engine, "verification_code")
    return [
        str(r["payload"]["params"]["code"])
        for r in rows
        if r["subject_ref"] == f"closure:{closure_id}" and "params" in r["payload"]
    ]


def test_a_journeys_logs_carry_its_ids_and_nothing_personal(
    engine, clock, tmp_path, captured
) -> None:
    config = settings().model_copy(update={"webhook_url": None, "mailbox_dir": tmp_path})
    load(
        engine,
        account("U1000", email=EMAIL, phone=PHONE, full_name=NAME, id_number=ID_NUMBER),
    )
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def bearer(subject: str, role: Role) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    me = bearer("U1000", Role.CUSTOMER)
    submitted = client.post(
        "/v1/accounts/U1000/closure-requests",
        json={"reason": "fees", "reason_text": "moving elsewhere"},
        headers={**me, "X-Request-ID": "journey-submit-1"},
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.headers["x-request-id"] == "journey-submit-1"
    closure_id = submitted.json()["request"]["id"]
    base = f"/v1/closure-requests/{closure_id}"

    started = client.post(f"{base}/verification", json={"method": "email"}, headers=me)
    assert started.status_code == 200, started.text
    codes = _codes(engine, closure_id)
    assert codes, "the e-mailed code is in the outbox"
    # A request id that is not sound is replaced by a fresh one, never echoed.
    checked = client.post(
        f"{base}/verification/check",
        json={"method": "email", "code": codes[-1]},
        headers={**me, "X-Request-ID": "bad id\twith a tab"},
    )
    assert checked.status_code == 200, checked.text
    fresh = checked.headers["x-request-id"]
    assert len(fresh) == 32 and int(fresh, 16) >= 0
    if checked.json()["state"] == "in_review":
        for agent in ("agent-ada", "agent-bo"):
            approved = client.post(
                f"{base}/approve", json={"note": "ok"}, headers=bearer(agent, Role.AGENT)
            )
            assert approved.status_code == 200, approved.text
    assert client.get(base, headers=me).json()["state"] == "cooling_off"

    clock.advance(days=15)
    passes = [run_once(config, engine, clock) for _ in range(3)]
    assert sum(p["closed"] for p in passes) == 1
    assert sum(p["erased"] for p in passes) == 1
    assert sum(p["delivered"] for p in passes) > 0

    events = _events(captured)
    ours = [e for e in events if e.get("closure_id") == closure_id]
    reached = {e["to_state"] for e in ours if e.get("event") == "closure.transition"}
    assert {"draft", "verifying", "cooling_off", "executing", "closed"} <= reached, reached
    kinds = {e.get("event") for e in ours}
    assert {"closure.transition", "closure.execution_closed", "erasure.step"} <= kinds, kinds
    assert any(e.get("event") == "erasure.run_finished" for e in events)
    delivered = [
        e
        for e in events
        if e.get("event") == "outbox.delivered" and e["subject"] == f"closure:{closure_id}"
    ]
    assert {e["channel"] for e in delivered} == {"email", "sms"}

    # The given request id is on the events of that request, and only of that request.
    submit_events = [e for e in events if e.get("request_id") == "journey-submit-1"]
    assert {e.get("event") for e in submit_events} >= {"closure.transition", "http.request"}
    assert all(e.get("closure_id", closure_id) == closure_id for e in submit_events)
    assert any(e.get("request_id") == fresh for e in events)
    worker_events = [e for e in events if e.get("event", "").startswith(("erasure.", "outbox."))]
    assert worker_events and all("request_id" not in e for e in worker_events)

    text = captured.getvalue()
    for secret in (EMAIL, PHONE, NAME, ID_NUMBER, "marguerite", "Okonkwo", *codes):
        assert secret.lower() not in text.lower(), secret


def test_delivery_failures_are_logged_per_channel_without_recipient_or_url(
    engine, clock, captured
) -> None:
    port = free_port()  # nothing listens there
    hook = f"http://127.0.0.1:{port}/hooks?token=hook-secret-123"
    config = settings().model_copy(update={"webhook_url": hook})
    load(engine, account("U1000", email=EMAIL, phone=PHONE, full_name=NAME))
    request = close_as_customer(workflow(engine, clock, config), engine)

    # No e-mail or SMS channel: given up on at once. The webhook cannot connect: retried.
    no_notices = Channels(webhook=channels_from_settings(config).webhook)
    report = deliver_due(engine, clock, config, no_notices, limit=100)
    assert report.failed > 0 and report.retrying > 0

    events = _events(captured)
    failed = {e["channel"] for e in events if e.get("event") == "outbox.delivery_failed"}
    assert failed == {"email", "sms"}
    retrying = [e for e in events if e.get("event") == "outbox.delivery_retrying"]
    assert {e["channel"] for e in retrying} == {"webhook"}
    assert all(e["subject"] == f"closure:{request.id}" for e in retrying)
    assert all(e["attempts"] == 1 for e in retrying)
    text = captured.getvalue()
    for secret in (EMAIL, PHONE, NAME, "hook-secret-123", "/hooks"):
        assert secret not in text, secret
