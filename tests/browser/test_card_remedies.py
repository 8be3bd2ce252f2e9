"""Three cards walked in chromium as the customer, in English and Chinese, from the
self-check to the end the customer wants: a small deposit on its way, waited for (no
button before it lands, the date instead) and then settled as dust (never "withdrawn"), to
a clear self-check; dust a sweep would only turn into more dust, never offered a sweep
(the card says what it would leave) and given up; a security
cooldown that says when it ends, asks nothing but waiting, offers no person to lift it and
the way to secure the account, and ends on its own; and the cooldown's customer who fears
someone else changed their 2FA, told by the assistant to freeze, freezing with no
authenticator and reading what happens next."""

from __future__ import annotations

import pytest

from lastgate.kernel.present import formats
from tests.browser.conftest import follow, screenshot
from tests.builders import T0, load
from tests.web.test_card_remedies import ACCOUNTS, SEE_IT, TALK, WHY, land
from tests.web_support import LANGS

COOLDOWN_ENDS = T0.replace(day=T0.day + 5)  # changed two days ago; the policy's seven days
TEXT = {
    "en": {
        "settle": "Wait for the deposit to arrive. It is then a small balance, worth at most "
        "10 USD: convert it or give it up, as the self-check offers for small balances.",
        "withdraw": "withdraw",
        "arriving": "Your deposit of 0.002\u00a0ETH is still on its way.",
        "settle_then": "Once it has arrived, settling it as a small balance is possible here",
        "not_offered": "Converting is not offered: after the fee you would hold 1.519\u00a0USDT",
        "given_up": "given up. The self-check below is run again.",
        "may_close": "Yes: nothing blocks the closure of your account.",
        "nothing_to_do": "Nothing to do but wait: no one can lift this block early, not even "
        "our support team.",
        "ends": "The block ends on its own on {when}",
        "support": "Write to our support team",
        "not_you": "Not your change? Tell our security team",
        "takeover": "someone else changed my 2FA",
        "no_code": "You need no authenticator code for this",
        "next": "What happens next",
        "lifts": "Only our security team lifts this freeze",
        "no_id": "Send no ID document now",
    },
    "zh-Hans": {
        "settle": "请等待充值到账。到账后它是一笔价值不超过 10 USD 的小额资产：请按自查页对"  # noqa: RUF001
        "小额资产提供的方式，将其兑换或放弃。",  # noqa: RUF001
        "withdraw": "提现",
        "arriving": "您的 0.002\u00a0ETH 充值仍在途中。",
        "settle_then": "到账后即可在此处理这笔小额资产",
        "not_offered": "不提供兑换：扣除手续费后您将持有 1.519\u00a0USDT",  # noqa: RUF001
        "given_up": "余额已放弃。下方的自查已重新运行。",
        "may_close": "没有任何事项阻止注销您的账户",
        "nothing_to_do": "您无需操作，等待即可：任何人都无法提前解除此限制，客服也不能。",  # noqa: RUF001
        "ends": "该限制将于 {when}",
        "support": "联系客服",
        "not_you": "不是您本人修改的？请联系安全团队",  # noqa: RUF001
        "takeover": "有人改了我的二次验证",
        "no_code": "冻结无需身份验证器验证码",
        "next": "接下来会怎样",
        "lifts": "此冻结只能由我们的安全团队",
        "no_id": "现在无需提供身份证件",
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
    # Nothing can be settled before it lands: no button, but when it can be.
    assert card.locator("a.button, form").count() == 0  # nothing to click: only the date
    assert card.locator("a[href='/web/me/dust-forfeit']").count() == 0
    assert TEXT[lang]["settle_then"] in card.locator("[data-way='wait']").inner_text()

    land(engine, "U-SMALL-DEPOSIT", "SD-1")  # the deposit arrives
    follow(page, "a[href='/web/me']")
    assert blocked(page) == {"DUST_REMAINING"}
    dust = page.locator("#check-DUST_REMAINING")
    assert dust.locator("form[data-way='fix']").count() == 0  # 5.88 USDT: still dust
    follow(page, "#check-DUST_REMAINING a[href='/web/me/dust-forfeit']")
    assert page.locator("#dust-arriving").count() == 0
    cells = page.locator("#forfeit-lines tbody tr td").all_inner_texts()
    assert cells[1:3] == ["ETH", "0.002\u00a0ETH"]
    give_up_with_consent(page, lang)


@pytest.mark.parametrize("lang", list(LANGS))
def test_dust_a_sweep_would_leave_as_dust_is_not_offered_a_sweep_and_is_given_up(
    engine, person, lang
) -> None:
    load(engine, *ACCOUNTS)
    page = person("U-DUST", lang=lang)
    assert blocked(page) == {"DUST_REMAINING"}
    card = page.locator("#check-DUST_REMAINING")
    assert card.locator("form[data-way='fix']").count() == 0
    assert TEXT[lang]["not_offered"] in card.locator("[data-way='note']").inner_text()
    follow(page, "#check-DUST_REMAINING a[href='/web/me/dust-forfeit']")
    assert TEXT[lang]["not_offered"] in page.locator("#sweep-not-offered").inner_text()
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
    follow(page, "#check-SECURITY_COOLDOWN a[data-way='ticket']")  # not theirs: security
    assert page.locator("#ticket-category option[selected]").get_attribute("value") == (
        "account_takeover"
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


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_cooldown_customer_who_fears_a_takeover_freezes_without_an_authenticator(
    engine, person, lang
) -> None:
    load(engine, *ACCOUNTS)
    page = person("U-COOLDOWN", lang=lang)  # no authenticator of lastgate's: none to give
    follow(page, "header nav a[href='/web/help']")
    page.fill("#question", TEXT[lang]["takeover"])
    follow(page, "form[action='/web/help/ask'] button")
    assert page.locator("#answer-CREDENTIAL_RECOVERY").count() == 0  # no lost-phone answer
    freeze = page.locator("#answer-TAKEOVER_FREEZE")
    assert TEXT[lang]["no_code"] in freeze.inner_text()
    assert page.locator("#answer-TAKEOVER_SECURITY a.answer-link").count() == 1
    follow(page, "#answer-TAKEOVER_FREEZE a.answer-link")
    assert page.url.endswith("/web/me/secure")
    assert TEXT[lang]["lifts"] in page.locator("main").inner_text()
    assert page.locator("input[name='code']").count() == 0  # no code asked for
    follow(page, "#secure-confirm button")
    frozen = page.locator("#secure-frozen")
    assert TEXT[lang]["next"] in frozen.inner_text()
    assert TEXT[lang]["lifts"] in frozen.inner_text()
    screenshot(page, f"secure-frozen-{lang}")
    follow(page, "#secure-write")  # the security team, who ask what the case needs
    assert page.locator("#ticket-category option[selected]").get_attribute("value") == (
        "account_takeover"
    )
    assert TEXT[lang]["no_id"] in page.locator("#takeover-asks").inner_text()
