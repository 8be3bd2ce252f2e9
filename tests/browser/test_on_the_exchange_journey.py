"""DEMO-POSITIONS walked to a closed account, in the browser, in English and in Chinese:
the open position's card says it is closed on the exchange (lastgate has no page for it)
and offers support besides, not support alone; once the exchange's next snapshot shows
the position closed, the self-check lets the customer close, and the closure ends with a
certificate that verifies."""

from __future__ import annotations

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import VIEWPORT, follow
from tests.browser.test_demo_clock_journey import (
    closed_and_certified,
    config,
    request_with_authenticator,
    signed_in_on_the_demo_page,
    worker,
)
from tests.browser.test_dust_journey import blocked

__all__ = ["config", "worker"]
UID = "DEMO-POSITIONS"
SAID = {
    "en": "Positions are closed in the exchange's own app or website, not on these pages",
    "zh-Hans": "持仓需在交易所自己的 App 或网站上平仓",
}
MAY_CLOSE = {
    "en": "Yes: nothing blocks the closure of your account.",
    "zh-Hans": "没有任何事项阻止注销您的账户",
}


def _position_closed_on_the_exchange(engine, now) -> None:
    """The exchange's next snapshot of the customer: the position closed (size 0)."""
    snapshot = demo_snapshot(now)
    [record] = [a for a in snapshot.accounts if a.uid == UID]
    flat = [p.model_copy(update={"size": 0}) for p in record.positions]
    closed = record.model_copy(update={"positions": flat})
    import_snapshot(engine, snapshot.model_copy(update={"accounts": [closed], "prices": []}))


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_open_position_is_closed_on_the_exchange_then_the_account_closes(
    engine, clock, chromium, base_url, config, worker, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = signed_in_on_the_demo_page(context, base_url, UID, lang)
    assert blocked(page) == {"OPEN_POSITIONS"}
    card = page.locator("#check-OPEN_POSITIONS")
    assert SAID[lang] in card.locator("[data-way='note']").inner_text()
    assert card.locator("a[data-way='ticket']").count() == 1  # and support besides

    _position_closed_on_the_exchange(engine, clock())
    follow(page, "a[href='/web/me']")
    assert blocked(page) == set()
    assert MAY_CLOSE[lang] in page.locator("p.summary").inner_text()

    request_with_authenticator(page, clock, engine)
    follow(page, "#demo-clock-hint a")
    follow(page, "#demo-clock-requests button")
    worker()
    certificate = closed_and_certified(page, engine, config, UID, lang)
    assert certificate.uid == UID
    context.close()
