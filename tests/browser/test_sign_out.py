"""Signing out in the browser, in English and in Chinese: the customer presses the sign-out
button and lands on the sign-in page; a copy of the old session cookie, put into another
browser, opens nothing but the sign-in page, and the same token is refused by the API."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import VIEWPORT, follow
from tests.builders import account, load

TEXT = {
    "en": {"sign_out": "Sign out", "sign_in": "Sign in through your exchange"},
    "zh-Hans": {"sign_out": "退出登录", "sign_in": "请通过交易所登录"},
}

LOCALE = {"en": "en-GB", "zh-Hans": "zh-CN"}


@pytest.mark.parametrize("lang", list(TEXT))
def test_a_signed_out_session_cannot_be_reused(person, chromium, base_url, engine, lang) -> None:
    load(engine, account("U1000"))
    page = person("U1000", lang=lang)
    assert urlparse(page.url).path == "/web/me"
    [session] = [c for c in page.context.cookies() if c["name"] == "lastgate_session"]
    button = page.locator("form[action='/web/sign-out'] button")
    assert button.inner_text().strip() == TEXT[lang]["sign_out"]
    follow(page, "form[action='/web/sign-out'] button")
    assert urlparse(page.url).path == "/web/sign-in"
    assert TEXT[lang]["sign_in"] in page.locator("main").inner_text()

    # Someone who copied the cookie before the sign-out gets nothing with it (in a browser
    # that asks for the customer's language: a new one has no language cookie yet).
    other = chromium.new_context(viewport=VIEWPORT, locale=LOCALE[lang])
    try:
        other.add_cookies([session])
        stolen = other.new_page()
        stolen.goto(f"{base_url}/web/me?lang={lang}")
        assert urlparse(stolen.url).path == "/web/sign-in"
        assert TEXT[lang]["sign_in"] in stolen.locator("main").inner_text()
        answer = other.request.get(
            f"{base_url}/v1/accounts/U1000/eligibility",
            headers={"Authorization": f"Bearer {session['value']}"},
        )
        assert answer.status == 401
        assert answer.json()["error"]["code"] == "NOT_AUTHENTICATED"
    finally:
        other.close()


NO_ACCOUNT = {
    "en": ("We cannot find your account", "a UID that has no account here"),
    "zh-Hans": ("找不到您的账户", "没有对应的账户"),
}


@pytest.mark.parametrize("lang", list(NO_ACCOUNT))
def test_a_uid_with_no_account_is_named_missing_and_the_way_out_signs_out(
    person, engine, lang
) -> None:
    """The exchange's login hands over a UID lastgate holds no account for (one opened a
    minute ago, or a wrong hand-over): the page says so and its one button signs out,
    instead of a start-page link that leads back to the same page."""
    load(engine, account("U1000"))
    page = person("NEW-UID-1", lang=lang)
    main = page.locator("main").inner_text()
    heading, says = NO_ACCOUNT[lang]
    assert page.locator("h1").inner_text().strip() == heading and says in main
    assert page.locator("#error-ticket").count() == 0
    follow(page, "#error-next")
    assert urlparse(page.url).path == "/web/sign-in"
    assert TEXT[lang]["sign_in"] in page.locator("main").inner_text()
