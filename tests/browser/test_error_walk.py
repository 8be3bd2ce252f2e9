"""The error cases as a customer meets them in the browser, in English and in Chinese: an
unknown address, another role's page, a refused form (what was typed comes back with
"Go back to the form"), an expired quote renewed from its error, and an ended session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.kernel.access import Role
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.platform.auth_tokens import issue_token
from tests.browser.conftest import VIEWPORT, follow, screenshot

TEXT = {
    "en": {
        "404": "We cannot find this page",
        "403": "This page is not open to you",
        "refused": "This anti-phishing code cannot be used",
        "quote": "This quote is no longer valid",
        "ended": "Your session has ended",
        "sign_out": "Sign out",
    },
    "zh-Hans": {
        "404": "找不到此页面",
        "403": "您无权打开此页面",
        "refused": "此防钓鱼码无法使用",
        "quote": "此报价已失效",
        "ended": "您的登录已过期",
        "sign_out": "退出登录",
    },
}

#: A customer whose small balances convert into more than dust: a quote is offered.
UID = "DEMO-DUST-CONVERT"


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_every_error_says_what_to_do_next_and_keeps_the_header(
    engine, clock, chromium, base_url, config, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    text = TEXT[lang]
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/")
    assert page.url == f"{base_url}/web/sign-in"  # the bare address: the start page
    page.goto(f"{base_url}/web/sign-in?lang={lang}")
    token = issue_token(config, UID, Role.CUSTOMER, timedelta(minutes=5), clock())
    page.goto(f"{base_url}/web/session?token={token}")

    for path, key, status in (("/web/no-such-page", "404", 404), ("/web/agent", "403", 403)):
        answer = page.goto(base_url + path)
        assert answer is not None and answer.status == status
        assert page.locator("h1").inner_text() == text[key]
        assert UID in page.locator(".who").inner_text()
        assert page.locator("header button", has_text=text["sign_out"]).is_visible()
        if key == "404":
            screenshot(page, "error-not-found" if lang == "en" else "error-not-found-zh")

    page.goto(f"{base_url}/web/me/settings")
    page.locator("#apc-code").evaluate("e => { e.removeAttribute('pattern') }")
    page.fill("#apc-code", "ab cd")
    follow(page, "form[action='/web/me/anti-phishing-code'] button")
    assert page.locator("h1").inner_text() == text["refused"]
    follow(page, "#error-next")  # "Go back to the form"
    assert page.url == f"{base_url}/web/me/settings"
    assert page.locator("#apc-code").input_value() == "ab cd"  # what was typed is back

    page.goto(f"{base_url}/web/me")
    follow(page, "#check-DUST_REMAINING form[data-way='fix'] button")
    clock.advance(minutes=3)  # past the quote's validity
    follow(page, "form[action='/web/me/dust-sweep/execute'] button")
    assert page.locator("h1").inner_text() == text["quote"]
    if lang == "en":
        screenshot(page, "error-quote-expired")
    assert page.locator("#error-ticket").get_attribute("href").endswith("=closure_blocked")
    follow(page, "#error-next")  # "Get a new quote"
    assert page.locator("form[action='/web/me/dust-sweep/execute']").is_visible()

    clock.advance(minutes=10)  # the session's token has expired
    page.goto(f"{base_url}/web/me")
    assert page.url == f"{base_url}/web/sign-in?ended=1"
    assert text["ended"] in page.locator("#session-ended").inner_text()
    context.close()
