"""Converting small balances gives up nothing: a token with no price is not part of the
sweep. The quote names it apart, says in plain words that it stays in the account and
still blocks, asks no consent for it; the customer then decides about it on its own, on
the small-balances page. On both databases."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from tests.builders import account, load
from tests.web_support import browser, csrf
from tests.workflow_support import settings

LEFTOVERS = [
    {"account_type": "trading", "asset": "DOGE", "available": "90", "frozen": "0"},  # 9 USD
    {"account_type": "funding", "asset": "SHIB", "available": "300000", "frozen": "0"},  # 3 USD
    {"account_type": "funding", "asset": "LUNC", "available": "15000", "frozen": "0"},
]
KEPT = {
    "en": (
        "Not converted: 15,000\u00a0LUNC.",
        "Converting does not give it up: it stays in your account and still blocks closing.",
    ),
    "zh-Hans": ("不参与兑换：15,000\u00a0LUNC", "兑换不会放弃它"),  # noqa: RUF001
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


def _kept(html: str) -> str:
    match = re.search(r'<p id="sweep-kept">(.*?)</p>', html, flags=re.DOTALL)
    assert match, "the quote does not say what it leaves"
    return match.group(1)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_converting_gives_up_nothing_and_says_the_unpriced_token_stays(
    app, clock, config, lang
) -> None:
    client = browser(app, clock, config, "U3")
    token = csrf(client.get(f"/web/me?lang={lang}").text)
    quote = client.post(f"/web/me/dust-sweep?lang={lang}", data={"csrf": token}).text
    converted = _table(quote, "sweep-lines")
    assert "DOGE" in converted and "LUNC" not in converted
    assert 'id="sweep-given-up"' not in quote and 'name="forfeit_consent"' not in quote
    kept = _kept(quote)
    for words in KEPT[lang]:
        assert words in kept, kept
    assert "15000" not in kept  # the amount as the amount filter writes it

    quote_id = re.search(r'name="quote_id" value="([^"]+)"', quote).group(1)
    done = client.post(
        "/web/me/dust-sweep/execute", data={"csrf": csrf(quote), "quote_id": quote_id}
    ).text
    assert 'class="check block" id="check-DUST_REMAINING"' in done  # LUNC: still there
    offer = client.get("/web/me/dust-forfeit").text  # decided about on its own
    assert re.findall(r'name="balance" value="([^"]+)"', offer) == ["funding|LUNC|15000"]


def test_a_sweep_with_nothing_left_over_says_nothing_about_it(engine, clock, config) -> None:
    load(engine, account("U4", balances=LEFTOVERS[:2]))
    client = browser(create_app(config, engine=engine, clock=clock), clock, config, "U4")
    quote = client.post("/web/me/dust-sweep", data={"csrf": csrf(client.get("/web/me").text)})
    assert quote.status_code == 200
    assert 'name="forfeit_consent"' not in quote.text and 'id="sweep-kept"' not in quote.text


RECEIVED = {
    "en": "You received {net} (fee {fee}) in your funding account.",
    "zh-Hans": "您的资金账户已收到 {net}（手续费 {fee}）。",  # noqa: RUF001
}


def _received(html: str) -> str | None:
    match = re.search(r'<p class="muted" id="swept-received">(.*?)</p>', html, flags=re.DOTALL)
    return match.group(1) if match else None


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_after_the_sweep_the_page_says_what_was_received(engine, clock, config, lang) -> None:
    load(engine, account("U4", balances=LEFTOVERS[:2]), account("U5", balances=LEFTOVERS[:2]))
    app = create_app(config, engine=engine, clock=clock)
    client = browser(app, clock, config, "U4")
    quote = client.post(
        f"/web/me/dust-sweep?lang={lang}", data={"csrf": csrf(client.get("/web/me").text)}
    ).text
    quote_id = re.search(r'name="quote_id" value="([^"]+)"', quote).group(1)
    receive = re.search(r'<p id="sweep-receive">(.*?)</p>', quote).group(1)
    net, fee = re.findall(r"[\d.,]+\u00a0USDT", receive)  # as the quote said them
    # Not executed yet: a link naming the quote says nothing was received.
    assert _received(client.get(f"/web/me?done=swept&quote={quote_id}").text) is None
    answer = client.post(
        "/web/me/dust-sweep/execute",
        data={"csrf": csrf(quote), "quote_id": quote_id},
        follow_redirects=False,
    )
    assert answer.headers["location"] == f"/web/me?done=swept&quote={quote_id}"
    page = client.get(answer.headers["location"] + f"&lang={lang}").text
    assert _received(page) == RECEIVED[lang].format(net=net, fee=fee)
    # Another customer's link to it, or a crafted one, names nothing.
    other = browser(app, clock, config, "U5")
    assert _received(other.get(f"/web/me?done=swept&quote={quote_id}").text) is None
    assert _received(client.get("/web/me?done=swept&quote=" + "0" * 36).text) is None
    assert _received(client.get("/web/me?done=swept&quote=x").text) is None
