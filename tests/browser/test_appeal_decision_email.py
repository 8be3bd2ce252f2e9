"""An appeal decided on the desk reaches the customer's mailbox, in English and in
Chinese: a rejected customer appeals from the rejection e-mail, another agent upholds the
rejection on the ticket's page, and the customer receives the promised e-mail in the
language they wrote the appeal in, saying the decision and the next step; its links open
the ticket with the agent's answer and the self-check, in that language."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from lastgate.kernel.access import Role
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import deliver_due
from tests.browser import test_appeal_from_email as served
from tests.browser.conftest import follow

#: The app served at the public URL its notices' links start with, the mailbox beside it.
config = served.config
base_url = served.base_url

SUBJECT = {
    "en": "Your appeal was reviewed: the rejection stands",
    "zh-Hans": "您的申诉已审核：维持驳回注销申请的决定",  # noqa: RUF001
}
SAYS = {
    "en": "the rejection of your closure request stands",
    "zh-Hans": "维持驳回您注销申请的决定",
}
NOTE = {
    "en": "The source of your funds is still not documented.",
    "zh-Hans": "您的资金来源仍未提供证明材料。",
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_upheld_appeal_is_told_by_email_in_the_appeals_language(
    engine, clock, config, base_url, person, lang
) -> None:
    ticket_id = served.appeal_from_the_email(engine, clock, config, base_url, person, lang)
    agent = person("agent-bo", Role.AGENT, lang="en")  # the desk reads in its own language
    agent.goto(f"{base_url}/web/desk/tickets/{ticket_id}")
    agent.fill("#decision-note", NOTE[lang])
    follow(agent, "#decision-buttons button[value=reject]")
    assert "Decision recorded. The customer is told." in agent.locator("body").inner_text()
    assert deliver_due(engine, clock, config, channels_from_settings(config)).failed == 0

    mail = served.the_email(config.mailbox_dir or Path(), "closure_appeal_upheld")
    assert mail["Subject"] == SUBJECT[lang] and mail["Content-Language"] == lang
    body = mail.get_content()
    assert SAYS[lang] in body and NOTE[lang] not in body  # the answer is read signed in
    links = [link.rstrip(".") for link in re.findall(r"https?://[!-~]+", body)]
    ticket_link, self_check = links
    assert ticket_link == f"{base_url}/support/tickets/{ticket_id}"
    assert self_check == f"{base_url}/web/me"

    me = person("U1", lang=lang)
    me.goto(ticket_link)
    assert urlparse(me.url).path == f"/web/tickets/{ticket_id}"
    assert me.locator("html").get_attribute("lang") == lang
    assert NOTE[lang] in me.locator("body").inner_text()
    me.goto(self_check)
    assert urlparse(me.url).path == "/web/me"
    assert me.locator("html").get_attribute("lang") == lang

    # The decision is final for that request: its page and Help say so, with no appeal.
    final = {"en": "the rejection stands", "zh-Hans": "驳回决定维持不变"}[lang]
    follow(me, "a[href^='/web/closure/']")
    assert final in me.locator("main").inner_text()
    assert me.locator("a[href*='category=closure_rejected']").count() == 0
    me.goto(f"{base_url}/web/help")
    appeals = me.locator("section[aria-labelledby=appeals]")
    assert (
        appeals.count() == 1
        and appeals.locator("a[href*='category=closure_rejected']").count() == 0
    )
