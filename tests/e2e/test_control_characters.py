"""A NUL byte or another control character in any input is a 422 ``INVALID_INPUT`` that
names the field — in the path, the query, a JSON body or a form — never a 500, and
nothing is stored. Lines in a message stay allowed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from lastgate.app.api import create_app
from lastgate.desk.adapters.tables import tickets
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.desk_support import desk_settings


@pytest.fixture
def api(engine: Engine, clock, tmp_path):
    config = desk_settings(tmp_path)
    load(engine, account("U1"))
    client = TestClient(
        create_app(config, engine=engine, clock=clock), base_url="https://testserver"
    )
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
    agent = issue_token(config, "ada", Role.AGENT, timedelta(hours=1), clock())
    client.headers["Authorization"] = f"Bearer {token}"
    client.get("/web/session", params={"token": token})  # the pages' session cookie
    client.agent = {"Authorization": f"Bearer {agent}"}  # type: ignore[attr-defined]
    return client


def refused(response, *places: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "INVALID_INPUT"
    assert [d["path"] for d in error["details"]] == list(places)


def ticket_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tickets)).scalar_one()


def test_a_nul_in_a_uid_in_the_path(api) -> None:
    refused(api.get("/v1/accounts/U1%00/eligibility"), "path")


def test_a_nul_in_a_query_filter(api) -> None:
    refused(api.get("/v1/desk/queue", params={"queue": "a\x00"}, headers=api.agent), "query.queue")


def test_a_nul_in_a_closure_reason(api) -> None:
    body = {"reason": "fees", "reason_text": "too \x00 expensive"}
    refused(api.post("/v1/accounts/U1/closure-requests", json=body), "body.reason_text")
    assert api.get("/v1/accounts/U1/closure-requests/current").json() is None


def test_controls_in_a_ticket_subject_and_body_store_nothing(api, engine) -> None:
    body = {"category": "other", "subject": "help\x00", "body": "bell \x07 here"}
    refused(api.post("/v1/accounts/U1/tickets", json=body), "body.subject", "body.body")
    assert ticket_count(engine) == 0


def test_lines_and_tabs_in_a_message_are_kept(api, engine) -> None:
    body = {"category": "other", "subject": "Two lines", "body": "first line\r\n\tsecond line"}
    response = api.post("/v1/accounts/U1/tickets", json=body)

    assert response.status_code == 201, response.text
    assert ticket_count(engine) == 1


def test_a_nul_in_a_page_form_is_a_page_in_the_readers_language(api) -> None:
    page = api.get("/web/me")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    response = api.post(
        "/web/me/close",
        data={"csrf": csrf, "reason": "fees", "reason_text": "a\x00b"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    # Words, not the code: what was wrong, and in which field (its label on the form).
    assert "An invisible character was in the form" in response.text
    assert "Anything you want to tell us (optional)" in response.text
    assert "INVALID_INPUT" in response.text  # the code stays, as a reference for support
