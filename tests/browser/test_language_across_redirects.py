"""A language chosen with ``?lang=`` outlives the redirect, in the browser: signed out,
``/web?lang=zh-Hans`` shows the sign-in page in Chinese, and a closed account's
``/web/me?lang=zh-Hans`` its closed page in Chinese; ``?lang=en`` the same in English."""

from __future__ import annotations

import pytest

from tests.builders import account, load

HEADING = {"zh-Hans": "登录", "en": "Sign in"}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_signed_out_web_leads_to_a_sign_in_page_in_the_language_asked_for(
    chromium, base_url, lang, tmp_path
) -> None:
    other = "en-US" if lang == "zh-Hans" else "zh-CN"  # the browser's own language loses
    context = chromium.new_context(locale=other)
    page = context.new_page()
    page.goto(f"{base_url}/web?lang={lang}")
    assert page.url.startswith(f"{base_url}/web/sign-in")
    assert page.locator("html").get_attribute("lang") == lang
    assert HEADING[lang] in page.locator("h1").inner_text()
    page.screenshot(path=str(tmp_path / f"sign-in-{lang}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_closed_account_lands_on_its_closed_page_in_the_language_asked_for(
    engine, person, lang, tmp_path
) -> None:
    load(engine, account("U3", status="closed"))
    page = person("U3", lang="en" if lang == "zh-Hans" else "zh-Hans")
    page.goto(page.url.split("/web/")[0] + f"/web/me?lang={lang}")
    assert page.url.split("?")[0].endswith("/web/me/closed")
    assert page.locator("html").get_attribute("lang") == lang
    page.screenshot(path=str(tmp_path / f"closed-{lang}.png"), full_page=True)
