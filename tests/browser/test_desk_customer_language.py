"""The desk's ticket page tells an agent the customer's language, so that they answer in
it: a customer who writes in Chinese is shown as 中文 to an agent reading the desk in
English, and one who writes in English as English to an agent reading it in Chinese; the
canned reply is offered in the customer's language."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from lastgate.kernel.access import Role
from tests.browser.conftest import follow
from tests.builders import account, load

NAME = {"en": "English", "zh-Hans": "中文"}
LABEL = {"en": "Customer's language", "zh-Hans": "用户语言"}
CANNED = {"en": "en", "zh-Hans": "zh_Hans"}


WRITES = {
    "en": ("My closure", "When will my account be closed?"),
    "zh-Hans": ("注销账户", "我的账户什么时候能注销？"),  # noqa: RUF001
}


def write_to_support(page, lang: str = "en") -> str:
    """A ticket written on the desk's form, in ``lang``; its id."""
    subject, body = WRITES[lang]
    page.goto(page.url.split("/web/")[0] + "/web/tickets#new")
    page.fill("#ticket-subject", subject)
    page.fill("#ticket-body", body)
    follow(page, "form[action='/web/tickets'] button[type='submit']")
    path = urlparse(page.url).path
    assert path.startswith("/web/tickets/")
    return path.rsplit("/", 1)[1]


@pytest.mark.parametrize(("customer", "agent"), [("zh-Hans", "en"), ("en", "zh-Hans")])
def test_the_agent_sees_the_language_to_answer_in(engine, person, customer, agent) -> None:
    load(engine, account("U1"))
    ticket_id = write_to_support(person("U1", lang=customer), customer)
    ada = person("agent-ada", Role.AGENT, lang=agent)
    ada.goto(ada.url.split("/web/")[0] + f"/web/desk/tickets/{ticket_id}")
    shown = ada.locator("#customer-language")
    assert shown.is_visible()
    assert shown.locator("span[lang]").inner_text() == NAME[customer]
    assert shown.locator("span[lang]").get_attribute("lang") == customer
    label = ada.locator("dt", has=ada.locator(f"text={LABEL[agent]}"))
    assert label.count() == 1  # named in the agent's own language
    assert ada.locator("#canned-language").input_value() == CANNED[customer]


BTC = [{"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}]
ASKED = {
    "zh-Hans": ("为什么不能注销账户", "请尽快帮我处理，谢谢"),  # noqa: RUF001
    "en": ("Why can I not close my account?", "Please answer me by e-mail."),
}
ANSWER = {
    "zh-Hans": "请先提取这 0.25 BTC，然后重新申请注销账户。",  # noqa: RUF001
    "en": "Withdraw the 0.25 BTC first, then close the account again.",
}
SUPPORT = {"en": "Support", "zh-Hans": "客服"}
OTHER = {"en": "zh-Hans", "zh-Hans": "en"}


def _bodies(page, selector: str) -> list[str]:
    return page.locator(f"{selector} .message-body").all_inner_texts()


@pytest.mark.parametrize(("customer", "agent"), [("zh-Hans", "en"), ("en", "zh-Hans")])
def test_a_hand_off_is_read_and_answered_in_the_customers_words(
    engine, person, customer, agent
) -> None:
    """The customer asks the assistant and hands off with a note, then switches their pages
    to the other language; the agent, reading the desk in their own, sees the customer's
    words as written, the note once, the ticket's language to answer in, and replies once;
    the customer reads the reply, once, under their note."""
    load(engine, account("U1", balances=BTC))
    question, note = ASKED[customer]
    me = person("U1", lang=customer)
    follow(me, "nav a[href='/web/help']")
    me.fill("#question", question)
    follow(me, "form[action='/web/help/ask'] button")
    me.fill("#handoff-message", note)
    follow(me, "form[action='/web/help/handoff'] button")
    ticket = me.url.split("?")[0]
    assert _bodies(me, "ol.transcript li.said")[0] == question
    assert note not in _bodies(me, "ol.transcript li.said")
    assert _bodies(me, "ol.messages li") == [note]
    follow(me, f".lang-switch a[lang='{OTHER[customer]}']")  # their pages, switched since

    ada = person("agent-ada", Role.AGENT, lang=agent)
    ada.goto(ticket.replace("/web/tickets/", "/web/desk/tickets/"))
    assert ada.locator("html").get_attribute("lang") == agent  # the desk in the agent's own
    shown = ada.locator("#customer-language span[lang]")
    assert (shown.inner_text(), shown.get_attribute("lang")) == (NAME[customer], customer)
    assert ada.locator("dt", has=ada.locator(f"text={LABEL[agent]}")).count() == 1
    assert ada.locator("#canned-language").input_value() == CANNED[customer]
    assert _bodies(ada, "ol.transcript li.said")[0] == question  # as the customer wrote it
    assert _bodies(ada, "ol.messages li") == [note]  # once
    ada.fill("#reply-body", ANSWER[customer])
    follow(ada, "form[action$='/reply'] button")
    assert "done=replied" in ada.url
    assert _bodies(ada, "ol.messages li") == [note, ANSWER[customer]]

    me.goto(ticket)
    assert _bodies(me, "ol.messages li") == [note, ANSWER[customer]]
    last = me.locator("ol.messages li").last
    assert last.locator(".message-head strong").inner_text() == SUPPORT[OTHER[customer]]
