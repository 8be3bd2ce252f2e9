"""The demo mailbox, through HTTP on both databases: in the demo nothing is sent, so the
page that says a code was e-mailed points to the demo mailbox, which shows the signed-in
customer what was written to their address and number (the code among it), newest first,
in English and in Chinese; another customer sees none of it; outside the demo the page
and its pointers are not there."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import deliver_due
from tests.builders import account, load
from tests.web.test_verification_pages import open_closure, sent_code
from tests.web_support import browser, csrf
from tests.workflow_support import settings

MAILBOX = "/web/demo-login/mailbox"
HINT = {
    "en": "In this demo nothing is sent: the code is in the demo mailbox.",
    "zh-Hans": "本演示不会真正发送任何消息：验证码在演示邮箱中。",  # noqa: RUF001
}


@pytest.fixture
def config(tmp_path):
    return settings().model_copy(update={"demo_login": True, "mailbox_dir": tmp_path / "mail"})


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"), account("U2", phone="+4915199999999"))
    return create_app(config, engine=engine, clock=clock)


def _letters(page: str) -> list[str]:
    return re.findall(r'<div class="message-body">(.*?)</div>', page, re.S)


def _code_sent(client, engine, clock, config, lang: str) -> str:
    path = open_closure(client)
    token = csrf(client.get(path).text)
    sent = client.post(f"{path}/verification?lang={lang}", data={"csrf": token, "method": "email"})
    assert HINT[lang] in sent.text and f'href="{MAILBOX}"' in sent.text
    code = sent_code(engine)  # read before delivery, which forgets it
    assert deliver_due(engine, clock, config, channels_from_settings(config)).failed == 0
    return code


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_code_is_read_in_the_demo_mailbox(app, engine, clock, config, lang) -> None:
    client = browser(app, clock, config, "U1")
    code = _code_sent(client, engine, clock, config, lang)
    page = client.get(f"{MAILBOX}?lang={lang}").text
    letters = _letters(page)
    assert letters and code in letters[0]  # the code, newest first
    assert len(letters) >= 2  # the request's notices too, by e-mail and text message
    assert ("Text message" if lang == "en" else "短信") in page
    # A message lands a few seconds after what sends it (the worker delivers it): the page
    # says so, with a reload, so that a code not there yet is not taken for one never sent.
    delay = page.split('id="mailbox-delay">')[1].split("</p>")[0]
    assert ("Reload this page" if lang == "en" else "请刷新本页") in delay
    assert f'href="{MAILBOX}"' in delay
    demo_page = client.get(f"/web/demo-login?lang={lang}").text
    assert 'id="demo-mailbox-link"' in demo_page and f'href="{MAILBOX}"' in demo_page
    # Another customer's mailbox holds none of it.
    other = browser(app, clock, config, "U2").get(MAILBOX).text
    assert _letters(other) == [] and 'id="mailbox-empty"' in other


def test_outside_the_demo_there_is_no_mailbox(engine, clock, config) -> None:
    load(engine, account("U1"))
    off = config.model_copy(update={"demo_login": False})  # as `lastgate serve` runs
    client = browser(create_app(off, engine=engine, clock=clock), clock, off, "U1")
    assert client.get(MAILBOX).status_code == 404
    path = open_closure(client)
    token = csrf(client.get(path).text)
    sent = client.post(f"{path}/verification", data={"csrf": token, "method": "email"}).text
    assert 'id="code-sent"' in sent and 'id="demo-mailbox-hint"' not in sent
    assert "/web/demo-login" not in sent


def test_staff_have_no_demo_mailbox(app, clock, config) -> None:
    staff = browser(app, clock, config, "agent-ada", Role.AGENT)
    assert staff.get(MAILBOX, follow_redirects=False).status_code == 403


def test_what_is_not_a_message_is_left_out(app, engine, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    code = _code_sent(client, engine, clock, config, "en")
    folder = config.mailbox_dir
    (folder / ".incoming-x1y2").write_bytes(b"half a message")  # being written
    (folder / "notes-u1@example.com.txt").write_text("To: u1@example.com\n\nnot ours")
    (folder / "README").write_text("To: u1@example.com\n\nnot a message")
    letters = _letters(client.get(MAILBOX).text)
    assert any(code in letter for letter in letters)
    assert not any("not ours" in letter or "not a message" in letter for letter in letters)
