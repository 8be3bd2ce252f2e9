"""Errors under /web are pages in the reader's language that say what happened and what to
do next, under the signed-in header; the API keeps its JSON errors."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.demo.customers import demo_snapshot
from lastgate.desk.model.tickets import TicketCategory
from lastgate.kernel.access import Role
from lastgate.kernel.errors import AccountNotFound, IllegalTransition, LastgateError, NotFound
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.logs import JsonFormatter
from lastgate.platform.web.error_advice import ADVICE, AFTER_FORM, NOT_FOUND_FOR_STAFF, Step
from lastgate.platform.web.error_pages import advice_for, error_view
from lastgate.platform.web.pages import PageRoute
from tests.builders import account, load
from tests.web_support import browser, csrf, heading
from tests.workflow_support import settings

HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"))
    return create_app(config, engine=engine, clock=clock)


def test_an_unknown_page_is_a_friendly_404_under_the_signed_in_header(app, clock, config):
    client = browser(app, clock, config, "U1")
    answer = client.get("/web/no-such-page")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert heading(answer.text) == "We cannot find this page"
    assert "Nothing is wrong with your account." in answer.text
    assert 'class="who"' in answer.text and "U1" in answer.text and "Sign out" in answer.text
    assert 'href="/web"' in answer.text and "Go to your start page" in answer.text
    assert '<code class="code">NOT_FOUND</code>' in answer.text
    assert answer.headers["x-request-id"] in answer.text  # the reference support can look up
    assert "content-security-policy" in answer.headers


def test_the_404_page_speaks_chinese(app, clock, config):
    client = browser(app, clock, config, "U1")
    answer = client.get("/web/no-such-page?lang=zh-Hans")
    assert answer.status_code == 404 and '<html lang="zh-Hans">' in answer.text
    assert heading(answer.text) != "We cannot find this page"
    assert not re.search(r"[A-Za-z]{4,}", heading(answer.text))


def test_the_bare_address_leads_to_the_pages_and_unknown_paths_answer_a_browser_in_html(app):
    client = TestClient(app, base_url="http://127.0.0.1")
    root = client.get("/", follow_redirects=False)
    assert root.status_code in (302, 307) and root.headers["location"] == "/web"
    chinese = client.get("/?lang=zh-Hans", follow_redirects=False)  # the language is kept
    assert (
        chinese.headers["location"] == "/web"
        and "lastgate_lang=zh_Hans" in chinese.headers["set-cookie"]
    )
    assert '<html lang="zh-Hans">' in client.get("/web/sign-in").text
    page = client.get("/nothing-here", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert heading(page.text) == "We cannot find this page"
    plain = client.get("/nothing-here")
    assert plain.status_code == 404 and plain.json()["error"]["code"] == "NOT_FOUND"


def test_the_api_keeps_its_json_errors_even_for_a_browser(app):
    client = TestClient(app, base_url="http://127.0.0.1")
    for path in ("/v1/nothing-here", "/v1/accounts/U1/eligibility"):
        answer = client.get(path, headers=HTML)
        assert answer.headers["content-type"] == "application/json", path
        assert set(answer.json()["error"]) == {"code", "message", "details"}
    unknown = client.get("/v1/nothing-here", headers=HTML).json()["error"]
    assert unknown == {"code": "NOT_FOUND", "message": "Not Found", "details": []}


def test_the_favicon_is_served(app):
    answer = TestClient(app, base_url="http://127.0.0.1").get("/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
    assert answer.text.startswith("<svg")


def test_opening_a_form_address_is_a_page_not_json(app, clock, config):
    client = browser(app, clock, config, "U1")
    answer = client.get("/web/me/dust-sweep/execute")
    assert answer.status_code == 405 and answer.headers["content-type"].startswith("text/html")
    assert heading(answer.text) == "This address is not a page"


def test_a_refused_action_says_what_happened_and_where_to_go(app, clock, config):
    client = browser(app, clock, config, "U1")
    form = client.get("/web/tickets").text
    refused = client.post("/web/me/anti-phishing-code", data={"csrf": csrf(form), "code": "a b"})
    assert refused.status_code == 422
    assert heading(refused.text) == "This anti-phishing code cannot be used"
    assert "Go back to the form" in refused.text and "data-back" in refused.text
    assert "/web/static/forms.js" in refused.text
    assert 'href="/web/me?lang=zh-Hans"' in refused.text  # the form's address is not a page
    assert "U1" in refused.text  # still signed in
    assert "the request is not valid" not in refused.text  # no developer sentence


def test_a_stale_form_is_refused_with_a_way_back(app, clock, config):
    client = browser(app, clock, config, "U1")
    refused = client.post("/web/me/anti-phishing-code", data={"csrf": "0" * 64, "code": "ABCD"})
    assert refused.status_code == 403 and heading(refused.text) == "The form has expired"
    assert "CSRF_REFUSED" in refused.text


def test_a_page_for_another_role_names_who_is_signed_in(app, clock, config):
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    answer = agent.get("/web/me")
    assert answer.status_code == 403 and heading(answer.text) == "This page is not open to you"
    assert "agent-ada" in answer.text and "Support agent" in answer.text
    assert "/web/tickets?category" not in answer.text  # staff are not sent to the desk form


def test_an_expired_session_says_so_on_the_sign_in_page(app, clock, config):
    client = TestClient(app, base_url="http://127.0.0.1")
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(minutes=5), clock())
    client.get(f"/web/session?token={token}")
    clock.advance(minutes=10)
    answer = client.get("/web/me", follow_redirects=False)
    assert answer.headers["location"] == "/web/sign-in?ended=1"  # the start page: no next
    page = client.get(answer.headers["location"])
    assert 'id="session-ended"' in page.text and "Your session has ended" in page.text
    assert "you will come back to the page you were on" in page.text
    client.cookies.set("lastgate_session", token)  # the same, to the start page's address
    home = client.get("/web", follow_redirects=False)
    assert home.headers["location"] == "/web/sign-in?ended=1"
    never = TestClient(app, base_url="http://127.0.0.1").get("/web/me", follow_redirects=False)
    assert never.headers["location"] == "/web/sign-in"  # no session: nothing ended


def test_an_expired_quote_offers_a_new_one(engine, clock, config):
    import_snapshot(engine, demo_snapshot(clock()))
    app = create_app(config, engine=engine, clock=clock)
    client = browser(app, clock, config, "DEMO-DUST-CONVERT")
    token = csrf(client.get("/web/me").text)
    quote = client.post("/web/me/dust-sweep", data={"csrf": token}).text
    quote_id = re.search(r'name="quote_id" value="([^"]+)"', quote)
    assert quote_id
    clock.advance(hours=1)
    client = browser(app, clock, config, "DEMO-DUST-CONVERT")  # a fresh session
    token = csrf(client.get("/web/me").text)
    expired = client.post(
        "/web/me/dust-sweep/execute",
        data={"csrf": token, "quote_id": quote_id.group(1), "forfeit_consent": "true"},
    )
    assert expired.status_code == 409 and heading(expired.text) == "This quote is no longer valid"
    assert 'action="/web/me/dust-sweep"' in expired.text and "Get a new quote" in expired.text
    assert "/web/tickets?category=closure_blocked" in expired.text
    again = client.post("/web/me/dust-sweep", data={"csrf": csrf(expired.text)})
    assert again.status_code == 200 and 'name="quote_id"' in again.text
    # The quote's address opened again (a reload after it, a bookmark): the card's form.
    reopened = client.get("/web/me/dust-sweep", follow_redirects=False)
    assert reopened.status_code == 303
    assert reopened.headers["location"] == "/web/me#check-DUST_REMAINING"
    assert 'id="check-DUST_REMAINING"' in client.get(reopened.headers["location"]).text


def test_an_unexpected_failure_is_a_page_too(engine, clock, config):
    app = create_app(config, engine=engine, clock=clock)

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/web/broken", broken)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    answer = client.get("/web/broken?lang=zh-Hans")
    assert answer.status_code == 500 and '<html lang="zh-Hans">' in answer.text
    assert "INTERNAL_ERROR" in answer.text and "a bug" not in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_crash_names_its_request_on_the_page_in_the_header_and_in_the_log(engine, clock, config):
    """Support asks for the reference on the page; operators find the crash's log line by
    it: the three must be the same id, though the crash is answered outside the
    middleware that sets it."""
    app = create_app(config, engine=engine, clock=clock)

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/web/broken", broken)
    app.add_api_route("/v1/broken", broken)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    lines: list[dict[str, object]] = []

    class Written(logging.Handler):  # formats as the JSON log does, when it is written
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(JsonFormatter().format(record)))

    errors_log = logging.getLogger("lastgate.platform.http.errors")
    errors_log.addHandler(handler := Written(logging.ERROR))
    try:
        page = client.get("/web/broken", headers={"X-Request-ID": "crash-42"})
    finally:
        errors_log.removeHandler(handler)
    assert page.status_code == 500 and page.headers["x-request-id"] == "crash-42"
    assert '<code class="code">crash-42</code>' in page.text
    crash = [line for line in lines if line["message"] == "http.unhandled_error"]
    assert crash and all(line.get("request_id") == "crash-42" for line in crash)
    api = client.get("/v1/broken")
    assert api.status_code == 500 and api.json()["error"]["code"] == "INTERNAL_ERROR"
    assert len(api.headers["x-request-id"]) == 32  # a fresh id, not the previous one


def test_every_advice_names_a_known_code_and_a_real_ticket_topic():
    codes = {"METHOD_NOT_ALLOWED", "INTERNAL_ERROR"}
    pending = [LastgateError]
    while pending:
        kind = pending.pop()
        codes.add(kind.code)
        pending.extend(kind.__subclasses__())
    assert set(ADVICE) | set(AFTER_FORM) <= codes
    topics = {category.value for category in TicketCategory}
    assert {advice.topic for advice in [*ADVICE.values(), *AFTER_FORM.values()]} <= topics


def test_an_error_without_its_own_advice_takes_its_base_classes():
    class Unheard(NotFound):
        code = "UNHEARD_OF"

    assert advice_for(Unheard("x")) is ADVICE["NOT_FOUND"]
    assert advice_for(Unheard("x"), after_form=True) is AFTER_FORM["NOT_FOUND"]


def test_after_a_form_a_missing_thing_is_what_the_form_names_not_the_page():
    gone = error_view(AccountNotFound("x"), method="POST", url="/web/x", customer=False)
    assert gone.advice.heading == "We cannot find this account" and gone.step is Step.BACK
    page = error_view(AccountNotFound("x"), method="GET", url="/web/x", customer=False)
    assert page.advice is NOT_FOUND_FOR_STAFF  # a missing page, in staff's words


def test_after_a_form_trying_again_means_going_back_and_staff_go_home():
    busy = LastgateError("x")
    busy.code = "SERVICE_UNAVAILABLE"
    assert error_view(busy, method="GET", url="/web/me?x=1", customer=True).href == "/web/me?x=1"
    assert error_view(busy, method="POST", url="/web/me", customer=True).step is Step.BACK
    frozen = LastgateError("x")
    frozen.code = "ALREADY_FROZEN"
    assert error_view(frozen, method="POST", url="/", customer=True).href == "/web/me/settings"
    staff = error_view(frozen, method="POST", url="/", customer=False)
    assert staff.step is Step.HOME and staff.topic == ""


def test_after_a_form_the_language_links_lead_to_the_forms_page(app, clock, config):
    client = browser(app, clock, config, "U1")
    form = csrf(client.get("/web/me/settings").text)
    sent = {"csrf": form, "code": "a b"}
    here = {"referer": "http://127.0.0.1/web/me/settings?done=saved"}
    refused = client.post("/web/me/anti-phishing-code", data=sent, headers=here)
    assert 'href="/web/me/settings?lang=zh-Hans"' in refused.text
    assert 'href="/web/me/anti-phishing-code?lang=' not in refused.text  # not a page
    elsewhere = {"referer": "https://evil.example/web/me/settings"}
    other = client.post("/web/me/anti-phishing-code", data=sent, headers=elsewhere)
    assert 'href="/web/me?lang=zh-Hans"' in other.text  # another site's page: the start page
    switched = client.get("/web/me/settings?lang=zh-Hans")
    assert switched.status_code == 200 and '<html lang="zh-Hans">' in switched.text
    help_form = csrf(client.get("/web/help").text)
    answered = client.post(  # a page that is the answer to a form: the assistant's
        "/web/help/ask",
        data={"csrf": help_form, "question": "Why can I not close?"},
        headers={"referer": "http://127.0.0.1/web/help"},
    )
    assert answered.status_code == 200 and 'href="/web/help?lang=en"' in answered.text
    assert "/web/help/ask?lang=" not in answered.text


def expired_client(app, clock, config) -> tuple[TestClient, str, str]:
    client = TestClient(app, base_url="http://127.0.0.1")
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(minutes=5), clock())
    assert client.get(f"/web/session?token={token}").status_code == 200
    form = csrf(client.get("/web/me/settings").text)
    clock.advance(minutes=10)
    return client, form, token


def test_an_ended_session_signs_in_back_to_the_page_it_was_on(app, clock, config):
    client, form, ended = expired_client(app, clock, config)
    opened = client.get("/web/me/settings", follow_redirects=False)
    assert opened.headers["location"] == "/web/sign-in?ended=1&next=/web/me/settings"
    client.cookies.set("lastgate_session", ended)  # the ended session, for a form too
    sent = client.post(
        "/web/me/anti-phishing-code",
        data={"csrf": form, "code": "ABCD"},
        headers={"referer": "http://127.0.0.1/web/me/settings"},
        follow_redirects=False,
    )
    assert sent.headers["location"] == "/web/sign-in?ended=1&next=/web/me/settings"
    assert client.get(sent.headers["location"]).status_code == 200
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
    back = client.get(f"/web/session?token={token}", follow_redirects=False)
    assert back.headers["location"] == "/web/me/settings"
    again = client.get(f"/web/session?token={token}", follow_redirects=False)
    assert again.headers["location"] == "/web/me"  # the page to come back to is used once


@pytest.mark.parametrize(
    "next_",
    [
        "//evil.example",
        "https://evil.example/web/me",
        "/web//evil.example",
        "/web/\\evil",
        "/web/../evil",
        "/elsewhere",
        "/web/me?x=1",
    ],
)
def test_signing_in_never_leads_off_the_pages(app, clock, config, next_):
    client = TestClient(app, base_url="http://127.0.0.1")
    assert client.get("/web/sign-in", params={"ended": "1", "next": next_}).status_code == 200
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
    answer = client.get(f"/web/session?token={token}", follow_redirects=False)
    assert answer.headers["location"] == "/web/me"


def test_an_ended_session_after_a_form_from_another_site_names_no_page(app, clock, config):
    client, form, _ = expired_client(app, clock, config)
    sent = client.post(
        "/web/me/anti-phishing-code",
        data={"csrf": form, "code": "ABCD"},
        headers={"referer": "https://evil.example/web/me/settings"},
        follow_redirects=False,
    )
    assert sent.headers["location"] == "/web/sign-in?ended=1"


@pytest.mark.parametrize("link", ["/web/closure/bogus", "/web/me/fix/bogus_action"])
def test_a_link_with_a_bad_id_is_the_404_page(app, clock, config, link):
    answer = browser(app, clock, config, "U1").get(link)
    assert answer.status_code == 404 and heading(answer.text) == "We cannot find this page"
    assert "Go back to the form" not in answer.text


def test_balances_changed_says_so_and_leads_to_the_self_check():
    changed = LastgateError("x")
    changed.code = "BALANCES_CHANGED"
    view = error_view(changed, method="POST", url="/web/me/dust-sweep/forfeit", customer=True)
    assert view.advice.heading == "Your balances changed since this page was shown"
    assert "Nothing more was done" in view.advice.what and "quote" not in view.advice.what
    assert view.step is Step.SELF_CHECK and view.href == "/web/me"


def test_a_double_submitted_step_offers_the_page_as_it_is_now(engine, clock, config):
    view = error_view(
        IllegalTransition("x"),
        method="POST",
        url="/web/agent/x",
        customer=False,
        form="/web/agent/requests/R1",
    )
    assert view.step is Step.BACK and view.reopen == "/web/agent/requests/R1"
    assert error_view(IllegalTransition("x"), method="POST", url="/", customer=False).reopen == ""
    got = error_view(IllegalTransition("x"), method="GET", url="/web/x", customer=False)
    assert got.step is Step.AGAIN and got.reopen == ""
    app = create_app(config, engine=engine, clock=clock)

    def approve_twice() -> None:
        raise IllegalTransition("approved already")

    app.router.add_api_route(
        "/web/twice", approve_twice, methods=["POST"], route_class_override=PageRoute
    )
    client = browser(app, clock, config, "agent-ada", Role.AGENT)
    here = {"referer": "http://127.0.0.1/web/agent/requests/R1"}
    answer = client.post("/web/twice", headers=here)
    assert answer.status_code == 409 and heading(answer.text) == "Something changed in the meantime"
    assert 'id="error-reopen" href="/web/agent/requests/R1"' in answer.text
    assert "Go back to the form" in answer.text
    elsewhere = client.post("/web/twice", headers={"referer": "https://evil.example/web/x"})
    assert 'id="error-reopen"' not in elsewhere.text


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_customer_whose_uid_has_no_account_is_told_so_and_can_sign_out(app, clock, config, lang):
    """Signed in (the exchange's token) with a UID lastgate holds no account for: not "we
    cannot find this page, nothing is wrong with your account" with a start-page link
    that leads back to it, but the account named missing and a way out that works."""
    client = TestClient(app, base_url="http://127.0.0.1")
    token = issue_token(config, "NO-SUCH-UID", Role.CUSTOMER, timedelta(hours=1), clock())
    landed = client.get(f"/web/session?token={token}&lang={lang}", headers=HTML)
    assert landed.status_code == 404 and str(landed.url).endswith("/web/me")
    page = landed.text
    assert '<code class="code">ACCOUNT_NOT_FOUND</code>' in page
    if lang == "en":
        assert heading(page) == "We cannot find your account"
        assert "a UID that has no account here" in page
    else:
        assert heading(page) == "找不到您的账户"
    assert "Nothing is wrong with your account" not in page
    assert 'id="error-ticket"' not in page  # a ticket needs an account
    assert 'href="/web">' not in page.split('class="actions"')[1].split("</div>")[0]
    out = client.post("/web/sign-out", data={"csrf": csrf(page)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/web/sign-in"
    assert (
        client.get("/web/me", follow_redirects=False).headers["location"].startswith("/web/sign-in")
    )


def test_only_a_customer_reads_a_missing_account_as_their_own():
    """Staff name other people's accounts: for them a missing account is what they typed."""
    missing = AccountNotFound("no account with UID X")
    staff = error_view(missing, method="GET", url="/web/console", customer=False)
    after_form = error_view(missing, method="POST", url="/web/console", customer=False)
    own = error_view(missing, method="GET", url="/web/me", customer=True)
    assert staff.advice == NOT_FOUND_FOR_STAFF and after_form.advice == AFTER_FORM[missing.code]
    assert own.advice.heading == "We cannot find your account"
    assert (own.step, own.posts, own.href, own.topic) == (Step.SIGN_OUT, True, "/web/sign-out", "")


@pytest.mark.parametrize(
    ("lang", "reference"),
    [("en", "Reference for support: <"), ("zh-Hans", "供客服参考\uff1a<")],
)
def test_a_label_and_its_value_are_spaced_as_the_language_writes_them(
    app, clock, config, lang, reference
):
    """A space after an English colon; none after Chinese's full-width one (``gap``)."""
    page = browser(app, clock, config, "U1").get(f"/web/no-such-page?lang={lang}").text
    assert reference in page
    assert "\uff1a " not in page  # no space after a full-width colon


def test_a_missing_page_does_not_tell_staff_about_their_account(app, clock, config):
    """Staff open other people's tickets and requests: "nothing is wrong with your
    account" is the customer's sentence, not theirs."""
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    answer = agent.get("/web/desk/tickets/00000000-0000-0000-0000-000000000000", headers=HTML)
    assert answer.status_code == 404 and heading(answer.text) == "We cannot find this page"
    assert "your account" not in answer.text
    assert "or what it names no longer exists" in answer.text
