"""Three cards walked in chromium as the customer, in English and Chinese, from the
self-check to the end the customer wants: a small deposit on its way, waited for and then
settled as dust (never "withdrawn"), to a clear self-check; dust given up without
converting, offered from the start on the card and on the sweep's own page; a security
cooldown that says when it ends, asks nothing but waiting, offers no person to lift it and
the way to secure the account, and ends on its own."""

from __future__ import annotations

import pytest

from lastgate.kernel.present import formats
from tests.browser.conftest import follow
from tests.builders import T0, load
from tests.web.test_card_remedies import ACCOUNTS, LANGS, SEE_IT, TALK, WHY, land

COOLDOWN_ENDS = T0.replace(day=T0.day + 5)  # changed two days ago; the policy's seven days
TEXT = {
    "en": {
        "settle": "Wait for the deposit to arrive. It is then a small balance, worth at most "
        "10 USD: convert it or give it up, as the self-check offers for small balances.",
        "withdraw": "withdraw",
        "arriving": "Your deposit of 0.002\u00a0ETH is still on its way.",
        "instead": "Give them up instead of converting",
        "rather": "Rather not convert?",
        "given_up": "The small balances are given up.",
        "may_close": "Yes: nothing blocks the closure of your account.",
        "nothing_to_do": "Nothing to do but wait: no one can lift this block early, not even "
        "our support team.",
        "ends": "The block ends on its own on {when}",
        "support": "Write to our support team",
        "not_you": "Not your change? Tell our support team",
    },
    "zh-Hans": {
        "settle": "请等待充值到账。到账后它是一笔价值不超过 10 USD 的小额资产：请按自查页对"  # noqa: RUF001
        "小额资产提供的方式，将其兑换或放弃。",  # noqa: RUF001
        "withdraw": "提现",
        "arriving": "您的 0.002\u00a0ETH 充值仍在途中。",
        "instead": "不兑换，直接放弃",  # noqa: RUF001
        "rather": "不想兑换？",  # noqa: RUF001
        "given_up": "小额资产已放弃。",
        "may_close": "没有任何事项阻止注销您的账户",
        "nothing_to_do": "您无需操作，等待即可：任何人都无法提前解除此限制，客服也不能。",  # noqa: RUF001
        "ends": "该限制将于 {when}",
        "support": "联系客服",
        "not_you": "不是您本人修改的？请联系客服",  # noqa: RUF001
    },
}


def blocked(page) -> set[str]:
    return {
        el.get_attribute("id").removeprefix("check-") for el in page.locator("li.check.block").all()
    }


def give_up_with_consent(page, lang: str) -> None:
    page.check("#consent")
    follow(page, "form[action='/web/me/dust-forfeit'] button")
    assert TEXT[lang]["given_up"] in page.locator("p.notice").inner_text()
    assert blocked(page) == set()
    assert TEXT[lang]["may_close"] in page.locator("p.summary").inner_text()
    assert page.locator("a[href='/web/me/close']").is_visible()


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_small_deposit_is_waited_for_then_settled_as_dust(engine, person, lang) -> None:
    load(engine, *ACCOUNTS)
    page = person("U-SMALL-DEPOSIT", lang=lang)
    assert blocked(page) == {"DEPOSIT_PENDING"}
    card = page.locator("#check-DEPOSIT_PENDING")
    words = card.inner_text()
    assert TEXT[lang]["settle"] in words
    assert TEXT[lang]["withdraw"] not in words.lower()
    follow(page, "#check-DEPOSIT_PENDING a[href='/web/me/dust-forfeit']")
    assert TEXT[lang]["arriving"] in page.locator("#dust-arriving").inner_text()
    assert page.locator("#consent").count() == 0  # nothing to give up before it lands

    land(engine, "U-SMALL-DEPOSIT", "SD-1")  # the deposit arrives
    follow(page, "a[href='/web/me']")
    assert blocked(page) == {"DUST_REMAINING"}
    dust = page.locator("#check-DUST_REMAINING")
    assert dust.locator("form[data-way='fix']").count() == 1  # convert it …
    assert TEXT[lang]["instead"] in dust.inner_text()  # … or give it up, from the start
    follow(page, "#check-DUST_REMAINING a[href='/web/me/dust-forfeit']")
    assert page.locator("#dust-arriving").count() == 0
    cells = page.locator("#forfeit-lines tbody tr td").all_inner_texts()
    assert cells[1:3] == ["ETH", "0.002\u00a0ETH"]
    give_up_with_consent(page, lang)


@pytest.mark.parametrize("lang", list(LANGS))
def test_dust_is_given_up_without_converting_from_the_sweep_s_own_page(
    engine, person, lang
) -> None:
    load(engine, *ACCOUNTS)
    page = person("U-DUST", lang=lang)
    assert blocked(page) == {"DUST_REMAINING"}
    follow(page, "#check-DUST_REMAINING form[data-way='fix'] button")  # the sweep's quote
    assert page.locator("#give-up-instead").inner_text() == TEXT[lang]["rather"]
    follow(page, "#forfeit-instead")
    rows = page.locator("#forfeit-lines tbody tr").all_inner_texts()
    assert {row.split("\t")[1] for row in rows} == {"SHIB", "DOGE"}  # nothing converted
    give_up_with_consent(page, lang)


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_security_cooldown_is_waited_out_and_no_person_is_offered_to_lift_it(
    engine, clock, person, lang
) -> None:
    load(engine, *ACCOUNTS)
    page = person("U-COOLDOWN", lang=lang)
    assert blocked(page) == {"SECURITY_COOLDOWN"}
    words = page.locator("#check-SECURITY_COOLDOWN").inner_text()
    when = formats.datetime_text(COOLDOWN_ENDS, LANGS[lang])
    assert TEXT[lang]["nothing_to_do"] in words
    assert TEXT[lang]["ends"].format(when=when) in words
    assert TEXT[lang]["support"] not in words.replace(TEXT[lang]["not_you"], "")
    follow(page, "#check-SECURITY_COOLDOWN a[data-way='ticket']")  # not theirs: recovery
    assert page.locator("#ticket-category option[selected]").get_attribute("value") == (
        "credential_recovery"
    )

    # The Help page's assistant says the same: it ends with time, no person to lift it.
    follow(page, "header nav a[href='/web/help']")
    page.fill("#question", WHY[lang])
    follow(page, "form[action='/web/help/ask'] button")
    answer = page.locator("#answer-SECURITY_COOLDOWN")
    assert TEXT[lang]["nothing_to_do"] in answer.inner_text()
    assert TALK[lang] not in answer.inner_text()
    assert answer.locator("a.answer-link").inner_text() == SEE_IT[lang]
    follow(page, "#answer-SECURITY_COOLDOWN a.answer-link")
    assert page.url.endswith("/web/me#check-SECURITY_COOLDOWN")

    clock.advance(days=5)  # the cooldown's end; nothing and no one lifted it before
    page = person("U-COOLDOWN", lang=lang)  # a fresh token: the old one expired meanwhile
    assert blocked(page) == set()
    assert TEXT[lang]["may_close"] in page.locator("p.summary").inner_text()
