"""The dust sweep's consent to give up what has no price names each balance given up (its
amount and asset, as the amount filter writes them) and says it is for good and listed on
the certificate, in the forfeit page's words; the given-up balances are a table of their
own, apart from what is converted. On both databases."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from tests.builders import account, load
from tests.web.test_pages import browser, csrf
from tests.workflow_support import settings

LEFTOVERS = [
    {"account_type": "trading", "asset": "DOGE", "available": "50", "frozen": "0"},
    {"account_type": "funding", "asset": "LUNC", "available": "15000", "frozen": "0"},
]
WORDS = {
    "en": ("I give up 15,000\u00a0LUNC, which has no price, for good.", "certificate will list it"),
    "zh-Hans": ("我永久放弃 15,000\u00a0LUNC", "注销证明"),
}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U3", balances=LEFTOVERS))
    return create_app(config, engine=engine, clock=clock)


def _table(html: str, table_id: str) -> str:
    match = re.search(rf'<table id="{table_id}">.*?</table>', html, flags=re.DOTALL)
    assert match, f"no table {table_id}"
    return match.group(0)


def _consent(html: str) -> str:
    match = re.search(r'<label for="forfeit">(.*?)</label>', html, flags=re.DOTALL)
    assert match, "no consent to give up"
    return match.group(1)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_sweeps_consent_names_what_is_given_up_and_that_it_is_for_good(
    app, clock, config, lang
) -> None:
    client = browser(app, clock, config, "U3")
    token = csrf(client.get(f"/web/me?lang={lang}").text)
    quote = client.post(f"/web/me/dust-sweep?lang={lang}", data={"csrf": token}).text
    consent = _consent(quote)
    for words in WORDS[lang]:
        assert words in consent
    assert "15000" not in consent  # the amount as the amount filter writes it

    converted, given_up = _table(quote, "sweep-lines"), _table(quote, "sweep-given-up")
    assert "DOGE" in converted and "LUNC" not in converted
    assert "LUNC" in given_up and "DOGE" not in given_up
    assert "<caption>" in given_up and _caption(converted) != _caption(given_up)


def _caption(table: str) -> str:
    return re.search(r"<caption>(.*?)</caption>", table).group(1)


def test_a_sweep_with_nothing_to_give_up_asks_no_consent(engine, clock, config) -> None:
    load(engine, account("U4", balances=LEFTOVERS[:1]))
    client = browser(create_app(config, engine=engine, clock=clock), clock, config, "U4")
    quote = client.post("/web/me/dust-sweep", data={"csrf": csrf(client.get("/web/me").text)})
    assert quote.status_code == 200
    assert 'name="forfeit_consent"' not in quote.text and "sweep-given-up" not in quote.text
