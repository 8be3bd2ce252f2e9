"""The dust sweep's quote counts down in the browser, in English and in Chinese: the time
left ticks each second (on the page's clock, moved by Playwright, never waited for), and
when it is up the page says that the quote has expired and to get a new one, with the
button that gets it, and "Convert now" no longer offered; a new quote counts again."""

from __future__ import annotations

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow

LEFT = {"en": "{time} left", "zh-Hans": "还剩 {time}"}
EXPIRED = {
    "en": "This quote has expired and nothing was converted. Get a new quote to continue.",
    "zh-Hans": "此报价已过期，未进行任何兑换。请获取新报价后继续。",  # noqa: RUF001
}
UP = {"en": "Time is up", "zh-Hans": "时间已到"}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_quote_ticks_and_says_to_get_a_new_one_when_it_expires(
    engine, clock, person, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST-CONVERT", lang=lang)
    page.clock.install()  # the page's timers and Date, moved below rather than waited for
    follow(page, "#check-DUST_REMAINING form[data-way='fix'] button")
    left = page.locator("#quote-countdown")
    expired = page.locator("#quote-expired")
    assert left.inner_text() == LEFT[lang].format(time="1:00")  # the policy's 60 seconds
    assert not expired.is_visible()
    page.clock.run_for(15_000)
    assert left.inner_text() == LEFT[lang].format(time="0:45")
    page.clock.run_for(44_000)
    assert left.inner_text() == LEFT[lang].format(time="0:01")
    assert page.locator("#convert-now").is_enabled()

    page.clock.run_for(1_000)
    assert left.inner_text() == UP[lang]
    assert expired.is_visible() and expired.inner_text().startswith(EXPIRED[lang])
    assert page.locator("#convert-now").is_disabled()
    clock.advance(seconds=61)  # the server's quote has expired too
    follow(page, "#quote-expired button[form='new-quote']")
    assert page.locator("#quote-countdown").inner_text() == LEFT[lang].format(time="1:00")
    assert not page.locator("#quote-expired").is_visible()
    assert page.locator("#convert-now").is_enabled()
