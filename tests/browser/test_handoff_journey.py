"""A hand-off walked in chromium, in English and in Chinese, read as each person reads it:
two customers ask the assistant and talk to a person; the first reads their ticket (titled
by their question, the conversation on the page: who said what and when, no link or file
of ours); the agent finds both tickets told apart in the queue, opens one, reads the same
conversation and replies; the ticket is now the agent's; the customer reads the reply."""

from __future__ import annotations

import pytest

from lastgate.kernel import present
from lastgate.kernel.access import Role
from tests.browser.conftest import follow, screenshot
from tests.builders import account, load

BTC = [{"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}]
QUESTIONS = {
    "en": ("Why can I not close my account?", "How do I download my data?"),
    "zh-Hans": ("为什么不能注销账户", "怎么下载我的数据"),
}
REMAINS = {
    "en": "0.25 BTC remains in your funding account.",
    "zh-Hans": "您的资金账户中还有 0.25 BTC。",
}
WORDS = {
    "en": {
        "conversation": "Your conversation with the assistant",
        "you": "You",
        "assistant": "Assistant",
        "customer": "Customer",
        "support": "Support",
        "reply": "Withdraw the 0.25 BTC first, then close the account again.",
        "asks": "I would like to talk to a person.",
    },
    "zh-Hans": {
        "conversation": "您与助手的对话",
        "you": "您",
        "assistant": "助手",
        "customer": "用户",
        "support": "客服",
        "reply": "请先提取这 0.25 BTC，然后重新申请注销账户。",  # noqa: RUF001
        "asks": "我想联系人工客服。",
    },
}


def _hand_off(person, uid: str, question: str, lang: str):
    me = person(uid, lang=lang)
    follow(me, "nav a[href='/web/help']")
    me.fill("#question", question)
    follow(me, "form[action='/web/help/ask'] button")
    follow(me, "form[action='/web/help/handoff'] button")
    assert "done=handoff" in me.url
    return me


def _lines(page) -> list[tuple[str, str, str]]:
    """Each line of the conversation as the reader sees it: who, when, what."""
    said = page.locator("ol.transcript li.said")
    out = []
    for i in range(said.count()):
        line = said.nth(i)
        who = line.locator(".message-head strong").inner_text()
        when = line.locator(".message-head time").inner_text()
        out.append((who, when, line.locator(".message-body").inner_text()))
    return out


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_hand_off_from_the_question_to_the_agents_reply(engine, person, clock, lang) -> None:
    load(engine, account("U1", balances=BTC), account("U2"))
    words, language = WORDS[lang], lang.replace("-", "_")
    asked_at = present.datetime_text(clock(), language)
    mine, theirs = QUESTIONS[lang]
    _hand_off(person, "U2", theirs, lang)
    me = _hand_off(person, "U1", mine, lang)

    # The customer reads their ticket: its title is their question, the conversation is on it.
    assert me.locator("h1").inner_text() == mine
    assert me.locator("#conversation").inner_text() == words["conversation"]
    said = _lines(me)
    assert [(who, when) for who, when, _ in said] == [
        (words["you"], asked_at),
        (words["assistant"], asked_at),
    ]
    assert said[0][2] == mine and REMAINS[lang] in said[1][2]
    main = me.locator("main").inner_text()
    assert "http" not in main and "/v1/" not in main and "JSON" not in main
    assert me.locator("a[href*='/attachments/']").count() == 0  # no file of ours to open
    # Nothing typed for the person: the first message asks for one; the question is the
    # conversation's, once, not said again below it.
    bodies = me.locator("ol.messages li .message-body").all_inner_texts()
    assert bodies == [WORDS[lang]["asks"]] and main.count(mine) == 2  # the title and the line
    ticket_id = me.url.split("?")[0].rsplit("/", 1)[1]
    if lang == "en":
        screenshot(me, "desk-handoff-ticket")

    # The agent's queue tells the two hand-offs apart, and nobody has them yet.
    ada = person("agent-ada", Role.AGENT, lang=lang)
    ada.goto(me.url.split("/web/")[0] + "/web/desk")
    titles = ada.locator("table.queue tbody tr td:first-child a").all_inner_texts()
    assert sorted(titles) == sorted([mine, theirs])
    row = ada.locator(f"#ticket-{ticket_id}")
    assert row.locator("td").nth(5).inner_text() == "—"
    follow(ada, f"#ticket-{ticket_id} a")
    assert [(w, t) for w, t, _ in _lines(ada)] == [
        (words["customer"], asked_at),
        (words["assistant"], asked_at),
    ]
    assert [x for _, _, x in _lines(ada)] == [x for _, _, x in said]

    # The agent replies: the ticket is now theirs, on it and in the queue.
    ada.fill("#reply-body", words["reply"])
    follow(ada, "form[action$='/reply'] button")
    assert "done=replied" in ada.url
    facts = ada.locator("dl.facts").inner_text()
    assert "agent-ada" in facts
    ada.goto(me.url.split("/web/")[0] + "/web/desk")
    assert ada.locator(f"#ticket-{ticket_id} td").nth(5).inner_text() == "agent-ada"

    # The customer reads the reply on their ticket.
    me.reload()
    last = me.locator("ol.messages li").last
    assert last.locator(".message-head strong").inner_text() == words["support"]
    assert last.locator(".message-body").inner_text() == words["reply"]
