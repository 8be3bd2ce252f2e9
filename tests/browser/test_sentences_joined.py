"""A wrong code's message, as the browser shows it: "That code is not valid. You have 4
tries left." in English, and in Chinese with no space between the sentences."""

from __future__ import annotations

import pytest

from tests.browser.conftest import follow
from tests.browser.test_verification import close_from_self_check
from tests.browser.test_verification_limits import wrong_code
from tests.builders import account, load

SAID = {
    "en": "That code is not valid. You have 4 tries left.",
    "zh-Hans": "验证码无效。您还有 4 次机会。",
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_wrong_codes_sentences_read_as_the_language_writes_them(
    engine, clock, person, lang, tmp_path
) -> None:
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    close_from_self_check(page)
    follow(page, "form[action$='/verification'] button")
    page.fill("#code", wrong_code(engine))
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator("p.error[role='alert']").inner_text() == SAID[lang]
    page.screenshot(path=str(tmp_path / f"wrong-code-{lang}.png"), full_page=True)
