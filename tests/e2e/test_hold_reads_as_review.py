"""A closure request on hold reads, for its customer, exactly as one in ordinary review
(issue 13, item 4): the same state on both endpoints, the same cancel; staff see the hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import request_in, settings, workflow

#: What differs between any two requests whatever their state.
_OWN = ("id", "uid", "created_at", "updated_at", "version")


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


def _reviewed_and_held(api, engine, clock) -> tuple[str, str]:
    """U1's request in ordinary review; U2's in review, then held by an AML investigation."""
    wf = workflow(engine, clock)
    ordinary = request_in(wf, ClosureState.IN_REVIEW, uid="U1", needs_review=True)
    held = request_in(wf, ClosureState.IN_REVIEW, uid="U2", needs_review=True)
    placed = api.post(
        "/v1/accounts/U2/holds",
        json={"kind": "aml_investigation", "reason": "structuring"},
        headers=api.as_("compliance-cy", Role.COMPLIANCE),
    )
    assert placed.status_code == 201
    return ordinary.id, held.id


def _seen(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k not in _OWN}


def test_the_customer_reads_a_hold_as_an_ordinary_review(api, engine, clock) -> None:
    ordinary, held = _reviewed_and_held(api, engine, clock)
    for uid, request_id in (("U1", ordinary), ("U2", held)):
        one = api.get(f"/v1/closure-requests/{request_id}", headers=api.as_(uid))
        current = api.get(f"/v1/accounts/{uid}/closure-requests/current", headers=api.as_(uid))
        assert one.json() == current.json()
        assert one.json()["state"] == "in_review"
    u1 = api.get(f"/v1/closure-requests/{ordinary}", headers=api.as_("U1")).json()
    u2 = api.get(f"/v1/closure-requests/{held}", headers=api.as_("U2")).json()
    assert _seen(u1) == _seen(u2)


def test_staff_see_the_hold(api, engine, clock) -> None:
    _, held = _reviewed_and_held(api, engine, clock)
    for role, subject in ((Role.AGENT, "agent-ada"), (Role.COMPLIANCE, "compliance-di")):
        answer = api.get(f"/v1/closure-requests/{held}", headers=api.as_(subject, role))
        assert answer.json()["state"] == "on_hold"


def test_a_held_request_is_cancelled_like_one_in_review(api, engine, clock) -> None:
    ordinary, held = _reviewed_and_held(api, engine, clock)
    answers = [
        api.post(f"/v1/closure-requests/{request_id}/cancel", headers=api.as_(uid))
        for uid, request_id in (("U1", ordinary), ("U2", held))
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert _seen(answers[0].json()) == _seen(answers[1].json())
    assert answers[1].json()["state"] == "cancelled"
    # The hold stays on the account: closing it is still refused, for a reason that
    # reads like any other support matter.
    report = api.get("/v1/accounts/U2/eligibility", headers=api.as_("U2")).json()
    assert report["eligible"] is False
