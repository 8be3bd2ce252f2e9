"""A customer who types their seed phrase into the closure form's reason, in English and
in Chinese: the request page warns them in their language, and the phrase is on no page
and in no stored row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lastgate.closure.adapters.tables import closure_requests
from tests.browser.conftest import follow
from tests.builders import account, load
from tests.secret_corpus import mnemonic

JOIN = {"en": ", ", "zh-Hans": "\uff0c"}  # how each customer lists the words
SAID = {
    "en": ("Closing, my wallet words are ", ""),
    "zh-Hans": ("不用了。我的助记词：", "。"),  # noqa: RUF001
}
PHRASE = {
    "en": mnemonic("closure-form", 12).split(),
    "zh-Hans": mnemonic("closure-form", 12, "chinese_simplified").split(),
}
WARNING = {
    "en": "We removed what looked like a secret (seed phrase) from your message",
    "zh-Hans": "我们在保存您的消息之前，已移除疑似机密的内容（助记词）。",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_seed_typed_as_the_closure_reason_is_removed_and_the_customer_warned(
    engine, person, lang
) -> None:
    load(engine, account("U1"))
    before, after = SAID[lang]
    words = PHRASE[lang]
    me = person("U1", lang=lang)
    follow(me, "a[href='/web/me/close']")
    me.check("#reason-other")
    me.fill("#reason_text", before + JOIN[lang].join(words) + after)
    follow(me, "form[action='/web/me/close'] button")

    alert = me.locator("#secrets-removed[role='alert']")
    assert alert.is_visible()
    assert WARNING[lang] in alert.inner_text()
    for i in range(0, 10, 3):
        assert JOIN[lang].join(words[i : i + 3]) not in me.content()
    with engine.connect() as conn:
        stored = conn.execute(select(closure_requests.c.reason_text)).scalar_one()
    assert stored == f"{before}[REDACTED:seed_phrase]{after}"

    me.goto(me.url.split("?")[0])  # the warning was for the reason just typed
    assert me.locator("#secrets-removed").count() == 0
