"""In the demo only, the self-check's cards the demo exchange acts on lead to it: the
deposit on its way (DEPOSIT_PENDING) and the balance above the line (ASSETS_REMAINING)
link to the demo sign-in page's exchange section, in English and in Chinese, on both
databases; with nothing there to do, no link; with ``demo_login`` off (production), never.
"""

from __future__ import annotations

import re

from lastgate.demo.exchange import DEMO_EXCHANGE
from tests.builders import account, load
from tests.web.test_demo_clock import browser
from tests.web.test_demo_exchange import DEPOSIT, USDT, accounts, config, post

__all__ = ["accounts", "config"]
HINT = re.compile(r'id="demo-hint-([A-Z_]+)">(.*?)</p>', re.S)


def hints(html: str) -> dict[str, str]:
    return dict(HINT.findall(html))


def test_the_cards_lead_to_the_demo_exchange(engine, clock, config, accounts) -> None:
    client = browser(engine, clock, config, "U1")
    en = hints(client.get("/web/me").text)
    assert set(en) == {"DEPOSIT_PENDING", "ASSETS_REMAINING"}
    assert all(f'href="{DEMO_EXCHANGE}">Go to the demo exchange</a>' in h for h in en.values())
    zh = hints(client.get("/web/me?lang=zh-Hans").text)
    assert set(zh) == set(en)
    assert all("前往演示交易所</a>" in h and "演示" in h.split("<a")[0] for h in zh.values())
    # The section it leads to is there, with what the cards say it does.
    demo_page = client.get("/web/demo-login?lang=en").text
    assert 'id="demo-exchange"' in demo_page and 'id="demo-withdraw"' in demo_page
    # Once the deposit has arrived, only the balance's card leads there.
    arrived = post(client, "/web/demo-login/exchange/deposits-arrive")
    assert arrived.headers["location"] == "/web/me?done=demo_deposit_arrived"  # one deposit
    after = client.get("/web/me?done=demo_deposit_arrived&lang=en").text
    assert "Your deposit has arrived." in after and "deposits have" not in after
    assert set(hints(after)) == {"ASSETS_REMAINING"}
    assert "您的充值已到账。" in client.get("/web/me?done=demo_deposit_arrived&lang=zh-Hans").text
    post(client, "/web/demo-login/exchange/withdraw")
    assert hints(client.get("/web/me").text) == {}


def test_nothing_to_do_there_no_link(engine, clock, config, accounts) -> None:
    page = browser(engine, clock, config, "U2").get("/web/me").text
    assert hints(page) == {} and "/web/demo-login" not in page


def test_never_outside_the_demo(engine, clock, config) -> None:
    load(engine, account("U1", transfers=[DEPOSIT], balances=[USDT]))
    off = config.model_copy(update={"demo_login": False})  # as `lastgate serve` runs
    client = browser(engine, clock, off, "U1")
    for lang in ("en", "zh-Hans"):
        page = client.get(f"/web/me?lang={lang}").text
        assert 'id="check-DEPOSIT_PENDING"' in page and 'id="check-ASSETS_REMAINING"' in page
        assert hints(page) == {} and "/web/demo-login" not in page


def test_two_deposits_arrive_in_the_plural(engine, clock, config) -> None:
    second = DEPOSIT | {"id": "X-2", "amount": "40"}
    load(engine, account("U1", transfers=[DEPOSIT, second]))
    client = browser(engine, clock, config, "U1")
    arrived = post(client, "/web/demo-login/exchange/deposits-arrive")
    assert arrived.headers["location"] == "/web/me?done=demo_deposits_arrived"
    page = client.get("/web/me?done=demo_deposits_arrived&lang=en").text
    assert "Your deposits have arrived." in page
