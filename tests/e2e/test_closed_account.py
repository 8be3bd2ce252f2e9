"""A closed account is closed, through the HTTP API and the pages, on both databases: it
says so (with its certificate, or that it is on its way), and every action on it is
refused with 409 ``ACCOUNT_CLOSED``, before erasure and after it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select, update

from lastgate.app.api import create_app
from lastgate.closure.adapters import tables as wt
from lastgate.closure.service.execution import execute_due
from lastgate.erasure.wiring import run_pending
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import close_as_customer, customer_status, settings, workflow

CONFIG = settings()


@pytest.fixture
def closed(engine, clock):
    """U1 closed through the customer's own flow and the worker's execution; erasure not
    run yet. U2 an open neighbour."""
    load(engine, account("U1"), account("U2"))
    wf = workflow(engine, clock, CONFIG)
    request = close_as_customer(wf, engine, "U1")
    clock.advance(days=14)
    assert execute_due(wf).closed == [request.id]
    assert customer_status(engine, "U1") == "closed"
    return request


def erase(engine, clock) -> None:
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    assert run_pending(engine, clock, CONFIG, workflow(engine, clock).policies).finished


@pytest.fixture
def api(engine, clock):
    client = TestClient(create_app(CONFIG, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(CONFIG, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    return client


def test_the_eligibility_answer_says_closed_and_where_the_certificate_is(
    api, engine, clock, closed
) -> None:
    body = api.get("/v1/accounts/U1/eligibility", headers=api.as_("U1")).json()
    assert body["view"] == "closed" and body["state"] == "closed"
    assert body["eligible"] is False and "checks" not in body
    assert body["certificate"] == "pending"
    assert body["certificate_url"] == "/v1/accounts/U1/certificate"
    assert "on its way" in body["message"]
    erase(engine, clock)
    zh = api.get("/v1/accounts/U1/eligibility?lang=zh-Hans", headers=api.as_("U1")).json()
    assert zh["certificate"] == "issued" and zh["language"] == "zh-Hans"
    assert "证明" in zh["message"]
    assert api.get(zh["certificate_url"], headers=api.as_("U1")).status_code == 200
    pdfs = {  # the PDF's pages in the request's language, by ?lang= or Accept-Language
        lang: api.get(
            f"{zh['certificate_url']}?format=pdf",
            headers={**api.as_("U1"), "Accept-Language": header},
        )
        for lang, header in (("en", "en"), ("zh-Hans", "zh-CN,zh;q=0.9"))
    }
    for lang, title in (
        ("en", "Certificate of account closure"),
        ("zh-Hans", "账户注销及数据删除证明"),
    ):
        answer = pdfs[lang]
        assert answer.headers["content-type"] == "application/pdf"
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
        assert title in text and "U1" in text, lang


def test_staff_still_see_the_internal_view_with_the_account_closed(api, closed) -> None:
    body = api.get("/v1/accounts/U1/eligibility", headers=api.as_("agent-ada", Role.AGENT))
    assert body.json()["view"] == "internal" and body.json()["account_status"] == "closed"
    open_one = api.get("/v1/accounts/U2/eligibility", headers=api.as_("agent-ada", Role.AGENT))
    assert open_one.json()["account_status"] == "active" and open_one.json()["eligible"]
    customer = api.get("/v1/accounts/U2/eligibility", headers=api.as_("U2")).json()
    assert customer["view"] == "customer" and customer["eligible"] is True


ACTIONS = [
    ("/v1/accounts/U1/closure-requests", {"reason": "fees"}),
    ("/v1/accounts/U1/freeze", None),
    ("/v1/accounts/U1/unfreeze", {"code": "123456"}),
    ("/v1/accounts/U1/orders/cancel-all", None),
    ("/v1/accounts/U1/api-keys/revoke-all", None),
    ("/v1/accounts/U1/automations/stop-all", None),
    ("/v1/accounts/U1/dust-sweep/quote", None),
    ("/v1/accounts/U1/factors/totp", None),
    ("/v1/accounts/U1/factors/totp/confirm", {"code": "123456"}),
]


@pytest.mark.parametrize("erased", [False, True], ids=["closed", "erased"])
def test_every_action_on_a_closed_account_is_refused_with_account_closed(
    api, engine, clock, closed, erased
) -> None:
    if erased:
        erase(engine, clock)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(wt.closure_requests)).scalar()
    for path, body in ACTIONS:
        answer = api.post(path, json=body, headers=api.as_("U1"))
        assert answer.status_code == 409, (path, answer.text)
        assert answer.json()["error"]["code"] == "ACCOUNT_CLOSED", path
    code = api.put(
        "/v1/accounts/U1/anti-phishing-code", json={"code": "OWL42"}, headers=api.as_("U1")
    )
    assert code.status_code == 409 and code.json()["error"]["code"] == "ACCOUNT_CLOSED"
    with engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(wt.closure_requests)).scalar()
        codes = conn.execute(
            select(func.count()).where(wt.customer_settings.c.anti_phishing_code == "OWL42")
        ).scalar()
    assert after == before  # no new draft request
    assert codes == 0  # nor a new preference
    current = api.get("/v1/accounts/U1/closure-requests/current", headers=api.as_("U1"))
    assert current.json()["id"] == closed.id and current.json()["state"] == "closed"
    assert customer_status(engine, "U1") == "closed"


def test_a_closed_customers_staff_fix_is_refused_too(api, closed) -> None:
    answer = api.post("/v1/accounts/U1/orders/cancel-all", headers=api.as_("agent-ada", Role.AGENT))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "ACCOUNT_CLOSED"


# -- the pages ----------------------------------------------------------------------------


def signed_in(engine, clock, subject: str) -> TestClient:
    client = TestClient(create_app(CONFIG, engine=engine, clock=clock), base_url="http://127.0.0.1")
    token = issue_token(CONFIG, subject, Role.CUSTOMER, timedelta(hours=1), clock())
    assert client.get(f"/web/session?token={token}").status_code == 200
    return client


def forms(html: str) -> list[str]:
    return re.findall(r'<form[^>]*action="([^"]+)"', html)


@pytest.mark.parametrize("erased", [False, True], ids=["closed", "erased"])
def test_every_customer_page_of_a_closed_account_leads_to_the_closed_page(
    engine, clock, closed, erased
) -> None:
    if erased:
        erase(engine, clock)
    web = signed_in(engine, clock, "U1")
    for path in (
        "/web/me",
        "/web/me/close",
        "/web/me/freeze",
        "/web/me/settings",
        "/web/help",
        f"/web/closure/{closed.id}",
    ):
        answer = web.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/web/me/closed", path
    page = web.get("/web/me/closed")
    assert page.status_code == 200 and "Your account is closed" in page.text
    assert forms(page.text) == ["/web/sign-out"]  # nothing to do but read and write to us
    assert 'href="/web/tickets?category=other#new"' in page.text
    assert ('id="certificate-pdf"' in page.text) is erased
    assert ('id="certificate-pending"' in page.text) is not erased
    assert 'href="/web/me/close"' not in page.text and 'href="/web/me/settings"' not in page.text


def test_a_form_sent_on_a_closed_account_is_refused_on_the_closed_page(
    engine, clock, closed
) -> None:
    web = signed_in(engine, clock, "U1")
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', web.get("/web/me/closed").text)
    assert token
    answer = web.post(
        "/web/me/close", data={"csrf": token.group(1), "reason": "fees"}, follow_redirects=False
    )
    assert answer.headers["location"] == "/web/me/closed?refused=1"
    page = web.get(answer.headers["location"])
    assert 'id="refused"' in page.text and "can no longer be done" in page.text
    assert customer_status(engine, "U1") == "closed"


def test_an_open_account_is_sent_from_the_closed_page_to_its_self_check(
    engine, clock, closed
) -> None:
    web = signed_in(engine, clock, "U2")
    answer = web.get("/web/me/closed", follow_redirects=False)
    assert answer.headers["location"] == "/web/me"
    assert web.get("/web/me").status_code == 200
