"""A rejected customer appeals from the link in the rejection e-mail, in English and in
Chinese: they ask to close on the page in their language, staff reject the request, the
e-mail lands in the mailbox in that language with a link under the public URL the app
is served at, the link opens the appeal form naming the request, and the appeal reaches
the desk's queue, where another agent can decide it."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import deliver_due
from tests.browser.conftest import follow
from tests.builders import account, load
from tests.live_server import free_port, live_server
from tests.workflow_support import AGENT_A, settings, workflow

PORT = free_port()
SUBJECTS = {
    "en": "Your account closure request was rejected",
    "zh-Hans": "您的账户注销申请被驳回",
}
APPEAL = {"en": "Please review my closure again", "zh-Hans": "请重新审核我的注销申请"}


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    """The app's public URL is the port it is served on, so the e-mail's links lead to it."""
    return settings().model_copy(
        update={
            "demo_login": True,
            "public_base_url": f"http://127.0.0.1:{PORT}",
            "mailbox_dir": tmp_path / "mailbox",
            "webhook_url": None,
        }
    )


@pytest.fixture
def base_url(engine: Engine, clock, config: Settings) -> Iterator[str]:
    """As in conftest, on the port ``config`` names."""
    app = create_app(config, engine=engine, clock=clock)
    with live_server(app, port=PORT, lifespan="off") as url:
        assert url == config.public_base_url
        yield url


def the_email(mailbox: Path, topic: str) -> EmailMessage:
    [path] = mailbox.glob(f"*-email-{topic}-*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email_policy)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_rejected_customer_appeals_from_the_link_in_the_email(
    engine, clock, config, base_url, person, lang
) -> None:
    ticket_id = appeal_from_the_email(engine, clock, config, base_url, person, lang)
    agent = person("agent-bo", Role.AGENT, lang=lang)  # not the agent who rejected it
    agent.goto(f"{base_url}/web/desk?category=closure_rejected")
    row = agent.locator(f"#ticket-{ticket_id}")
    assert APPEAL[lang] in row.inner_text()
    follow(agent, f"#ticket-{ticket_id} a[href='/web/desk/tickets/{ticket_id}']")
    decide = f"form[action='/web/desk/tickets/{ticket_id}/closure-appeal-decision']"
    assert agent.locator(decide).is_visible()


def appeal_from_the_email(engine, clock, config, base_url, person, lang: str) -> str:
    """U1 asks to close on the page in ``lang``, an agent rejects it, U1 appeals from the
    rejection e-mail's link; the appeal ticket's id."""
    load(engine, account("U1"))
    me = person("U1", lang=lang)
    follow(me, "a[href='/web/me/close']")
    me.check("#reason-no_longer_needed")  # no reason is chosen for the customer
    follow(me, "form[action='/web/me/close'] button[type=submit]")
    request_id = me.url.rsplit("/", 1)[1]

    wf = workflow(engine, clock, config)
    with wf.unit_of_work() as uow:  # as if verified and sent to review: the journey is after
        request = uow.closures.get(request_id)
        uow.closures.save(replace(request, state=ClosureState.IN_REVIEW, version=2))
    closure.reject(wf, AGENT_A, request_id, "the source of funds is unclear")
    assert deliver_due(engine, clock, config, channels_from_settings(config)).failed == 0

    mail = the_email(config.mailbox_dir or Path(), "closure_rejected")
    assert mail["Subject"] == SUBJECTS[lang]
    assert mail["Content-Language"] == lang
    body = mail.get_content()
    assert "the source of funds is unclear" in body
    [link] = re.findall(r"https?://[!-~]+", body)
    assert link == f"{base_url}/appeals/new?closure={request_id}"

    me.goto(link)
    assert me.locator("html").get_attribute("lang") == lang
    assert me.locator("#ticket-category").input_value() == "closure_rejected"
    assert me.locator("input[name=related_closure_id]").input_value() == request_id
    me.fill("#ticket-subject", APPEAL[lang])
    me.fill("#ticket-body", APPEAL[lang] + ": " + "I have proof of the source of funds.")
    follow(me, "form[action='/web/tickets'] button[type=submit]")
    assert "done=ticket_opened" in me.url
    return me.url.split("/web/tickets/", 1)[1].split("?", 1)[0]
