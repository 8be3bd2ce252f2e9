"""The assistant in the browser, in English and in Chinese: a customer asks two different
questions on the Help page and gets two different answers, each about what was asked, in
the page's language: their pending deposit with its expected time, then how to recover a
lost phone, whose button opens the recovery form with its topic chosen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import follow, screenshot
from tests.builders import account, iso, load

ASK = {
    "en": ("How long until my deposit arrives?", "I lost my phone, what do I do?"),
    "zh-Hans": ("我的充值还没到账，要多久？", "我的手机丢了怎么办"),  # noqa: RUF001
}
DEPOSIT = {
    "en": "Your deposit of 0.75 ETH, started Nov 23, 2026, 11:48 UTC, is expected by "
    "Nov 23, 2026, 12:18 UTC.",
    "zh-Hans": "您有一笔 0.75 ETH 的充值，发起于 2026年11月23日 11:48 UTC，"  # noqa: RUF001
    "预计于 2026年11月23日 12:18 UTC 前到账。",
}
RECOVERY = {
    "en": ("a waiting period of 72 hours protects you", "Start a credential recovery"),
    "zh-Hans": ("会有 72 小时的等待期保护您的安全", "申请找回验证方式"),
}
TOPIC = {"en": "I lost my phone or authenticator", "zh-Hans": "我丢失了手机或身份验证器"}


def _ask(page, question: str) -> None:
    page.fill("#question", question)
    follow(page, "form[action='/web/help/ask'] button")


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_two_questions_get_two_relevant_answers_in_the_pages_language(
    engine, clock, person, lang
) -> None:
    deposit = {
        "id": "T1",
        "direction": "deposit",
        "asset": "ETH",
        "amount": "0.75",
        "status": "confirming",
        "network": "ERC20",
        "created_at": iso(clock() - timedelta(minutes=12)),
        "expected_completion_at": iso(clock() + timedelta(minutes=18)),
    }
    load(engine, account("U1", transfers=[deposit]))
    me = person("U1", lang=lang)
    follow(me, "nav a[href='/web/help']")
    first, second = ASK[lang]

    _ask(me, first)
    answer = me.locator(".said.assistant")
    assert answer.get_attribute("lang") == lang
    items = me.locator("li.answer-item")
    assert items.count() == 1
    assert DEPOSIT[lang] in me.locator("#answer-DEPOSIT_PENDING").inner_text()
    assert me.locator("#answer-DEPOSIT_PENDING a").count() == 0  # only waiting helps: no button
    screenshot(me, "desk-help-deposit" if lang == "en" else "desk-help-deposit-zh")

    _ask(me, second)
    assert me.locator("#answer-DEPOSIT_PENDING").count() == 0  # a different answer
    recovery = me.locator("#answer-CREDENTIAL_RECOVERY")
    waiting, button = RECOVERY[lang]
    assert waiting in recovery.inner_text()
    assert me.locator(".said.assistant").get_attribute("lang") == lang
    assert me.locator("#article-lost-authenticator").is_visible()
    screenshot(me, "desk-help-recovery" if lang == "en" else "desk-help-recovery-zh")
    link = recovery.locator("a.answer-link")
    assert link.inner_text() == button
    follow(me, "#answer-CREDENTIAL_RECOVERY a.answer-link")
    assert me.locator("#ticket-category").input_value() == "credential_recovery"
    assert TOPIC[lang] in me.locator("#ticket-category option:checked").inner_text()


BALANCES = {
    "en": (
        "how much BTC do I have?",
        "On Nov 23, 2026, 12:00 UTC, these balances are in your account:",
        "0.25 BTC remains in your funding account.",
    ),
    "zh-Hans": (
        "我的余额是多少？",  # noqa: RUF001
        "截至 2026年11月23日 12:00 UTC，您的账户中有以下余额：",  # noqa: RUF001
        "您的资金账户中还有 0.25 BTC。",
    ),
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_balance_question_shows_the_balances_and_leads_to_the_fix(
    engine, clock, person, lang
) -> None:
    btc = {"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}
    load(engine, account("U1", balances=[btc]))
    me = person("U1", lang=lang)
    follow(me, "nav a[href='/web/help']")
    question, head, line = BALANCES[lang]
    _ask(me, question)
    said = me.locator("#answer-BALANCES").inner_text()
    assert head in said and line in said
    assert me.locator("li.answer-item").count() == 1  # the balances, not every blocker
    follow(me, "#answer-BALANCES a.fix-link")
    assert me.url.endswith("/web/me#check-ASSETS_REMAINING")
    assert "0.25" in me.locator("#check-ASSETS_REMAINING").inner_text()
