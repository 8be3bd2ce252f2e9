"""The customer's pages in words and formats a person expects, on both databases: a card
headed by its label with the code as a small reference, a fix that cannot be undone asks
first, amounts with their asset and no meaningless zeros, and the flow's steps."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from tests.builders import T0, account, iso, load
from tests.web.test_pages import ORDER
from tests.web_support import browser, csrf
from tests.workflow_support import settings

KEY = {"id": "k1", "kind": "api_key", "label": "grid bot", "created_at": iso(T0)}
DUST = [
    {"account_type": "funding", "asset": "SOL", "available": "0.006000000000000000", "frozen": "0"},
    # With the USDT held, converting the SOL leaves 10.382 USDT: above the line, so offered.
    {"account_type": "funding", "asset": "USDT", "available": "9.5", "frozen": "0"},
]
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1", orders=[ORDER], api_keys=[KEY]), account("U3", balances=DUST))
    return create_app(config, engine=engine, clock=clock)


def _text(html: str) -> str:
    """What a person reads: the markup and the code references left out."""
    html = re.sub(r'<small class="code">[^<]*</small>|<span class="code">[^<]*</span>', "", html)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize(
    ("lang", "heading", "kind"), [("en", "Open orders", "Limit"), ("zh-Hans", "未成交委托", "限价")]
)
def test_a_card_is_headed_by_its_label_and_keeps_its_code_as_a_reference(
    app, clock, config, lang, heading, kind
) -> None:
    page = browser(app, clock, config, "U1").get(f"/web/me?lang={lang}").text
    card = page[page.index('id="check-OPEN_ORDERS"') :]
    assert re.search(rf"<h3>.*{heading}.*<small class=\"code\">OPEN_ORDERS</small></h3>", card)
    assert f"<td>{kind}</td>" in card  # the order's kind as a word, not ``limit``
    assert 'aria-current="step"' in page  # the flow's steps, the self-check current
    assert not ISO.search(_text(page))


def test_revoking_every_api_key_asks_first_and_says_what_will_happen(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    card = client.get("/web/me").text
    assert 'href="/web/me/fix/revoke_api_keys" data-way="confirm"' in card
    assert 'action="/web/me/fix/revoke_api_keys"' not in card  # no one-click revoke

    confirm = client.get("/web/me/fix/revoke_api_keys").text
    assert "loses access to your account at once" in confirm and "grid bot" in confirm
    assert 'id="check-API_KEYS_ACTIVE"' in client.get("/web/me").text  # looking changed nothing
    assert '<li class="check block" id="check-API_KEYS_ACTIVE">' in client.get("/web/me").text

    done = client.post("/web/me/fix/revoke_api_keys", data={"csrf": csrf(confirm)})
    assert "?done=fixed" in str(done.url)
    assert '<li class="check pass" id="check-API_KEYS_ACTIVE">' in done.text
    # Back to the confirmation (the browser's back button): done, so nothing to confirm.
    again = client.get("/web/me/fix/revoke_api_keys").text
    assert 'id="fix-nothing-left"' in again and 'id="fix-confirm"' not in again
    assert 'href="/web/me#check-API_KEYS_ACTIVE">Back to the self-check</a>' in again


def test_a_fix_lastgate_cannot_do_has_no_confirmation_page(app, clock, config) -> None:
    assert browser(app, clock, config, "U1").get("/web/me/fix/withdraw").status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_small_balances_read_with_their_asset_and_value_to_the_cent(
    app, clock, config, lang
) -> None:
    client = browser(app, clock, config, "U3")
    forfeit = client.get(f"/web/me/dust-forfeit?lang={lang}").text
    assert (
        "<td>0.006\u00a0SOL</td>" in forfeit and "<td>0.90\u00a0USD</td>" in forfeit
    )  # at 150 USD
    assert "0.006000000000000000" not in forfeit
    assert 'class="scroll" tabindex="0" role="region" aria-label=' in forfeit
    quote = client.post("/web/me/dust-sweep", data={"csrf": csrf(forfeit)}).text
    assert 'id="new-quote"' in quote and 'action="/web/me/dust-sweep"' in quote
    assert not ISO.search(_text(quote))


def test_an_expired_quote_offers_a_new_quote_from_its_error(app, clock, config) -> None:
    client = browser(app, clock, config, "U3")
    quote = client.post("/web/me/dust-sweep", data={"csrf": csrf(client.get("/web/me").text)})
    quote_id = re.search(r'name="quote_id" value="([^"]+)"', quote.text).group(1)
    clock.advance(minutes=5)  # past the policy's quote_ttl_seconds
    expired = client.post(
        "/web/me/dust-sweep/execute", data={"csrf": csrf(quote.text), "quote_id": quote_id}
    )
    assert expired.status_code >= 400 and 'action="/web/me/dust-sweep"' in expired.text
    again = client.post("/web/me/dust-sweep", data={"csrf": csrf(expired.text)})
    assert again.status_code == 200 and 'name="quote_id"' in again.text
    assert quote_id not in again.text  # a fresh quote
