"""The anti-phishing code through the HTTP API, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lastgate.app.api import create_app
from lastgate.closure.adapters.tables import customer_settings
from lastgate.kernel.access import Role
from lastgate.platform import audit_log
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import settings

URL = "/v1/accounts/{uid}/anti-phishing-code"


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


def put_code(api, uid: str, code: str, caller: str | None = None, role: Role = Role.CUSTOMER):
    return api.put(URL.format(uid=uid), json={"code": code}, headers=api.as_(caller or uid, role))


def test_a_customer_sets_and_reads_their_own_code(api, clock) -> None:
    response = put_code(api, "U1", "Blue7Harbor")
    assert response.status_code == 200, response.text
    assert response.json()["code"] == "Blue7Harbor"

    read = api.get(URL.format(uid="U1"), headers=api.as_("U1"))
    assert read.status_code == 200
    assert read.json() == {
        "uid": "U1",
        "is_set": True,
        "code": "Blue7Harbor",
        "updated_at": clock().isoformat().replace("+00:00", "Z"),
    }


def test_a_customer_changes_their_code(api, engine) -> None:
    put_code(api, "U1", "First1")
    put_code(api, "U1", "Second2")
    with engine.connect() as conn:
        codes = conn.execute(select(customer_settings.c.anti_phishing_code)).scalars().all()
    assert codes == ["Second2"]


def test_before_setting_one_no_code_is_set(api) -> None:
    body = api.get(URL.format(uid="U1"), headers=api.as_("U1")).json()
    assert (body["is_set"], body["code"]) == (False, None)


def test_a_customer_cannot_set_anothers_code(api) -> None:
    response = put_code(api, "U2", "Blue7Harbor", caller="U1")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_a_customer_cannot_read_anothers_code(api) -> None:
    put_code(api, "U2", "Secret22")
    response = api.get(URL.format(uid="U2"), headers=api.as_("U1"))
    assert response.status_code == 403


@pytest.mark.parametrize("code", ["abc", "x" * 21, "blue harbor", "ab-cd", "码码码码"])
def test_an_invalid_code_is_refused(api, code: str) -> None:
    response = put_code(api, "U1", code)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_INPUT"


def test_an_agent_sees_that_a_code_is_set_but_not_its_value(api) -> None:
    put_code(api, "U1", "Blue7Harbor")
    response = api.get(URL.format(uid="U1"), headers=api.as_("agent-ada", Role.AGENT))
    assert response.status_code == 200
    body = response.json()
    assert (body["is_set"], body["code"]) == (True, None)
    assert "Blue7Harbor" not in response.text


def test_an_agent_cannot_set_a_customers_code(api) -> None:
    response = put_code(api, "U1", "Blue7Harbor", caller="agent-ada", role=Role.AGENT)
    assert response.status_code == 403


def test_an_unknown_account_is_not_found(api) -> None:
    assert put_code(api, "U404", "Blue7Harbor").status_code == 404


def test_setting_a_code_is_audited_without_its_value(api, engine) -> None:
    put_code(api, "U1", "Blue7Harbor")
    with engine.connect() as conn:
        [entry] = list(audit_log.entries(conn, subject="account:U1"))
    assert (entry.actor, entry.action) == ("U1", "anti_phishing_code.set")
    assert "Blue7Harbor" not in entry.payload


def test_a_request_without_a_token_is_refused(api) -> None:
    assert api.get(URL.format(uid="U1")).status_code == 401
