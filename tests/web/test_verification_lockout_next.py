"""Locked for a while after too many wrong codes, the closure page says what to do next:
come back after that time for a new code, and, if it was not the customer, write to
support, with the ticket form's link on the recovery topic. On both databases."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from lastgate.desk.model.tickets import TicketCategory
from tests.builders import account, load
from tests.web.test_verification_pages import open_closure, sent_code
from tests.web_support import browser, csrf
from tests.workflow_support import settings

NEXT = {
    "en": ("come back to this page and ask for a new code", "If it was not you"),
    "zh-Hans": ("请回到此页面重新获取验证码", "如果不是您本人"),
}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"))
    return create_app(config, engine=engine, clock=clock)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_locked_verification_says_when_to_come_back_and_whom_to_write_to(
    app, engine, clock, config, lang
) -> None:
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    wrong = f"{(int(sent_code(engine)) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(
            f"{path}/verification/check", data={"csrf": token, "method": "email", "code": wrong}
        )
    page = client.get(f"{path}?lang={lang}").text
    found = re.search(r'<p id="locked-next">(.*?)</p>', page, flags=re.S)
    assert found, "the lock says nothing of what to do"
    for words in NEXT[lang]:
        assert words in found.group(1)
    link = re.search(r'href="(/web/tickets\?category=(\w+)#new)"', found.group(1))
    assert link and TicketCategory(link.group(2)) is TicketCategory.CREDENTIAL_RECOVERY
    form = client.get(link.group(1)).text
    assert f'<option value="{link.group(2)}" selected>' in form

    clock.advance(minutes=16)  # past the lock: the page offers the way to a new code again
    after = client.get(path).text
    assert 'id="locked-next"' not in after and "/verification" in after
