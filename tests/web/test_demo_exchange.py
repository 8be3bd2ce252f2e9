"""The demo's exchange on the demo sign-in page, through HTTP on both databases: a deposit
on its way arrives (completed, its amount in the funding account) and an asset above the
line is withdrawn (its available amount, recorded as a completed withdrawal), each by the
signed-in customer, audited as a demo action; the section names what it acts on, shows
only what there is, and exists only with ``demo_login`` on."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lastgate.demo.exchange import ASSETS_WITHDRAWN, DEPOSITS_ARRIVED
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db.audit_tables import audit_log
from tests.builders import T0, account, iso, load
from tests.web.test_demo_clock import browser
from tests.web_support import blocked, csrf
from tests.workflow_support import settings

DEPOSIT = {
    "id": "X-1", "direction": "deposit", "asset": "DOGE", "amount": "30", "status": "confirming",
    "created_at": iso(T0 - timedelta(minutes=5)),
    "expected_completion_at": iso(T0 + timedelta(hours=1)),
}  # fmt: skip
USDT = {"account_type": "funding", "asset": "USDT", "available": "11.76", "frozen": "0.5"}


@pytest.fixture
def config():
    return settings().model_copy(update={"demo_login": True})


@pytest.fixture
def accounts(engine):
    load(engine, account("U1", transfers=[DEPOSIT], balances=[USDT]), account("U2"))


def post(client, path: str):
    token = csrf(client.get("/web/demo-login").text)
    return client.post(path, data={"csrf": token}, follow_redirects=False)


def actions(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(audit_log.c.action).where(audit_log.c.actor == "U1")))


def test_a_deposit_arrives_and_an_asset_is_withdrawn(engine, clock, config, accounts) -> None:
    client = browser(engine, clock, config, "U1")
    page = client.get("/web/demo-login").text
    assert 'id="demo-deposits"' in page and "30\u00a0DOGE" in page
    assert 'id="demo-withdraw"' in page and "11.76\u00a0USDT" in page
    arrived = post(client, "/web/demo-login/exchange/deposits-arrive")
    assert arrived.headers["location"] == "/web/me?done=demo_deposit_arrived"  # one deposit
    withdrawn = post(client, "/web/demo-login/exchange/withdraw")
    assert withdrawn.status_code == 303
    with engine.connect() as conn:
        b = ledger.balances.c
        held = {
            r.asset: (r.available, r.frozen)
            for r in conn.execute(select(b.asset, b.available, b.frozen))
        }
        t = ledger.transfers.c
        moves = sorted(conn.execute(select(t.direction, t.asset, t.amount, t.status)).all())
    assert held["DOGE"][0] == 30 and held["USDT"] == (0, Decimal("0.5"))  # the frozen part stays
    assert [tuple(m) for m in moves] == [
        ("deposit", "DOGE", 30, "completed"),
        ("withdrawal", "USDT", Decimal("11.76"), "completed"),
    ]
    assert actions(engine)[-2:] == [DEPOSITS_ARRIVED, ASSETS_WITHDRAWN]
    assert blocked(client.get("/web/me").text) == {"DUST_REMAINING"}  # 3 USD of DOGE, 0.5 USDT


def test_nothing_to_do_there_shows_no_exchange(engine, clock, config, accounts) -> None:
    assert (
        'id="demo-exchange"' not in browser(engine, clock, config, "U2").get("/web/demo-login").text
    )


def test_outside_the_demo_the_exchange_is_not_there(engine, clock, config, accounts) -> None:
    off = config.model_copy(update={"demo_login": False})
    client = browser(engine, clock, off, "U1")
    answer = client.post("/web/demo-login/exchange/deposits-arrive", follow_redirects=False)
    assert answer.status_code == 404
    with engine.connect() as conn:
        assert conn.scalar(select(ledger.transfers.c.status)) == "confirming"


def test_a_locked_or_collateral_balance_is_not_offered_for_withdrawal(engine, clock, config):
    """What is left once the available part is out is locked (it stays, as it would), and
    a margin balance backs a loan: neither is offered, so the page never offers "0 BTC"
    again and again, and the card no longer leads to the demo exchange."""
    balances = [
        {"account_type": "funding", "asset": "BTC", "available": "0", "frozen": "0.05"},
        {"account_type": "margin", "asset": "USDT", "available": "4000", "frozen": "0"},
    ]
    load(engine, account("U3", balances=balances))
    client = browser(engine, clock, config, "U3")
    assert 'id="demo-withdraw"' not in client.get("/web/demo-login").text
    page = client.get("/web/me").text
    assert "ASSETS_REMAINING" in blocked(page)
    assert 'id="demo-hint-ASSETS_REMAINING"' not in page
