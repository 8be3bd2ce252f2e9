"""Locked after five wrong codes, in the browser, in English and in Chinese: the page says
what to do next, and its link opens the ticket form on the recovery topic."""

from __future__ import annotations

import pytest

from tests.browser.conftest import follow
from tests.browser.test_verification import close_from_self_check
from tests.browser.test_verification_limits import wrong_code
from tests.builders import account, load

NEXT = {
    "en": "come back to this page and ask for a new code",
    "zh-Hans": "请回到此页面重新获取验证码",
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_lock_says_what_to_do_next_and_leads_to_support(
    engine, clock, person, lang, tmp_path
) -> None:
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    close_from_self_check(page)
    follow(page, "form[action$='/verification'] button")
    for _ in range(5):
        page.fill("#code", wrong_code(engine))
        follow(page, "form[action$='/verification/check'] button")
    step = page.locator("#locked-next")
    assert step.is_visible() and NEXT[lang] in step.inner_text()
    page.screenshot(path=str(tmp_path / f"locked-{lang}.png"), full_page=True)
    follow(page, "#locked-next a")
    assert page.locator("#ticket-category").input_value() == "credential_recovery"
