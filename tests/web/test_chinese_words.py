"""Chinese words read as a person reads them, through the real app on both databases: an
active sub-account is 生效中 (in force), not 进行中 (in progress); one small balance is not
called 它们 (them), zh having one form for one and many; an order the exchange rejected
is said so, apart from a rejected closure (驳回)."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from lastgate.demo.customers import demo_snapshot
from lastgate.kernel.present.labels import label
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.builders import account, load
from tests.web_support import browser, card, text
from tests.workflow_support import settings


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    import_snapshot(engine, demo_snapshot(clock()))
    return create_app(config, engine=engine, clock=clock)


def test_an_active_sub_account_is_in_force_not_in_progress(app, clock, config) -> None:
    page = browser(app, clock, config, "DEMO-SUB-ACCOUNTS").get("/web/me?lang=zh-Hans").text
    said = text(card(page, "SUB_ACCOUNTS_OPEN"))
    assert "生效中" in said and "进行中" not in said


def test_one_small_balance_is_not_called_them(app, engine, clock, config) -> None:
    load(
        engine,
        account(
            "U-ONE", balances=[{"account_type": "funding", "asset": "DOGE", "available": "3.5"}]
        ),
    )
    page = browser(app, clock, config, "U-ONE").get("/web/me/dust-forfeit?lang=zh-Hans").text
    assert "这 1 笔小额资产金额过小" in page and "它们" not in page.split("<main")[1]


def test_an_order_the_exchange_rejected_is_not_a_rejected_closure() -> None:
    """One English word, two decisions: the exchange refusing an order (拒绝) and our
    team rejecting a closure request (驳回, as every closure sentence says)."""
    assert label("value", "rejected", "en") == "Rejected by the exchange"
    assert label("value", "rejected", "zh_Hans") == "被交易所拒绝"
    assert label("closure_state", "rejected", "zh_Hans") == "已驳回"
