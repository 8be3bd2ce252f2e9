"""The e-mailed code read in the demo mailbox, in the browser, in English and in Chinese:
a clean customer requests the closure and picks a code by e-mail; the page says where the
demo keeps it; the demo mailbox (filled by the demo's worker, as ``lastgate demo`` runs
it) shows the code; typed back in, the request moves on to its cooling-off."""

from __future__ import annotations

import re
import time

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import VIEWPORT, follow
from tests.browser.test_demo_clock_journey import config, signed_in_on_the_demo_page, worker

__all__ = ["config", "worker"]
UID = "DEMO-CLEAN-EU"
HINT = {
    "en": "In this demo nothing is sent: the code is in the demo mailbox.",
    "zh-Hans": "本演示不会真正发送任何消息：验证码在演示邮箱中。",  # noqa: RUF001
}
CODE = re.compile(r"\b(\d{6})\b")


def code_in_the_mailbox(page, seconds: float = 20) -> str:
    """Reload the demo mailbox, as a person waiting would, until a message holds a code:
    the newest such."""
    deadline = time.monotonic() + seconds
    while True:
        letters = page.locator("#mailbox .message-body").all_inner_texts()
        found = [m.group(1) for text in letters if (m := CODE.search(text))]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "no code reached the demo mailbox"
        time.sleep(0.5)
        page.reload()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_emailed_code_is_read_in_the_demo_mailbox(
    engine, clock, chromium, base_url, config, worker, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    context = chromium.new_context(viewport=VIEWPORT)
    page = signed_in_on_the_demo_page(context, base_url, UID, lang)
    worker()  # delivers the notices to the demo mailbox
    follow(page, "a[href='/web/me/close']")
    page.check("#reason-no_longer_needed")
    follow(page, "form[action='/web/me/close'] button")
    page.check("#m-email")
    follow(page, "form[action$='/verification'] button")
    code_page = page.url
    assert HINT[lang] in page.locator("#demo-mailbox-hint").inner_text()
    follow(page, "#demo-mailbox-hint a")
    code = code_in_the_mailbox(page)
    page.goto(code_page)
    page.fill("#code", code)
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()
    context.close()
