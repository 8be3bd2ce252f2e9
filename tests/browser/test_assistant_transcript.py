"""The hand-off's transcript in the browser, in English and in Chinese: a customer asks the
assistant twice and hands off; the agent reads exactly the two questions and the two answers
the page showed, each answer as the server gave it."""

from __future__ import annotations

import pytest

from lastgate.kernel.access import Role
from tests.browser.conftest import follow
from tests.builders import account, load

WITH_BTC = account(
    "U1",
    balances=[{"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}],
)
QUESTIONS = {
    "en": ("Why can I not close my account?", "How long does closing take?"),
    "zh-Hans": ("为什么不能注销账户", "注销需要多长时间"),
}
REMAINS = {
    "en": "0.25 BTC remains in your funding account.",
    "zh-Hans": "您的资金账户中还有 0.25 BTC。",
}
SPEAKERS = {"en": ("Customer", "Assistant"), "zh-Hans": ("用户", "助手")}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_agent_reads_the_conversation_the_customer_had(engine, person, lang) -> None:
    load(engine, WITH_BTC)
    me = person("U1", lang=lang)
    follow(me, "nav a[href='/web/help']")
    shown = []
    for question in QUESTIONS[lang]:
        me.fill("#question", question)
        follow(me, "form[action='/web/help/ask'] button")
        shown.append(me.locator("ul.answer").inner_text())
    assert REMAINS[lang] in shown[0]
    follow(me, "form[action='/web/help/handoff'] button")
    assert "done=handoff" in me.url and me.locator("p.notice").is_visible()
    ticket_id = me.url.split("?")[0].rsplit("/", 1)[1]

    ada = person("agent-ada", Role.AGENT, lang=lang)
    ada.goto(me.url.split("/web/")[0] + f"/web/desk/tickets/{ticket_id}")
    said = ada.locator("ol.transcript li")  # on the ticket, no file to open
    assert said.count() == 4
    lines = [said.nth(i).locator(".message-body").inner_text() for i in range(4)]
    speakers = [said.nth(i).locator("strong").inner_text() for i in range(4)]
    customer, assistant = SPEAKERS[lang]
    assert speakers == [customer, assistant] * 2
    assert lines[0] == QUESTIONS[lang][0] and lines[2] == QUESTIONS[lang][1]
    assert REMAINS[lang] in lines[1]
    assert lines[1] != lines[3]  # each answer is the one given to its own question
