"""A ticket as staff read it and its customer hears of the answer, through HTTP, on both
databases: in the language the customer wrote it in, not the one their pages were last
switched to (staff read the desk in their own); the customer's note to the person shows
once; a check's "Internal:" line says only what its message does not."""

from __future__ import annotations

import re
from html import unescape

import pytest

from lastgate.kernel.access import Role
from tests.web.test_desk_handoff import _ask, _hand_off, _said, _section, app, config
from tests.web_support import browser, csrf
from tests.workflow_support import outbox_rows

__all__ = ["app", "config"]  # the hand-off tests' fixtures: their accounts and settings

WRITTEN = {
    "zh-Hans": ("为什么不能注销账户", "请尽快帮我处理，谢谢"),  # noqa: RUF001
    "en": ("Why can't I close my account?", "Please call me back tomorrow."),
}
NAME = {"en": "English", "zh-Hans": "中文"}
LABEL = {"en": "Customer's language", "zh-Hans": "用户语言"}
OTHER = {"en": "zh-Hans", "zh-Hans": "en"}


def _handed_off(app, clock, config, uid: str, lang: str):
    """``uid`` asks on the Help page in ``lang`` and hands off with a note; the ticket."""
    me = browser(app, clock, config, uid)
    question, note = WRITTEN[lang]
    answer = _ask(me, question, me.get(f"/web/help?lang={lang}").text, lang)
    return me, _hand_off(me, answer, note, lang)


def _staff_view(app, clock, config, handed, lang: str):
    agent = browser(app, clock, config, "agent-ada", Role.AGENT)
    path = handed.url.path.replace("/web/tickets/", "/web/desk/tickets/")
    return agent, path, agent.get(f"{path}?lang={lang}&context=show").text


@pytest.mark.parametrize("written", ["zh-Hans", "en"])
def test_staff_read_and_answer_a_ticket_in_the_language_it_was_written_in(
    app, clock, config, engine, written
) -> None:
    me, handed = _handed_off(app, clock, config, "U1", written)
    me.get(f"/web/me?lang={OTHER[written]}")  # the customer switches their pages since
    staff_lang = OTHER[written]  # and the agent reads the desk in the other language
    agent, path, page = _staff_view(app, clock, config, handed, staff_lang)

    shown = page.split('id="customer-language">')[1].split("</dd>")[0]
    assert f'lang="{written}">{NAME[written]}</span>' in shown
    assert f"<dt>{LABEL[staff_lang]}</dt>" in unescape(page)  # the desk in the agent's own
    canned = page.split('id="canned-language"')[1].split("</select>")[0]
    chosen = re.search(r'<option value="(\w+)" selected', canned)
    assert (chosen.group(1) if chosen else "en") == written.replace("-", "_")
    question, note = WRITTEN[written]
    assert question in unescape(page) and note in unescape(page)  # their words, as written

    replied = agent.post(
        f"{path}/reply", data={"csrf": csrf(page), "body": "OK", "await_customer": "true"}
    )
    assert replied.status_code == 200
    rows = [r for r in outbox_rows(engine, "desk_reply") if r["payload"]["uid"] == "U1"]
    assert rows and {r["payload"]["language"] for r in rows} == {written.replace("-", "_")}


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_the_customers_note_to_the_person_shows_once(app, clock, config, lang) -> None:
    _, handed = _handed_off(app, clock, config, "U1", lang)
    question, note = WRITTEN[lang]
    ours = _said(_section(handed.text, "conversation"))
    assert ours[0][2] == question and note not in [text for _, _, text in ours]
    messages = unescape(_section(handed.text, "messages"))
    assert messages.count(note) == 1  # the ticket's first message

    _, _, page = _staff_view(app, clock, config, handed, lang)
    theirs = _said(_section(page, "handoff-context"))
    assert [text for _, _, text in theirs] == [text for _, _, text in ours]
    assert unescape(_section(page, "history")).count(note) == 1


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_internal_line_says_only_what_the_message_does_not(app, clock, config, lang) -> None:
    """A check with no internal detail of its own (assets left) has no "Internal:" line
    repeating its message; one with a detail (the disputed identity check's KYC status)
    keeps it, at the hand-off and now."""
    internal = {"en": "Internal:", "zh-Hans": "内部："}[lang]  # noqa: RUF001
    pages = {}
    for uid in ("U1", "UKYC"):
        _, handed = _handed_off(app, clock, config, uid, lang)
        pages[uid] = _staff_view(app, clock, config, handed, lang)[2]
    for uid, page in pages.items():
        checks = re.findall(r'<li class="check [a-z]+">(.*?)</li>', page, flags=re.S)
        assert len(checks) == 2, uid  # the check at the hand-off and now
        for check in checks:
            message = re.search(r"</h[34]>\s*<p>(.*?)</p>", check, flags=re.S)
            detail = re.search(r'<p class="internal"><strong>[^<]*</strong> (.*?)</p>', check)
            assert message is not None
            if uid == "U1":
                assert detail is None and internal not in check
            else:
                assert detail is not None and detail.group(1) != message.group(1)
                assert "disputed" in detail.group(1)
