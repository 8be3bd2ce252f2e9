"""Dust in the band between converting and giving up, read as the customer reads it (en,
zh): 10.15 USD of small balances, which converting would turn into 9.947 USDT (still a
small balance), are offered to be given up, not a ticket, and given up they let the account
close. Before, the limit of 10 USD refused them too. On both databases."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from tests.builders import account, load
from tests.web_support import LANGS, blocked, browser, card, csrf
from tests.workflow_support import settings

UID = "U-DUST-BAND"
GIVE_UP = {"en": "Give up these balances", "zh-Hans": "放弃余额"}


@pytest.fixture
def app(engine, clock):
    balances = [
        {"account_type": "funding", "asset": "SHIB", "available": "600000"},  # 6 USD
        {"account_type": "trading", "asset": "DOGE", "available": "41.5"},  # 4.15 USD
    ]
    load(engine, account(UID, balances=balances))
    return create_app(settings(), engine=engine, clock=clock)


@pytest.mark.parametrize("lang", LANGS)
def test_dust_that_would_convert_into_dust_is_given_up_not_sent_to_support(
    app, clock, lang
) -> None:
    client = browser(app, clock, settings(), UID)
    page = client.get(f"/web/me?lang={lang}").text
    dust = card(page, "DUST_REMAINING")
    assert 'data-way="fix"' not in dust and 'data-way="note"' in dust  # 9.947 USDT: dust
    assert 'data-way="ticket"' not in dust
    link = re.search(r'href="/web/me/dust-forfeit" data-way="page">([^<]+)</a>', dust)
    assert link and link.group(1) == GIVE_UP[lang]
    offer = client.get("/web/me/dust-forfeit").text
    assert 'id="forfeit-over-limit"' not in offer and 'name="consent"' in offer
    fields = re.findall(r'name="balance" value="([^"]+)"', offer)
    done = client.post(
        "/web/me/dust-forfeit", data={"csrf": csrf(offer), "balance": fields, "consent": "true"}
    ).text
    assert blocked(done) == set() and 'href="/web/me/close"' in done
