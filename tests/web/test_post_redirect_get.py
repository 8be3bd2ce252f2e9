"""Post/Redirect/Get for the two forms that make something: the dust sweep's quote and the
authenticator's set-up. The POST makes it and answers 303 to a page that shows it, so a
reload, Back or Forward shows the same quote, the same key, and never makes a new one;
the page shows only the customer's own; confirming still works after a reload. On both
databases."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import func, select

from lastgate.app.api import create_app
from lastgate.closure.adapters.tables import second_factors
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.secret_box import SecretBox
from lastgate.remediation.adapters.tables import dust_quotes
from tests.builders import account, load
from tests.web_support import browser, csrf, heading
from tests.workflow_support import settings

BALANCES = [
    {"account_type": "trading", "asset": "DOGE", "available": "90", "frozen": "0"},  # 9 USD
    {"account_type": "funding", "asset": "SHIB", "available": "300000", "frozen": "0"},
    {"account_type": "funding", "asset": "LUNC", "available": "15000", "frozen": "0"},
]
QUOTE_PAGE = re.compile(r"^/web/me/dust-sweep/([0-9a-f-]{36})$")
NO_LONGER_VALID = "This quote is no longer valid"


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U3", balances=BALANCES), account("U5", balances=BALANCES))
    return create_app(config, engine=engine, clock=clock)


def quotes(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(dust_quotes)).scalar_one()


def shown(html: str) -> tuple[str, ...]:
    """What the quote page says of the quote: its id, what it converts, what the customer
    receives, what it leaves."""
    found = [
        re.search(r'name="quote_id" value="([^"]+)"', html),
        re.search(r'<table id="sweep-lines">.*?</table>', html, re.S),
        re.search(r'<p id="sweep-receive">.*?</p>', html, re.S),
        re.search(r'<p id="sweep-result">.*?</p>', html, re.S),
        re.search(r'<p id="sweep-kept">.*?</p>', html, re.S),
    ]
    assert all(found), "the quote page does not say all it should"
    return tuple(m.group(0) for m in found if m)


def ask_for_a_quote(client, lang: str = "en") -> tuple[str, str]:
    """Post the card's form: its answer's address, and the quote's id."""
    token = csrf(client.get(f"/web/me?lang={lang}").text)
    answer = client.post("/web/me/dust-sweep", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303
    match = QUOTE_PAGE.match(answer.headers["location"])
    assert match, answer.headers["location"]
    return answer.headers["location"], match.group(1)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_quote_is_a_page_a_reload_shows_again_then_confirms(engine, app, clock, config, lang):
    client = browser(app, clock, config, "U3")
    address, quote_id = ask_for_a_quote(client, lang)
    first = client.get(address)
    again = client.get(address)  # a reload, or Back then Forward
    assert first.status_code == again.status_code == 200
    assert shown(first.text) == shown(again.text) and quote_id in shown(again.text)[0]
    assert quotes(engine) == 1  # no new quote for opening it again
    # Confirmed from the reloaded page: converted, and the self-check says what was received.
    done = client.post(
        "/web/me/dust-sweep/execute",
        data={"csrf": csrf(again.text), "quote_id": quote_id},
        follow_redirects=False,
    )
    assert done.headers["location"] == f"/web/me?done=swept&quote={quote_id}"
    # Back to the quote after converting: what it converted, never the quote's button again.
    back = client.get(address, follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == done.headers["location"]
    assert 'id="swept-received"' in client.get(address).text
    assert quotes(engine) == 1


def test_another_customers_quote_is_not_found(app, clock, config):
    address, _ = ask_for_a_quote(browser(app, clock, config, "U3"))
    other = browser(app, clock, config, "U5").get(address)
    assert other.status_code == 404 and "QUOTE_NOT_FOUND" in other.text
    assert heading(other.text) == NO_LONGER_VALID and 'name="quote_id"' not in other.text
    unknown = browser(app, clock, config, "U3").get("/web/me/dust-sweep/" + "0" * 36)
    assert unknown.status_code == 404 and 'name="quote_id"' not in unknown.text


def test_an_expired_quotes_page_says_so_and_offers_a_new_quote(engine, app, clock, config):
    client = browser(app, clock, config, "U3")
    address, quote_id = ask_for_a_quote(client)
    clock.advance(minutes=5)  # past the policy's quote_ttl_seconds
    expired = client.get(address)
    assert expired.status_code == 409 and "QUOTE_EXPIRED" in expired.text
    assert heading(expired.text) == NO_LONGER_VALID and 'name="quote_id"' not in expired.text
    assert 'action="/web/me/dust-sweep"' in expired.text  # "Get a new quote"
    assert quotes(engine) == 1
    new = client.post("/web/me/dust-sweep", data={"csrf": csrf(expired.text)})
    assert new.status_code == 200 and QUOTE_PAGE.match(new.url.path)
    assert quote_id not in new.url.path and quotes(engine) == 2


# -- the authenticator's set-up ------------------------------------------------------------


def secret_of(html: str) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)
    assert match, "the page shows no key"
    return match.group(1)


def qr_of(html: str) -> str:
    match = re.search(r'<figure class="qr">.*?</figure>', html, re.S)
    assert match, "the page shows no QR code"
    return match.group(0)


def set_up(client) -> str:
    """Post the settings' set-up form; the address it answers with."""
    token = csrf(client.get("/web/me/settings").text)
    answer = client.post("/web/me/authenticator", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/web/me/authenticator"
    return answer.headers["location"]


def test_a_reload_of_the_set_up_shows_the_same_key_sealed_then_confirms(engine, app, clock, config):
    client = browser(app, clock, config, "U3")
    address = set_up(client)
    first, again = client.get(address).text, client.get(address).text
    assert secret_of(first) == secret_of(again) and qr_of(first) == qr_of(again)
    secret = secret_of(again)
    with engine.connect() as conn:
        stored = conn.execute(select(second_factors.c.secret)).scalar_one()
    assert secret not in stored and stored.startswith("sb1.")  # sealed, never in clear
    assert SecretBox.from_settings(config).open_(stored, context=b"second_factors.secret:U3") == (
        secret.encode()
    )
    # Another customer's set-up address shows their own (none): never this key.
    other = browser(app, clock, config, "U5").get(address, follow_redirects=False)
    assert other.status_code == 303 and other.headers["location"] == "/web/me/settings#totp"
    confirmed = client.post(
        "/web/me/authenticator/confirm",
        data={"csrf": csrf(again), "code": pyotp.TOTP(secret).at(clock())},
    )
    assert "done=authenticator" in str(confirmed.url) and 'id="totp-status"' in confirmed.text
    after = client.get(address, follow_redirects=False)  # Back, once confirmed: no key
    assert after.status_code == 303 and after.headers["location"] == "/web/me/settings#totp"


def test_only_the_set_up_form_replaces_the_key(app, clock, config):
    client = browser(app, clock, config, "U3")
    old = secret_of(client.get(set_up(client)).text)
    new = secret_of(client.get(set_up(client)).text)  # asked for again, on purpose
    assert new != old and secret_of(client.get("/web/me/authenticator").text) == new
    page = client.get("/web/me/authenticator").text
    refused = client.post(
        "/web/me/authenticator/confirm",
        data={"csrf": csrf(page), "code": pyotp.TOTP(old).at(clock())},
    )
    assert refused.status_code == 422 and "VERIFICATION_FAILED" in refused.text
    confirmed = client.post(
        "/web/me/authenticator/confirm",
        data={"csrf": csrf(page), "code": pyotp.TOTP(new).at(clock())},
    )
    assert "done=authenticator" in str(confirmed.url)


def test_the_convert_form_sent_twice_converts_once_and_both_say_what_was_received(
    engine, app, clock, config
):
    """A double click or a resubmission of the confirm form: not "this quote is no longer
    valid, nothing was converted" (the first did convert), but the same converted note."""
    client = browser(app, clock, config, "U3")
    address, quote_id = ask_for_a_quote(client)
    form = {"csrf": csrf(client.get(address).text), "quote_id": quote_id}
    first = client.post("/web/me/dust-sweep/execute", data=form, follow_redirects=False)
    with engine.connect() as conn:
        after_first = sorted(conn.execute(select(ledger.balances)).all())
    second = client.post("/web/me/dust-sweep/execute", data=form, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    with engine.connect() as conn:
        assert sorted(conn.execute(select(ledger.balances)).all()) == after_first  # converted once
    assert 'id="swept-received"' in client.get(second.headers["location"]).text
