"""The web pages through HTTP, on both databases: sign-in hand-over, cookies, CSRF,
languages, and no customer seeing another's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.closure.adapters.unit_of_work import SqlUnitOfWork
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import T0, account, iso, load
from tests.web_support import browser, csrf
from tests.workflow_support import customer_status, settings

ORDER = {
    "id": "o1",
    "product": "spot",
    "symbol": "BTC/USDT",
    "side": "buy",
    "kind": "limit",
    "status": "open",
    "quantity": "1",
    "created_at": iso(T0),
}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1", orders=[ORDER]), account("U2"))
    return create_app(config, engine=engine, clock=clock)


def test_a_token_hand_over_sets_a_locked_down_session_cookie(app, clock, config) -> None:
    client = TestClient(app, base_url="https://close.example")
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
    answer = client.get(f"/web/session?token={token}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/web/me"
    cookie = answer.headers["set-cookie"].lower()
    assert "lastgate_session=" in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie


def test_a_posted_token_signs_in_too(app, clock, config) -> None:
    client = TestClient(app, base_url="http://127.0.0.1")
    token = issue_token(config, "agent-ada", Role.AGENT, timedelta(hours=1), clock())
    answer = client.post("/web/session", data={"token": token}, follow_redirects=False)
    assert answer.headers["location"] == "/web/agent"


def test_a_bad_token_or_no_session_goes_to_sign_in(app, clock, config) -> None:
    client = TestClient(app, base_url="http://127.0.0.1")
    assert (
        client.get("/web/session?token=forged", follow_redirects=False).headers["location"]
        == "/web/sign-in"
    )
    assert client.get("/web/me", follow_redirects=False).headers["location"] == "/web/sign-in"


def test_the_self_check_lists_every_check_with_a_fix_button(app, clock, config) -> None:
    page = browser(app, clock, config, "U1").get("/web/me")
    assert page.status_code == 200
    assert 'id="check-OPEN_ORDERS"' in page.text and "/web/me/fix/cancel_orders" in page.text
    assert "Cache-Control" in page.headers and page.headers["Cache-Control"] == "no-store"


def test_a_form_without_the_csrf_token_changes_nothing(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    refused = client.post("/web/me/fix/cancel_orders", data={"csrf": "0" * 64})
    assert refused.status_code == 403
    page = client.get("/web/me").text
    assert '<li class="check block" id="check-OPEN_ORDERS">' in page


def test_a_form_with_the_csrf_token_runs_the_fix(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    done = client.post("/web/me/fix/cancel_orders", data={"csrf": csrf(client.get("/web/me").text)})
    assert done.status_code == 200 and "?done=fixed" in str(done.url)
    assert '<li class="check pass" id="check-OPEN_ORDERS">' in done.text


def test_a_customer_cannot_open_another_customers_request(app, clock, config) -> None:
    owner = browser(app, clock, config, "U2")
    submitted = owner.post(
        "/web/me/close", data={"csrf": csrf(owner.get("/web/me").text), "reason": "fees"}
    )
    assert submitted.status_code == 200
    path = submitted.url.path
    assert path.startswith("/web/closure/")
    intruder = browser(app, clock, config, "U1")
    assert intruder.get(path).status_code == 403
    cancel = intruder.post(f"{path}/cancel", data={"csrf": csrf(intruder.get("/web/me").text)})
    assert cancel.status_code == 403
    assert owner.get(path).status_code == 200


def test_customers_cannot_open_the_consoles(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    assert client.get("/web/agent").status_code == 403
    assert client.get("/web/compliance").status_code == 403
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert agent.get("/web/compliance").status_code == 403
    assert agent.get("/web/me").status_code == 403


def test_the_language_follows_the_query_then_the_cookie_then_the_header(app, clock, config):
    client = browser(app, clock, config, "U1")
    assert '<html lang="en">' in client.get("/web/me").text
    chinese = client.get("/web/me?lang=zh-CN")
    assert '<html lang="zh-Hans">' in chinese.text and "我可以注销账户吗" in chinese.text
    assert '<html lang="zh-Hans">' in client.get("/web/me").text  # the cookie remembers
    fresh = browser(app, clock, config, "U2")
    assert "我可以注销账户吗" in fresh.get("/web/me", headers={"Accept-Language": "zh"}).text


def test_demo_sign_in_exists_only_when_the_setting_is_on(engine, clock, config) -> None:
    off = TestClient(create_app(config, engine=engine, clock=clock), base_url="http://127.0.0.1")
    assert off.get("/web/demo-login").status_code == 404
    on_config = config.model_copy(update={"demo_login": True})
    on = TestClient(create_app(on_config, engine=engine, clock=clock), base_url="http://127.0.0.1")
    page = on.get("/web/demo-login")
    assert page.status_code == 200 and "DEMO-DUST" in page.text
    signed_in = on.post(
        "/web/demo-login",
        data={"csrf": csrf(page.text), "subject": "compliance-cy", "role": "compliance"},
    )
    assert signed_in.url.path == "/web/compliance"


def test_every_form_on_the_pages_carries_the_csrf_field(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    for path in ("/web/me", "/web/me/close", "/web/me/settings"):
        html = client.get(path).text
        forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.S)
        assert forms and all('name="csrf"' in form for form in forms), path


def test_cancelling_asks_first_and_the_notices_link_leads_to_the_question(
    app, clock, config
) -> None:
    """A click on "Cancel" (or the notice's link) asks first, saying what is given up;
    only the confirming form cancels. The wait so far is lost by a slip of the finger
    otherwise."""
    client = browser(app, clock, config, "U2")
    submitted = client.post(
        "/web/me/close", data={"csrf": csrf(client.get("/web/me").text), "reason": "privacy"}
    )
    request_id = submitted.url.path.rsplit("/", 1)[1]
    ask = f"/web/closure/{request_id}/cancel"
    assert f'id="closure-cancel" href="{ask}"' in submitted.text
    assert f'action="{ask}"' not in submitted.text  # no one-click cancel on the status page
    link = client.get(f"/closure/{request_id}/cancel", follow_redirects=False)
    assert link.status_code == 303 and link.headers["location"] == ask
    question = client.get(ask)
    assert question.status_code == 200 and "Cancel your closure request?" in question.text
    # The same cooling-off length the status page announces, from the same policy.
    days = re.search(r"cooling-off period of (\d+) days follows", submitted.text)
    assert days and "you start again with a new request" in question.text
    assert f"a cooling-off period of {days[1]} days.</li>" in question.text
    assert "freeze placed for your closure" not in question.text  # a draft froze nothing
    assert "state-draft" in client.get(f"/web/closure/{request_id}").text  # asking changed nothing
    done = client.post(ask, data={"csrf": csrf(question.text)})
    assert done.status_code == 200 and "state-cancelled" in done.text
    again = client.get(ask, follow_redirects=False)  # nothing left to cancel
    assert again.status_code == 303 and again.headers["location"] == f"/web/closure/{request_id}"


def test_the_cancel_question_speaks_chinese(app, clock, config) -> None:
    client = browser(app, clock, config, "U2")
    submitted = client.post(
        "/web/me/close", data={"csrf": csrf(client.get("/web/me").text), "reason": "privacy"}
    )
    question = client.get(f"{submitted.url.path}/cancel?lang=zh-Hans")
    assert '<html lang="zh-Hans">' in question.text
    assert "Cancel your closure request?" not in question.text
    assert "取消" in question.text and 'id="cancel-confirm"' in question.text


def test_freezing_instead_of_closing(app, clock, config, engine) -> None:
    with SqlUnitOfWork(engine, clock, config) as uow:
        totp = pyotp.TOTP(uow.step_up.enroll_totp("U2").secret)
    with SqlUnitOfWork(engine, clock, config) as uow:
        uow.step_up.confirm_totp("U2", totp.at(clock()))
    client = browser(app, clock, config, "U2")
    done = client.post("/web/me/freeze", data={"csrf": csrf(client.get("/web/me/freeze").text)})
    assert "done=frozen" in str(done.url) and 'action="/web/me/unfreeze"' in done.text
    assert customer_status(engine, "U2") == "frozen"

    clock.advance(days=30)
    client = browser(app, clock, config, "U2")
    settings_page = client.get("/web/me/settings").text
    lifted = client.post(
        "/web/me/unfreeze", data={"csrf": csrf(settings_page), "code": totp.at(clock())}
    )
    assert "done=unfrozen" in str(lifted.url) and "/web/me/unfreeze" not in lifted.text
    assert customer_status(engine, "U2") == "active"


def test_the_anti_phishing_code_is_set_on_the_settings_page(app, clock, config) -> None:
    client = browser(app, clock, config, "U2")
    token = csrf(client.get("/web/me/settings").text)
    saved = client.post("/web/me/anti-phishing-code", data={"csrf": token, "code": "Blue7Harbor"})
    assert "done=saved" in str(saved.url) and "Blue7Harbor" in saved.text
    refused = client.post("/web/me/anti-phishing-code", data={"csrf": token, "code": "no!"})
    assert refused.status_code == 422


def test_no_certificate_before_closure(app, clock, config) -> None:
    assert browser(app, clock, config, "U1").get("/web/me/certificate").status_code == 404


def test_the_data_export_downloads_as_a_zip(app, clock, config) -> None:
    answer = browser(app, clock, config, "U1").get("/web/me/export")
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    assert "attachment" in answer.headers["content-disposition"]


def test_the_close_form_is_offered_only_when_a_request_could_be_opened(app, clock, config):
    """A request under way opens instead of the form (which would answer "you already
    have a request"); blockers are named as a count with the way to the self-check (the
    form would answer NOT_ELIGIBLE); and no reason is chosen for the customer."""
    client = browser(app, clock, config, "U2")
    form = client.get("/web/me/close")
    assert 'action="/web/me/close"' in form.text and "checked" not in form.text
    submitted = client.post("/web/me/close", data={"csrf": csrf(form.text), "reason": "privacy"})
    again = client.get("/web/me/close", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == submitted.url.path
    blocked = browser(app, clock, config, "U1")
    page = blocked.get("/web/me/close")
    assert page.status_code == 200 and 'action="/web/me/close"' not in page.text
    assert "Your account cannot be closed yet" in page.text and 'href="/web/me"' in page.text
    # What the customer came to ask is answered first, before the freeze is offered.
    assert page.text.index('id="close-blocked"') < page.text.index('id="freeze"')
    chinese = blocked.get("/web/me/close?lang=zh-Hans")
    assert "cannot be closed yet" not in chinese.text and 'id="close-blocked"' in chinese.text
