"""DEMO-STUCK walked to a closed account, in the browser, in English and in Chinese: dust
left over, a deposit still confirming and a phone changed yesterday. The security
change's card leads to the demo clock, where its waiting period passes now; the
deposit's card leads to the demo exchange, where it arrives; the small balances left are
given up with consent; then the closure is requested and verified, the cooling-off ended
on the demo clock, and the demo's worker closes the account: its certificate verifies and
lists every balance given up."""

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
from tests.browser.test_dust_journey import blocked, rows

__all__ = ["config", "worker"]
UID = "DEMO-STUCK"
TEXT = {
    "en": {
        "hint": "In this demo you need not wait: the demo clock lets the waiting period pass now.",
        "waits": "After a change to your account's security, closing waits until",
        "passed": "The waiting period after your security change has passed.",
        "arrived": "Your deposit has arrived.",
        "may_close": "Yes: nothing blocks the closure of your account.",
    },
    "zh-Hans": {
        "hint": "在本演示中，您无需等待：演示时钟可让等待期立即结束。",  # noqa: RUF001
        "waits": "您修改安全设置后，需等到",  # noqa: RUF001
        "passed": "修改安全设置后的等待期已结束。",
        "arrived": "您的充值已到账。",
        "may_close": "没有任何事项阻止注销您的账户",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_stuck_customer_walks_to_a_closed_account(
    engine, clock, chromium, base_url, config, worker, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    said = TEXT[lang]
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = signed_in_on_the_demo_page(context, base_url, UID, lang)
    assert blocked(page) == {"DUST_REMAINING", "DEPOSIT_PENDING", "SECURITY_COOLDOWN"}

    # The phone changed yesterday: the card leads to the demo clock, which ends the wait.
    assert said["hint"] in page.locator("#demo-hint-SECURITY_COOLDOWN").inner_text()
    follow(page, "#demo-hint-SECURITY_COOLDOWN a")
    assert said["waits"] in page.locator("#demo-security-wait").inner_text()
    follow(page, "#demo-security-wait button")
    assert said["passed"] in page.locator("p.notice").inner_text()
    assert blocked(page) == {"DUST_REMAINING", "DEPOSIT_PENDING"}

    # The deposit on its way arrives on the demo exchange, as the chain would confirm it.
    follow(page, "#demo-hint-DEPOSIT_PENDING a")
    follow(page, "#demo-deposits button")
    assert said["arrived"] in page.locator("p.notice").inner_text()
    assert blocked(page) == {"DUST_REMAINING"}

    # What is left is dust: given up with consent.
    follow(page, "#check-DUST_REMAINING a[data-way='page'][href='/web/me/dust-forfeit']")
    given_up = sorted(r[1] for r in rows(page, "#forfeit-lines"))
    page.check("#consent")
    follow(page, "form[action='/web/me/dust-forfeit'] button")
    assert blocked(page) == set()
    assert said["may_close"] in page.locator("p.summary").inner_text()

    request_with_authenticator(page, clock, engine)
    follow(page, "#demo-clock-hint a")
    follow(page, "#demo-clock-requests button")
    worker()
    certificate = closed_and_certified(page, engine, config, UID, lang)
    assert sorted(f.asset for f in certificate.forfeited) == given_up
    assert {"BTC", "SHIB", "XRP"} <= set(given_up)  # the deposit that landed, and the dust
    context.close()
