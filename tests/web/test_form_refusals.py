"""Form refusals a customer can get out of: a field refused for an invisible (control)
character is named on the error page; a form sent after its session ended (signed out in
another tab) leads to the sign-in page that says so, not to the expired-form page."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from lastgate.kernel.i18n import SIMPLIFIED_CHINESE, translations
from lastgate.platform.web.error_advice import INVISIBLE_IN_FIELD
from lastgate.platform.web.refused_fields import FIELD_LABELS
from tests.builders import account, load
from tests.web_support import browser, csrf, heading
from tests.workflow_support import settings

FORM = "http://127.0.0.1"


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"))
    return create_app(config, engine=engine, clock=clock)


def _ticket(client, **fields: str):
    token = csrf(client.get("/web/tickets").text)
    data = {"csrf": token, "category": "other", "subject": "Hello", "body": "Hi", **fields}
    return client.post("/web/tickets", data=data, headers={"referer": f"{FORM}/web/tickets"})


@pytest.mark.parametrize("character", ["\x1b", "\x07", "\x85"])
def test_an_invisible_character_is_named_with_the_fields_label(app, clock, config, character):
    client = browser(app, clock, config, "U1")
    refused = _ticket(client, subject=f"Cannot{character} close")
    assert refused.status_code == 422
    assert heading(refused.text) == "An invisible character was in the form"
    assert "“Subject” held an invisible character, often carried along with copied text" in (
        refused.text
    )
    assert "It has been taken out of the form" in refused.text
    assert "data-back" in refused.text and "INVALID_INPUT" in refused.text
    assert "Something in the form is not right" not in refused.text


def test_the_named_field_reads_in_chinese(app, clock, config):
    client = browser(app, clock, config, "U1")
    client.get("/web/tickets?lang=zh-Hans")
    refused = _ticket(client, body="无法\x1b注销")
    catalog = translations(SIMPLIFIED_CHINESE)
    label = catalog.gettext("Your message")
    assert label != "Your message" and label in refused.text
    assert catalog.gettext(INVISIBLE_IN_FIELD.heading) == heading(refused.text)
    assert heading(refused.text) != INVISIBLE_IN_FIELD.heading
    assert not re.search(r"[A-Za-z]{4,}", heading(refused.text))


def test_invisible_characters_in_two_fields_are_told_in_general(app, clock, config):
    client = browser(app, clock, config, "U1")
    refused = _ticket(client, subject="a\x1bb", body="c\x07d")
    assert heading(refused.text) == "An invisible character was in the form"
    assert "A field held an invisible character" in refused.text


def test_other_invalid_input_still_reads_as_before(app, clock, config):
    client = browser(app, clock, config, "U1")
    refused = _ticket(client, category="no-such-topic")
    assert refused.status_code == 422
    assert heading(refused.text) == "Something in the form is not right"


def test_every_named_field_has_that_label_on_its_form(app, clock, config):
    client = browser(app, clock, config, "U1")
    opened = _ticket(client)
    assert opened.status_code == 200, opened.text
    ticket_page = opened.text
    pages = {
        "/web/me/close": client.get("/web/me/close").text,
        "/web/tickets": client.get("/web/tickets").text,
        "/web/tickets/{ticket_id}/reply": ticket_page,
        "/web/help/ask": client.get("/web/help").text,
        "/web/help/handoff": client.get("/web/help").text,
    }
    for (route, name), label in FIELD_LABELS.items():
        html = pages[route]
        action = re.escape(route).replace(r"\{ticket_id\}", '[^/"]+')
        form = re.search(rf'<form[^>]*action="{action}".*?</form>', html, re.S)
        assert form, route
        field = re.search(rf'<(?:input|textarea)[^>]*id="([^"]+)"[^>]*name="{name}"', form[0])
        assert field, (route, name)
        assert f'<label for="{field[1]}">{label}</label>' in form[0], (route, name)


def test_a_form_sent_after_signing_out_elsewhere_leads_to_the_sign_in_page(app, clock, config):
    client = browser(app, clock, config, "U1")
    token = csrf(client.get("/web/help").text)
    client.post("/web/sign-out", data={"csrf": token})  # another tab: the cookie is gone
    assert "lastgate_session" not in client.cookies
    sent = client.post(
        "/web/help/ask",
        data={"csrf": token, "question": "Why can I not close?"},
        headers={"referer": f"{FORM}/web/help"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/web/sign-in?ended=1&next=/web/help"
    page = client.get(sent.headers["location"])
    assert 'id="session-ended"' in page.text and "Your session has ended" in page.text
    assert "The form has expired" not in page.text


def test_a_revoked_session_cookie_leads_to_the_sign_in_page_too(app, clock, config):
    client = browser(app, clock, config, "U1")
    session = client.cookies["lastgate_session"]
    token = csrf(client.get("/web/help").text)
    client.post("/web/sign-out", data={"csrf": token})
    client.cookies.set("lastgate_session", session)  # a copy kept from before
    sent = client.post(
        "/web/help/ask", data={"csrf": token, "question": "close"}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/web/sign-in?ended=1"


def test_a_post_without_a_session_or_a_form_token_is_only_asked_to_sign_in(app):
    client = browser(app, None, None)
    sent = client.post("/web/help/ask", data={"question": "close"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/web/sign-in"


def test_an_upload_sent_after_signing_out_leads_to_the_sign_in_page(app, clock, config):
    client = browser(app, clock, config, "U1")
    token = csrf(client.get("/web/help").text)
    client.post("/web/sign-out", data={"csrf": token})
    sent = client.post(  # a browser says which site's page sent the form
        "/web/tickets/T1/attachments",
        files={"file": ("a.png", b"\x89PNG", "image/png")},
        data={"csrf": token, "purpose": "other"},
        headers={"Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/web/sign-in?ended=1")


def test_an_upload_in_a_live_session_without_the_forms_token_is_refused(app, clock, config):
    """The gate lets a same-origin upload in on its session; the route then checks the
    token in the body, as for every form."""
    client = browser(app, clock, config, "U1")
    sent = client.post(
        "/web/tickets/T1/attachments",
        files={"file": ("a.png", b"\x89PNG", "image/png")},
        data={"csrf": "0" * 64, "purpose": "other"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert sent.status_code == 403 and heading(sent.text) == "The form has expired"


def test_a_stale_form_in_a_live_session_still_reads_as_expired(app, clock, config):
    client = browser(app, clock, config, "U1")
    refused = client.post("/web/help/ask", data={"csrf": "0" * 64, "question": "close"})
    assert refused.status_code == 403 and heading(refused.text) == "The form has expired"


def test_signing_out_again_in_a_second_tab_lands_on_the_sign_in_page(app, clock, config):
    client = browser(app, clock, config, "U1")
    token = csrf(client.get("/web/me").text)
    first = client.post("/web/sign-out", data={"csrf": token}, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/web/sign-in"
    client.get("/web/sign-in")  # the first tab shows the sign-in page (a visitor's cookie)
    again = client.post("/web/sign-out", data={"csrf": token}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/web/sign-in"


def test_signing_out_still_needs_the_sessions_form_token(app, clock, config):
    client = browser(app, clock, config, "U1")
    refused = client.post("/web/sign-out", data={"csrf": "0" * 64})
    assert refused.status_code == 403 and heading(refused.text) == "The form has expired"
    assert client.get("/web/me", follow_redirects=False).status_code == 200  # still signed in


def test_every_named_field_is_named_on_its_own_forms_refusal(app, clock, config):
    """Each form of ``FIELD_LABELS`` refused for an invisible character names the field:
    the route the app matched is the one the table is keyed by (a router nested under
    another's prefix matches by its own path, and the label was lost)."""
    client = browser(app, clock, config, "U1")
    ticket = re.search(r'action="(/web/tickets/[^/"]+)/reply"', _ticket(client).text)
    assert ticket
    for (route, name), label in FIELD_LABELS.items():
        path = route.replace("/web/tickets/{ticket_id}", ticket[1])
        page = client.get(path.rsplit("/", 1)[0] if "reply" in path else "/web/help").text
        fields = {"category": "other", "subject": "s", "body": "b", "reason": "no_longer_needed"}
        data = {"csrf": csrf(page), **fields, name: "why\x1b not"}
        refused = client.post(path, data=data, headers={"referer": f"{FORM}{path}"})
        assert refused.status_code == 422, (route, refused.status_code)
        assert f"“{label}” held an invisible character" in refused.text, route
