# ruff: noqa: RUF001 - the Chinese words hold full-width punctuation
"""Small balances worth more together than may be given up: the card's text names giving
them up as a way, so the card says why no such button is there, with both figures (14.00
USD, over the 10.21 USD limit), and offers the sweep. Before, it named giving up and
offered only converting, and the forfeit page's "What to do instead" led back to a card
that still said "or give them up". Through HTTP on both databases, in English and
Chinese."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from tests.builders import account, load
from tests.web_support import LANGS, browser, card
from tests.workflow_support import settings

UID = "U-DUST-OVER-LIMIT"
SAID = {
    "en": "Giving them up is not offered here: together these balances are worth 14.00\xa0USD, "
    "more than the 10.21\xa0USD that may be given up at once.",
    "zh-Hans": "此处不提供放弃：这些余额合计价值 14.00\xa0USD，超过一次可放弃的上限 10.21\xa0USD。",
}


@pytest.fixture
def app(engine, clock):
    balances = [
        {"account_type": "funding", "asset": "SHIB", "available": "900000"},  # 9 USD
        {"account_type": "trading", "asset": "DOGE", "available": "50"},  # 5 USD
    ]
    load(engine, account(UID, balances=balances))
    return create_app(settings(), engine=engine, clock=clock)


@pytest.mark.parametrize("lang", LANGS)
def test_the_card_says_why_giving_up_is_not_offered_and_offers_the_sweep(app, clock, lang) -> None:
    client = browser(app, clock, settings(), UID)
    dust = card(client.get(f"/web/me?lang={lang}").text, "DUST_REMAINING")
    assert f'<p data-way="note" id="forfeit-over-limit">{SAID[lang]}</p>' in dust
    assert 'action="/web/me/dust-sweep" data-way="fix"' in dust
    assert 'href="/web/me/dust-forfeit"' not in dust and 'data-way="ticket"' not in dust
    offer = client.get("/web/me/dust-forfeit").text
    assert 'id="forfeit-over-limit"' in offer and 'name="consent"' not in offer
