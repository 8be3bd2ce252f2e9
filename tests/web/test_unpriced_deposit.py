"""A deposit on its way in a token with no market price, read as the customer reads it (en,
zh): its card and the small-balances page say its value is unknown and that it can be
given up once it lands, never "worth at most 10 USD" nor "convert it"; once it has landed
the page is headed by the one balance it lists. On both databases."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from tests.builders import account, load
from tests.web.test_card_remedies import deposit, land
from tests.web_support import LANGS, blocked, browser, card, text
from tests.workflow_support import settings

UID = "U-LUNC-DEPOSIT"
CARD = {
    "en": "Its asset has no market price, so its value is unknown and it cannot be converted",
    "zh-Hans": "该资产没有市场价格，因此价值未知，也无法兑换",  # noqa: RUF001
}
ARRIVING = {
    "en": "Your deposit of 15,000 LUNC is still on its way. Its asset has no market "
    "price, so its value is unknown: once it arrives it is listed here, and you can give it up.",
    "zh-Hans": "您的 15,000 LUNC 充值仍在途中。该资产没有市场价格，因此价值未知：到账后会列在此页，"  # noqa: RUF001
    "您可以将其放弃。",
}
HEADING = {"en": "<h1>Give up this balance</h1>", "zh-Hans": "<h1>放弃余额</h1>"}
NOTHING_YET = {"en": "<h1>Small balances</h1>", "zh-Hans": "<h1>小额资产</h1>"}


@pytest.fixture
def app(engine, clock):
    load(engine, account(UID, transfers=[deposit("LD-1", "LUNC", "15000")]), prices={"BTC": "1"})
    return create_app(settings(), engine=engine, clock=clock)


@pytest.mark.parametrize("lang", LANGS)
def test_an_unpriced_deposit_is_said_to_have_no_price_until_and_after_it_lands(
    app, clock, engine, lang
) -> None:
    client = browser(app, clock, settings(), UID)
    page = client.get(f"/web/me?lang={lang}").text
    assert blocked(page) == {"DEPOSIT_PENDING"}
    words = text(card(page, "DEPOSIT_PENDING"))
    assert CARD[lang] in words, words
    assert "10 USD" not in words  # no value it does not have
    waiting = client.get("/web/me/dust-forfeit").text
    assert NOTHING_YET[lang] in waiting  # nothing to give up yet: not "give up"
    assert ARRIVING[lang] in text(waiting)  # (text() reads a no-break space as a space)
    assert 'id="dust-arriving"' not in waiting  # not the small balances' sentence

    land(engine, UID, "LD-1")
    assert blocked(client.get("/web/me").text) == {"DUST_REMAINING"}
    settled = client.get("/web/me/dust-forfeit").text
    assert HEADING[lang] in settled and 'name="consent"' in settled
