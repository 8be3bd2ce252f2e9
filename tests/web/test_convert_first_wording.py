# ruff: noqa: RUF001 - the Chinese words hold full-width punctuation
"""The small-balances page offers converting first in words counted by the balances a
sweep would convert: one ("Convert one balance first?"), or several ("Convert them
first?"), through HTTP on both databases, in English and Chinese."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from tests.builders import account, load
from tests.web_support import LANGS, browser, text
from tests.workflow_support import settings

ACCOUNTS = [
    account(  # 8 USDT, the sweep's target, and 5 USD of DOGE: one balance is converted
        "U-ONE-TO-CONVERT",
        balances=[
            {"account_type": "funding", "asset": "USDT", "available": "8"},
            {"account_type": "trading", "asset": "DOGE", "available": "50"},
        ],
    ),
    account(  # 9 USD of SHIB and 5 USD of DOGE: both are converted
        "U-TWO-TO-CONVERT",
        balances=[
            {"account_type": "funding", "asset": "SHIB", "available": "900000"},
            {"account_type": "trading", "asset": "DOGE", "available": "50"},
        ],
    ),
]
HEADING = {
    "en": {
        "U-ONE-TO-CONVERT": "Convert one balance first?",
        "U-TWO-TO-CONVERT": "Convert them first?",
    },
    "zh-Hans": {"U-ONE-TO-CONVERT": "先兑换吗？", "U-TWO-TO-CONVERT": "先兑换吗？"},
}
SAID = {
    "en": {
        "U-ONE-TO-CONVERT": "One balance listed here can still be converted",
        "U-TWO-TO-CONVERT": "Some of them can still be converted",
    },
    "zh-Hans": {
        "U-ONE-TO-CONVERT": "仍可兑换为同一种资产",
        "U-TWO-TO-CONVERT": "仍可兑换为同一种资产",
    },
}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, *ACCOUNTS)
    return create_app(config, engine=engine, clock=clock)


@pytest.mark.parametrize("uid", ["U-ONE-TO-CONVERT", "U-TWO-TO-CONVERT"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_offer_to_convert_first_is_counted(app, clock, config, lang, uid) -> None:
    page = browser(app, clock, config, uid).get(f"/web/me/dust-forfeit?lang={lang}").text
    offer = re.search(
        r'<section class="offer" aria-labelledby="convert-first">(.*?)</section>',
        page,
        flags=re.DOTALL,
    )
    assert offer, "the sweep is not offered first"
    heading = text(re.search(r'<h2 id="convert-first">(.*?)</h2>', offer.group(1)).group(1))
    assert heading.strip() == HEADING[lang][uid]
    assert SAID[lang][uid] in text(offer.group(1))
    other = next(u for u in HEADING["en"] if u != uid)
    if lang == "en":
        assert HEADING[lang][other] not in page and SAID[lang][other] not in page
