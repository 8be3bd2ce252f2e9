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


def write_to_support(page) -> str:
    """A ticket written on the desk's form; its id."""
    page.goto(page.url.split("/web/")[0] + "/web/tickets#new")
    page.fill("#ticket-subject", "My closure")
    page.fill("#ticket-body", "When will my account be closed?")
    follow(page, "form[action='/web/tickets'] button[type='submit']")
    path = urlparse(page.url).path
    assert path.startswith("/web/tickets/")
    return path.rsplit("/", 1)[1]


@pytest.mark.parametrize(("customer", "agent"), [("zh-Hans", "en"), ("en", "zh-Hans")])
def test_the_agent_sees_the_language_to_answer_in(engine, person, customer, agent) -> None:
    load(engine, account("U1"))
    ticket_id = write_to_support(person("U1", lang=customer))
    ada = person("agent-ada", Role.AGENT, lang=agent)
    ada.goto(ada.url.split("/web/")[0] + f"/web/desk/tickets/{ticket_id}")
    shown = ada.locator("#customer-language")
    assert shown.is_visible()
    assert shown.locator("span[lang]").inner_text() == NAME[customer]
    assert shown.locator("span[lang]").get_attribute("lang") == customer
    label = ada.locator("dt", has=ada.locator(f"text={LABEL[agent]}"))
    assert label.count() == 1  # named in the agent's own language
    assert ada.locator("#canned-language").input_value() == CANNED[customer]
